"""Evaluate candidates: Spearman vs future mean cascade size, paired bootstrap gaps vs raw
counts, Spearman vs truth, calibration slope, thin-evidence users."""
from __future__ import annotations
import dataclasses, time, json, sys
import numpy as np, polars as pl
import influence_graph as ig
from influence_graph.compare.validity import _prepare, split_dataset
from influence_graph.compare._ranking import ranks as _ranks, pearson_rows as _pearson_rows
from influence_graph.diffusion.options import SpreadOptions
from est import Log, fix_attribution, eb_models, shrink_to_past, shrink_linear, credit_distribution, eb_variants

RAW = ["followers", "out_degree", "retweets_received", "unique_engagers", "actions", "pagerank",
       "mean_cascade_size"]
KW = dict(split=0.5, graph=None, probabilities="learned", prior="empirical", pooling="auto",
          min_activity=1, min_posts=1, options=SpreadOptions(rel_error=0.1, top_k=100))


def vals(x):
    x = np.asarray(x, float); f = np.isfinite(x)
    return np.where(f, x, x[f].min() - 1 if f.any() else 0)


def rho(x, y):
    return float(_pearson_rows(_ranks(vals(x)), _ranks(y)))


def prep(ds, metrics, seed=0):
    data, want, t, basis, _ = _prepare(ds, metrics=metrics, seed=seed, **KW)
    return data, t


def candidates(ds, t, R=200, seed=0, fix=True):
    before, _, _ = split_dataset(ds, t)
    T = {}
    t0 = time.time(); L = Log(before, fix=fix); T["log"] = time.time() - t0
    t0 = time.time(); out = eb_models(L, R=R, seed=seed); T["eb"] = time.time() - t0
    fits = {k: v for k, v in out.items() if k.startswith("_fit_")}
    out = {k: v for k, v in out.items() if not k.startswith("_")}
    t0 = time.time(); ext, info = eb_variants(L, fits["_fit_eb_src_rcv"], seed=seed); T["variants"] = time.time() - t0
    out.update(ext); fits["variants"] = info
    from est import calibrate_outward
    for base in ("eb_src_rcv_series", "eb_src_rcv_first", "eb_src_rcv_ic_R1000"):
        out[base + "_cal"], fits["cal_" + base] = calibrate_outward(L, out[base])
    if L.past_sizes is None and hasattr(L, "D"):
        for base in ("eb_src_rcv_ic", "eb_src_rcv_first"):
            out[base + "+shrink"], a = shrink_to_past(L, out[base])
            fits["shrink_alpha_" + base] = a
        out["eb_src_rcv_ic+lin"], tau2 = shrink_linear(L, out["eb_src_rcv_ic"])
        t0 = time.time()
        out["cd_trace"] = credit_distribution(L, None, trace=True)
        out["cd_trace_norm"] = credit_distribution(L, None, trace=True, norm=True)
        T["cd"] = time.time() - t0
    df = pl.DataFrame({"user": L.names, **{k: np.asarray(v, float) for k, v in out.items()}})
    return df, L, fits, T


def evaluate(data, cols, truth=None, n_boot=200, seed=0, thin_posts=None):
    """data: table with metric columns and _y_mean_cascade_size."""
    rows = []
    sub = data.filter(pl.col("_y_mean_cascade_size").is_not_null())
    y = sub["_y_mean_cascade_size"].to_numpy().astype(float)
    n = y.size
    rng = np.random.default_rng(seed)
    boot = rng.integers(0, n, size=(n_boot, n))
    Ry = None
    def bs(x):
        x = vals(x)
        return _pearson_rows(_ranks(x[boot]), _ranks(y[boot]))
    raw_b = {m: bs(sub[m].to_numpy()) for m in RAW if m in sub.columns}
    raw_r = {m: rho(sub[m].to_numpy(), y) for m in raw_b}
    raw_r = {m: v for m, v in raw_r.items() if np.isfinite(v)}
    raw_b = {m: raw_b[m] for m in raw_r}
    best = max(raw_r, key=raw_r.get)
    tr = None
    if truth is not None:
        tt = data.select("user", *[c for c in set(cols) | set(raw_b)]).join(truth, on="user", how="inner")
        tv = tt["truth"].to_numpy()
        tr = {m: rho(tt[m].to_numpy(), tv) for m in set(cols) | set(raw_b)}
        best_t = max((m for m in raw_b), key=lambda m: tr[m])
    if thin_posts is not None:
        th = sub.join(thin_posts, on="user", how="left").with_columns(pl.col("_np").fill_null(0))
        thm = (th["_np"] <= 3).to_numpy()
        yth = y[thm]
        raw_thin = {m: rho(sub[m].to_numpy()[thm], yth) for m in raw_b}
        best_thin = max(raw_thin, key=raw_thin.get)
    for c in cols:
        x = sub[c].to_numpy().astype(float)
        r = rho(x, y); b = bs(x)
        gaps = {m: np.quantile(b - raw_b[m], 0.025) for m in raw_b}
        gap_hi = float(np.quantile(b - raw_b[best], 0.975))
        xc = vals(x) - vals(x).mean()
        slope = float((xc * (y - y.mean())).sum() / (xc * xc).sum())
        row = dict(cand=c, n=n, rho=round(r, 3), best_raw=best, rho_best_raw=round(raw_r[best], 3),
                   gap=round(r - raw_r[best], 3), gap_lo=round(float(gaps[best]), 3), gap_hi=round(gap_hi, 3),
                   min_gap_lo=round(float(min(gaps.values())), 3), slope=round(slope, 2),
                   ratio=round(float(y.mean() / vals(x).mean()), 2))
        if tr is not None:
            row.update(rho_truth=round(tr[c], 3), best_raw_truth=best_t, rho_truth_best_raw=round(tr[best_t], 3),
                       truth_gap=round(tr[c] - tr[best_t], 3))
        if thin_posts is not None:
            row.update(n_thin=int(thm.sum()), rho_thin=round(rho(x[thm], yth), 3),
                       best_raw_thin=best_thin, rho_thin_best_raw=round(raw_thin[best_thin], 3))
        rows.append(row)
    rawrows = {m: round(raw_r[m], 3) for m in raw_r}
    if tr is not None:
        rawrows_t = {m: round(tr[m], 3) for m in raw_b}
    else:
        rawrows_t = None
    return pl.DataFrame(rows), rawrows, rawrows_t


def run_world(ds, truth, label, R=200, seed=0, n_boot=200):
    T = {}
    t0 = time.time()
    data, t = prep(ds, metrics=RAW + ["spread"], seed=seed); T["a_default"] = time.time() - t0
    t0 = time.time()
    dsf = dataclasses.replace(ds, events=fix_attribution(ds.events))
    dfix, _ = prep(dsf, metrics=["spread"], seed=seed); T["b_fix"] = time.time() - t0
    data = data.rename({"spread": "a_default"}).join(
        dfix.select("user", b_fix="spread"), on="user", how="left")
    cand, L, fits, Tc = candidates(ds, t, R=R, seed=seed)
    T.update(Tc)
    data = data.join(cand, on="user", how="left")
    cols = ["a_default", "b_fix"] + [c for c in cand.columns if c != "user"]
    before, _, _ = split_dataset(ds, t)
    thin = before.events.filter(pl.col("action").cast(pl.String) == "post").group_by("user").agg(_np=pl.len())
    res, raw, rawt = evaluate(data, cols, truth=truth, n_boot=n_boot, seed=seed, thin_posts=thin)
    return res.with_columns(world=pl.lit(label)), raw, rawt, fits, T
