"""Does a learned, non-linear re-ranker get further past EASE than a blend?

A research probe (see README.md beside it). Same random protocol as
random_split_ceiling.py; a validation split is carved from the training split
(seed + 100), base models are trained on it, and a LambdaMART ranker
(LightGBM) learns to order each validation user's 100 best candidates (by
EASE + 0.5 EASE-liked) from 14 features: the z-scored EASE, EASE-liked,
windowed co-occurrence, rating predictor (biased MF) and blend scores, their
ranks among the candidates, the movie's log rating count and rating bias,
and the user's mean rating and log history length. Models are then retrained
on the whole training split and the ranker orders the test users' candidates.

    pip install numpy pandas lightgbm scikit-learn
    python3 tools/probes/learning_to_rank.py [path/to/ml-latest-small] [seed]
"""
import numpy as np, pandas as pd, time, sys, lightgbm as lgb
DATA = sys.argv[1] if len(sys.argv) > 1 else '../shared/data/ml-latest-small'
r = pd.read_csv(f'{DATA}/ratings.csv')
r["i"] = pd.factorize(r.movieId, sort=True)[0]; r["u"] = pd.factorize(r.userId, sort=True)[0]
nU, nI = r.u.max()+1, r.i.max()+1
def split(df, seed):
    rng = np.random.default_rng(seed); held = np.zeros(len(df), bool)
    for rows in df.groupby("u").indices.values():
        if len(rows) >= 5: held[rng.choice(rows, max(1, round(0.2*len(rows))), replace=False)] = True
    return df[~held], df[held]
DISC = 1/np.log2(np.arange(2, 12))
def mat(df):
    m = np.zeros((nU, nI), np.float32); m[df.u.values, df.i.values] = 1; return m
def ease(Xt, Xin, lam=500, minc=10):
    keep = np.where(Xt.sum(0) >= minc)[0]
    g = (Xt[:, keep].T @ Xt[:, keep]).astype(np.float64); g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g); b = -p/np.diag(p); b[np.diag_indices_from(b)] = 0
    out = np.zeros((nU, nI), np.float32); out[:, keep] = Xin[:, keep] @ b.astype(np.float32); return out
def window(train, X, w=20):
    c = np.zeros((nI, nI), np.float32)
    for _, g in train.sort_values(["u","timestamp","movieId"]).groupby("u"):
        s = g.i.values
        for d in range(1, min(w, len(s)-1)+1):
            np.add.at(c, (s[:-d], s[d:]), 1/d); np.add.at(c, (s[d:], s[:-d]), 1/d)
    cnt = X.sum(0); return X @ (c / (np.sqrt(np.outer(cnt, cnt)) + 10))
def mf(train, k=32, lam=10.0, it=10):
    v = train.rating.values.astype(np.float64); U = train.u.values; I = train.i.values; mu = v.mean()
    bu, bi = np.zeros(nU), np.zeros(nI)
    for _ in range(10):
        bi = np.bincount(I, v-mu-bu[U], nI)/(np.bincount(I, minlength=nI)+5); bu = np.bincount(U, v-mu-bi[I], nU)/(np.bincount(U, minlength=nU)+5)
    res = v-mu-bu[U]-bi[I]; rng = np.random.default_rng(0); P = rng.normal(0,.1,(nU,k)); Q = rng.normal(0,.1,(nI,k))
    byu = pd.Series(np.arange(len(U))).groupby(U).indices; byi = pd.Series(np.arange(len(I))).groupby(I).indices; R = lam*np.eye(k)
    for _ in range(it):
        for u, rows in byu.items(): a = Q[I[rows]]; P[u] = np.linalg.solve(a.T@a+R, a.T@res[rows])
        for i, rows in byi.items(): a = P[U[rows]]; Q[i] = np.linalg.solve(a.T@a+R, a.T@res[rows])
    return (mu+bu[:,None]+bi[None,:]+P@Q.T).astype(np.float32), bi
def z(S, X):
    s = np.where(X > 0, np.nan, S); return np.nan_to_num((s-np.nanmean(s,1,keepdims=True))/(np.nanstd(s,1,keepdims=True)+1e-9), nan=-1e9)
def features(train):
    X = mat(train); Xl = mat(train[train.rating >= 4])
    E = z(ease(X, X), X); L = z(ease(Xl, Xl, 300), X); W = z(window(train, X), X)
    Rh, bi = mf(train); M = z(Rh, X)
    cnt = X.sum(0); logc = np.log1p(cnt)
    umean = train.groupby('u').rating.mean().reindex(range(nU)).fillna(3.5).values
    ulen = np.log1p(X.sum(1))
    blend = E + 0.5*L
    return X, dict(E=E, L=L, W=W, M=M, blend=blend, logc=logc, bi=bi, umean=umean, ulen=ulen)
def candidates(F, X, n=100):
    s = np.where(X > 0, -np.inf, F['blend']); return np.argpartition(-s, n, 1)[:, :n]
FEATS = ['E','L','W','M','blend']
def rows(F, X, cand, users):
    out = []
    for u in users:
        c = cand[u]; f = [F[k][u, c] for k in FEATS]
        ranks = [np.argsort(np.argsort(-F[k][u, c])) for k in FEATS]
        f += ranks + [F['logc'][c], F['bi'][c], np.full(len(c), F['umean'][u]), np.full(len(c), F['ulen'][u])]
        out.append(np.stack(f, 1))
    return np.concatenate(out)
def ndcg_from(scores_by_user, cand, rel):
    out = []
    for u, R in rel.items():
        c = cand[u]; s = scores_by_user[u]; top = c[np.argsort(-s)[:10]]
        hits = np.array([i in R for i in top]); out.append((hits*DISC).sum()/DISC[:min(len(R),10)].sum())
    return np.array(out)
def boot(a):
    b = np.random.default_rng(1).integers(0, len(a), (1000, len(a))); return np.percentile(a[b].mean(1), [2.5, 97.5])
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
t0 = time.time()
train, test = split(r, seed); train2, val = split(train, seed + 100)
# fit ranker on validation
X2, F2 = features(train2); cand2 = candidates(F2, X2)
relv = {u: set(g.i) for u, g in val[val.rating >= 4].groupby('u')}
vusers = sorted(relv)
Xv = rows(F2, X2, cand2, vusers); yv = np.concatenate([[1 if i in relv[u] else 0 for i in cand2[u]] for u in vusers])
grp = [cand2.shape[1]]*len(vusers)
X1, F1 = features(train); cand1 = candidates(F1, X1)
relt = {u: set(g.i) for u, g in test[test.rating >= 4].groupby('u')}
tusers = sorted(relt); Xt = rows(F1, X1, cand1, tusers)
base = ndcg_from({u: F1['E'][u, cand1[u]] for u in tusers}, cand1, relt)
bl = ndcg_from({u: F1['blend'][u, cand1[u]] for u in tusers}, cand1, relt)
print(f'seed {seed}: ease {base.mean():.4f} {boot(base).round(4)}; ease + 0.5 ease-liked {bl.mean():.4f} ({bl.mean()/base.mean():.3f}x)')
for params in [dict(num_leaves=15, learning_rate=0.05, n_estimators=300, min_child_samples=50), dict(num_leaves=7, learning_rate=0.05, n_estimators=200, min_child_samples=100)]:
    m = lgb.LGBMRanker(objective='lambdarank', verbose=-1, **params); m.fit(Xv, yv, group=grp)
    pt = m.predict(Xt); n = cand1.shape[1]
    sc = {u: pt[k*n:(k+1)*n] for k, u in enumerate(tusers)}
    res = ndcg_from(sc, cand1, relt)
    print(f"LambdaMART, {params['num_leaves']} leaves: {res.mean():.4f} {boot(res).round(4)} ({res.mean()/base.mean():.3f}x)")
print(f'{time.time()-t0:.0f} s')
