import sys; sys.path.insert(0,'benchmarks/predictive_study')
import numpy as np, polars as pl, influence_graph as ig
from harness import prep, RAW, rho
from influence_graph.compare.validity import split_dataset
for s in [1]:
    ds = ig.datasets.synthetic(n_users=2000, seed=s)
    data, t = prep(ds, metrics=RAW, seed=0)
    tr = ds.truth.post_spread.select("user", truth="post_spread")
    before, after, _ = split_dataset(ds, t)
    np_b = before.events.filter(pl.col("action").cast(pl.String)=="post").group_by("user").agg(nb=pl.len())
    np_a = after.events.filter(pl.col("action").cast(pl.String)=="post").group_by("user").agg(na=pl.len())
    d = data.filter(pl.col("_y_mean_cascade_size").is_not_null()).join(tr,on="user").join(np_b,on="user",how="left").join(np_a,on="user",how="left").fill_null(0)
    y = d["_y_mean_cascade_size"].to_numpy(); T = d["truth"].to_numpy(); nb=d["nb"].to_numpy(); na=d["na"].to_numpy()
    print("truth", rho(T,y), "truth*nb", rho((T-1)*np.maximum(nb,0.5),y), "truth*na(oracle)", rho((T-1)*na,y),
          "P(y>1)~1-exp(-na(T-1))", rho(1-np.exp(-na*(T-1)),y), "rt_recv", rho(d["retweets_received"].to_numpy(),y))
    print("share y==1", (y==1).mean(), "corr(nb,na) spearman", rho(nb,na), "rho(nb,y)", rho(nb,y))
    for k in [1,2,3,5,100]:
        m = na<=k if k<100 else na>5
        print(k, m.sum(), "truth", round(rho(T[m],y[m]),3), "rt", round(rho(d["retweets_received"].to_numpy()[m],y[m]),3))
