import glob, polars as pl
SEL = ["a_default", "b_fix", "eb_src_first", "eb_src_rcv_first", "eb_src_rcv_series", "eb_src_rcv_series_cal",
       "eb_src_rcv_first_cal", "eb_src_rcv_ic", "eb_src_rcv_ic_R1000_cal", "eb_edge_series", "eb_post_first",
       "eb_src_rcv_ic+shrink", "eb_src_rcv_first+shrink", "eb_src_rcv_ic+lin", "cd_trace", "cd_trace_norm",
       "eb_day_const", "eb_day_log_active_days", "plugin_day_mean"]
out = []
for f in sorted(glob.glob("benchmarks/predictive_study/res_*.csv")):
    d = pl.read_csv(f)
    w = d["world"][0]
    out.append(f"\n#### {w} (n = {d['n'][0]}; best raw on future target: {d['best_raw'][0]} {d['rho_best_raw'][0]}"
               + (f"; best raw on truth: {d['best_raw_truth'][0]} {d['rho_truth_best_raw'][0]}" if "rho_truth" in d.columns else "")
               + f"; thin n = {d['n_thin'][0]}, best raw thin: {d['best_raw_thin'][0]} {d['rho_thin_best_raw'][0]})\n")
    hdr = "| candidate | ρ future | gap vs best raw [2.5 %] | min over raws of gap 2.5 % | slope | ratio |"
    sep = "|---|---|---|---|---|---|"
    if "rho_truth" in d.columns:
        hdr += " ρ truth | truth gap |"; sep += "---|---|"
    hdr += " ρ thin |"; sep += "---|"
    out += [hdr, sep]
    for c in SEL:
        r = d.filter(pl.col("cand") == c)
        if not r.height: continue
        r = r.row(0, named=True)
        s = f"| {c} | {r['rho']:.3f} | {r['gap']:+.3f} [{r['gap_lo']:+.3f}] | {r['min_gap_lo']:+.3f} | {r['slope']:.2f} | {r['ratio']:.2f} |"
        if "rho_truth" in d.columns:
            s += f" {r['rho_truth']:.3f} | {r['truth_gap']:+.3f} |"
        s += f" {r['rho_thin']:.3f} |"
        out.append(s)
print("\n".join(out))
