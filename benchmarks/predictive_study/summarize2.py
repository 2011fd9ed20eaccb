"""Tables of round 2 (r2_*.csv)."""
import glob, polars as pl
out = []
for f in sorted(glob.glob("benchmarks/predictive_study/r2_*.csv")):
    d = pl.read_csv(f)
    w = d["world"][0]
    out.append(f"\n#### {w} (n = {d['n'][0]}; best raw future: {d['best_raw'][0]} {d['rho_best_raw'][0]}; "
               f"best raw truth: {d['best_raw_truth'][0]} {d['rho_truth_best_raw'][0]}; thin (≤3 posts) n = {d['n_thin'][0]}, "
               f"best raw thin: {d['best_raw_thin'][0]} {d['rho_thin_best_raw'][0]}; candidate time {d['t_cand'][0]} s)\n")
    out += ["| candidate | ρ future | gap vs best raw [2.5 %, 97.5 %] | min over raws of gap 2.5 % | slope | ratio | ρ truth | truth gap | ρ thin |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in d.iter_rows(named=True):
        hi = r.get("gap_hi")
        hi = f"{hi:+.3f}" if hi is not None else f"≈{2 * r['gap'] - r['gap_lo']:+.3f}"
        out.append(f"| {r['cand']} | {r['rho']:.3f} | {r['gap']:+.3f} [{r['gap_lo']:+.3f}, {hi}] | {r['min_gap_lo']:+.3f} | "
                   f"{r['slope']:.2f} | {r['ratio']:.2f} | {r['rho_truth']:.3f} | {r['truth_gap']:+.3f} | {r['rho_thin']:.3f} |")
print("\n".join(out))
