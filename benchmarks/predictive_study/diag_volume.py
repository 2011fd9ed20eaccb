"""Is the loss to retweets_received on the future target a volume/tie effect?
Spearman within strata of the number of posts after the split (which no pre-split
estimate may use), and the share of users with y == 1."""
import sys; sys.path.insert(0, "benchmarks/predictive_study")
import numpy as np, polars as pl, influence_graph as ig
from influence_graph.compare.validity import split_dataset
from harness import prep, RAW, rho
import cands
world, s = sys.argv[1], int(sys.argv[2])
ds = ig.datasets.synthetic(n_users=2000, seed=s) if world == "synth" else ig.datasets.cascade_world(seed=s)
data, t = prep(ds, metrics=RAW, seed=0)
before, after, _ = split_dataset(ds, t)
r = cands.nb_fit(before, topics=True)
df = pl.DataFrame({"user": before.user_ids, "nbt": 1 + r["m_post"]})
cnt = lambda d, nm: d.events.filter(pl.col("action").cast(pl.String) == "post").group_by("user").agg(pl.len().alias(nm))
d = (data.filter(pl.col("_y_mean_cascade_size").is_not_null()).join(df, on="user")
     .join(cnt(before, "nb"), on="user", how="left").join(cnt(after, "na"), on="user", how="left").fill_null(0))
y = d["_y_mean_cascade_size"].to_numpy(); na = d["na"].to_numpy(); nb = d["nb"].to_numpy()
x = d["nbt"].to_numpy(); rt = d["retweets_received"].to_numpy().astype(float)
print("all", round(rho(x, y), 3), round(rho(rt, y), 3), "share y==1", round((y == 1).mean(), 3),
      "rho(na,y)", round(rho(na, y), 3), "rho(nb,y)", round(rho(nb, y), 3))
for lo, hi in ((1, 1), (2, 2), (3, 4), (5, 8), (9, 10**6)):
    m = (na >= lo) & (na <= hi)
    print(f"n_after {lo}-{hi}: n={m.sum()}  nbt {rho(x[m], y[m]):.3f}  rt {rho(rt[m], y[m]):.3f}  P(y>1) {(y[m] > 1).mean():.2f}")
tr = (ds.truth.post_spread.select("user", truth="post_spread") if world == "synth"
      else ds.truth.spread.select("user", truth="spread"))
dt = d.join(tr, on="user")
print("truth vs future target", round(rho(dt["truth"].to_numpy(), dt["_y_mean_cascade_size"].to_numpy()), 3))
# rank among users with y>1 only (volume-free part)
m = y > 1
print("y>1 only", m.sum(), round(rho(x[m], y[m]), 3), round(rho(rt[m], y[m]), 3))
