import sys, time, json
sys.path.insert(0, "benchmarks/predictive_study")
import numpy as np, polars as pl, influence_graph as ig
from datetime import datetime, timezone
from influence_graph.compare.validity import _prepare, split_dataset
from harness import evaluate, RAW, KW
from est import fit_nb_reg
pl.Config.set_tbl_rows(100); pl.Config.set_tbl_cols(30); pl.Config.set_tbl_width_chars(250)
t0 = time.time(); ds = ig.datasets.higgs(); print("load", round(time.time() - t0, 1), ds)
splits = {"0.5": 0.5, "07-04T07": datetime(2012, 7, 4, 7, tzinfo=timezone.utc),
          "07-05T00": datetime(2012, 7, 5, tzinfo=timezone.utc)}
which = sys.argv[1:] or ["0.5"]
for sname in which:
    t0 = time.time()
    kw = dict(KW); kw["split"] = splits[sname]
    data, want, t, basis, _ = _prepare(ds, metrics=[m for m in RAW if m != "followers"] + ["spread"], seed=0, **kw)
    tp = time.time() - t0
    before, _, _ = split_dataset(ds, t)
    ev = before.events
    day = pl.col("timestamp").dt.date()
    adopt = ev.filter(pl.col("action").cast(pl.String).is_in(["retweet", "quote"]),
                      pl.col("target_user").is_not_null(), pl.col("target_user") != pl.col("user")
                      ).group_by(user="target_user", day=day).agg(_k=pl.col("user").n_unique())
    active = pl.concat([ev.select("user", day=day),
                        ev.drop_nulls("target_user").select(user="target_user", day=day)]).unique()
    per = active.join(adopt, on=["user", "day"], how="left").group_by("user").agg(
        n=pl.len().cast(pl.Float64), K=pl.col("_k").fill_null(0).sum().cast(pl.Float64))
    d = data.select("user").join(per, on="user", how="left").fill_null(0)
    n, K = d["n"].to_numpy(), d["K"].to_numpy()
    cand = {}
    for cov in ("const", "log_active_days"):
        x = np.zeros_like(n) if cov == "const" else np.log(n + 1)
        b0, g, la = fit_nb_reg(K, n, x)
        al = np.exp(la); mu = np.exp(b0 + g * x)
        cand[f"eb_day_{cov}"] = 1 + (al + K) / (al / mu + n)
        print(sname, cov, "alpha", round(al, 3), "b0", round(b0, 3), "gamma", round(g, 3))
    cand["plugin_day_mean"] = np.where(n > 0, 1 + K / np.maximum(n, 1), np.nan)
    data = data.rename({"spread": "a_default"}).join(pl.DataFrame({"user": d["user"], **cand}), on="user")
    thin = d.select("user", _np="n")
    res, raw, _ = evaluate(data, ["a_default", *cand], truth=None, n_boot=200, seed=0, thin_posts=thin)
    print(f"== higgs split {sname} ({t})  prepare {tp:.1f}s total {time.time()-t0:.1f}s basis {basis}")
    print("raw rho future:", raw)
    print(res.drop("n_thin"))
    res.with_columns(world=pl.lit(f"higgs_{sname}")).write_csv(f"benchmarks/predictive_study/res_higgs_{sname}.csv")
