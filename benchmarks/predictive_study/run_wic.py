import sys, time, json
sys.path.insert(0, "benchmarks/predictive_study")
import polars as pl
from harness import run_world
from world_ic import world, export
pl.Config.set_tbl_rows(100); pl.Config.set_tbl_cols(30); pl.Config.set_tbl_width_chars(250)
seeds = [int(s) for s in sys.argv[1:]] or [1]
for s in seeds:
    t0 = time.time(); w = world(s); tg = time.time() - t0
    truth = w["truth"].select("user", truth="post_spread")
    for conv in ("parent", "original"):
        t0 = time.time()
        ds = export(w, conv)
        res, raw, rawt, fits, T = run_world(ds, truth, f"wic{s}_{conv}")
        print(f"== world_ic seed {s} {conv}  gen {tg:.1f}s eval {time.time()-t0:.1f}s parts {json.dumps({k: round(v,1) for k,v in T.items()})}")
        print("raw rho future:", raw); print("raw rho truth:", rawt)
        print("fits:", {k: (v.get("info", v) if isinstance(v, dict) else v) for k, v in fits.items()})
        print(res.drop("world", "n", "best_raw_truth", "n_thin"))
        res.write_csv(f"benchmarks/predictive_study/res_wic{s}_{conv}.csv")
