import sys, time, json
import polars as pl, influence_graph as ig
sys.path.insert(0, "benchmarks/predictive_study")
from harness import run_world
pl.Config.set_tbl_rows(100); pl.Config.set_tbl_cols(30); pl.Config.set_tbl_width_chars(250)
seeds = [int(s) for s in sys.argv[1:]] or [1]
for s in seeds:
    t0 = time.time()
    ds = ig.datasets.synthetic(n_users=2000, seed=s)
    truth = ds.truth.post_spread.select("user", truth="post_spread")
    res, raw, rawt, fits, T = run_world(ds, truth, f"synthetic{s}")
    print(f"== synthetic seed {s}  time {time.time()-t0:.1f}s  parts {json.dumps({k: round(v,1) for k,v in T.items()})}")
    print("raw rho future:", raw); print("raw rho truth:", rawt)
    print("fits:", {k: (v.get("info", v) if isinstance(v, dict) else v) for k, v in fits.items()})
    print(res.drop("world", "n", "best_raw_truth", "n_thin"))
    res.write_csv(f"benchmarks/predictive_study/res_synth{s}.csv")
