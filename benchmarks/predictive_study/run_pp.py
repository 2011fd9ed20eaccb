"""Round 2: per-item NB mixed model (pp.py) on the three worlds.

usage: python benchmarks/predictive_study/run_pp.py synth|cw|wic SEED [SEED ...]
"""
import sys, time, json
sys.path.insert(0, "benchmarks/predictive_study")
import numpy as np, polars as pl, influence_graph as ig
from influence_graph.compare.validity import split_dataset
from harness import prep, evaluate, RAW
from est import Log, eb_rates, calibrate_outward
import cands

pl.Config.set_tbl_rows(100); pl.Config.set_tbl_cols(30); pl.Config.set_tbl_width_chars(250)


def load(world, s):
    if world == "synth":
        ds = ig.datasets.synthetic(n_users=2000, seed=s)
        return ds, ds.truth.post_spread.select("user", truth="post_spread")
    if world.startswith("cw"):
        ds = ig.datasets.cascade_world(seed=s, attribution="root" if world == "cw_root" else "parent")
        return ds, ds.truth.spread.select("user", truth="spread")
    if world.startswith("wic"):
        from world_ic import world as wgen, export
        w = wgen(s)
        return export(w, "original" if world == "wic_orig" else "parent"), w["truth"].select("user", truth="post_spread")
    raise SystemExit(world)


world = sys.argv[1]
for s in [int(x) for x in sys.argv[2:]] or [1]:
    t0 = time.time()
    ds, truth = load(world, s)
    tg = time.time() - t0
    data, t = prep(ds, metrics=RAW, seed=0)
    before, _, _ = split_dataset(ds, t)
    t1 = time.time()
    out, info = cands.all_candidates(before)
    tc = time.time() - t1
    df = pl.DataFrame({"user": before.user_ids, **{k: np.asarray(v, float) for k, v in out.items()}})
    data = data.join(df, on="user", how="left")
    thin = before.events.filter(pl.col("action").cast(pl.String) == "post").group_by("user").agg(_np=pl.len())
    res, raw, rawt = evaluate(data, list(out), truth=truth, n_boot=200, seed=0, thin_posts=thin)
    label = f"{world}{s}"
    print(f"== {label} gen {tg:.1f}s candidates {tc:.1f}s total {time.time()-t0:.1f}s")
    print("raw rho future:", raw); print("raw rho truth:", rawt)
    print("info:", json.dumps(info, default=lambda x: round(float(x), 4)))
    print(res.drop("n", "best_raw_truth", "n_thin"))
    res.with_columns(world=pl.lit(label), t_cand=pl.lit(round(tc, 1))).write_csv(
        f"benchmarks/predictive_study/r2_{label}.csv")
