"""How far past EASE can a blend go under the random protocol?

A research probe, not part of the product (the product's evaluation is
`deno task eval`). It re-creates the random protocol of docs/EVALUATION.md in
numpy (a seeded 20% of each user's ratings held out; relevant = held-out
rating >= 4; seen movies excluded), trains EASE and several candidate signals,
and blends each with EASE (+ EASE-liked) by z-scored scores, reporting
NDCG@10 with a 95% bootstrap interval over users. The question it answers:
does any signal available here lift NDCG@10 far enough above EASE for the two
separate 95% intervals not to overlap? Blend weights are picked on the test
split itself, so every blend number is an optimistic ceiling.

    pip install numpy pandas
    python3 tools/probes/random_split_ceiling.py [path/to/ml-latest-small] [seed]

The split differs from the TypeScript one (different PRNG), so absolute
numbers differ slightly from docs/EVALUATION.md; ratios are what matter.
"""

import sys
import time

import numpy as np
import pandas as pd

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ml-latest-small"
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0

r = pd.read_csv(f"{DATA}/ratings.csv")
r["i"] = pd.factorize(r.movieId, sort=True)[0]
r["u"] = pd.factorize(r.userId, sort=True)[0]
n_users, n_items = r.u.max() + 1, r.i.max() + 1

rng = np.random.default_rng(SEED)
held = np.zeros(len(r), bool)
for rows in r.groupby("u").indices.values():
    if len(rows) >= 5:
        held[rng.choice(rows, max(1, round(0.2 * len(rows))), replace=False)] = True
train, test = r[~held], r[held]


def matrix(df):
    m = np.zeros((n_users, n_items), np.float32)
    m[df.u.values, df.i.values] = 1
    return m


X = matrix(train)
X_liked = matrix(train[train.rating >= 4])
relevant = {u: set(g.i) for u, g in test[test.rating >= 4].groupby("u")}
DISCOUNT = 1 / np.log2(np.arange(2, 12))


def ndcg_per_user(scores):
    s = np.where(X > 0, -np.inf, scores)
    top = np.argpartition(-s, 10, axis=1)[:, :10]
    out = []
    for u, rel in relevant.items():
        ranked = top[u][np.argsort(-s[u, top[u]])]
        hits = np.array([i in rel for i in ranked])
        out.append((hits * DISCOUNT).sum() / DISCOUNT[: min(len(rel), 10)].sum())
    return np.array(out)


def interval(per_user):
    picks = np.random.default_rng(1).integers(0, len(per_user), (1000, len(per_user)))
    return np.percentile(per_user[picks].mean(axis=1), [2.5, 97.5])


def zscore(scores):
    s = np.where(X > 0, np.nan, scores)
    s = (s - np.nanmean(s, 1, keepdims=True)) / (np.nanstd(s, 1, keepdims=True) + 1e-9)
    return np.nan_to_num(s, nan=-1e9)


def ease(train_matrix, input_matrix, lam=500, min_count=10):
    keep = np.where(train_matrix.sum(0) >= min_count)[0]
    g = (train_matrix[:, keep].T @ train_matrix[:, keep]).astype(np.float64)
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0
    out = np.zeros((n_users, n_items), np.float32)
    out[:, keep] = input_matrix[:, keep] @ b.astype(np.float32)
    return out


def windowed_cooccurrence(window=20):
    """Pairs rated within `window` positions of each other (both ways), 1/distance."""
    c = np.zeros((n_items, n_items), np.float32)
    for _, g in train.sort_values(["u", "timestamp", "movieId"]).groupby("u"):
        seq = g.i.values
        for d in range(1, min(window, len(seq) - 1) + 1):
            np.add.at(c, (seq[:-d], seq[d:]), 1 / d)
            np.add.at(c, (seq[d:], seq[:-d]), 1 / d)
    counts = X.sum(0)
    return X @ (c / (np.sqrt(np.outer(counts, counts)) + 10))


def rating_predictor(k=32, lam=10.0, iterations=15):
    """Biased matrix factorisation of the explicit ratings (ALS): P(liked | rated)."""
    values = train.rating.values.astype(np.float64)
    users, items = train.u.values, train.i.values
    mu = values.mean()
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    for _ in range(10):
        bi = np.bincount(items, values - mu - bu[users], n_items) / (np.bincount(items, minlength=n_items) + 5)
        bu = np.bincount(users, values - mu - bi[items], n_users) / (np.bincount(users, minlength=n_users) + 5)
    residual = values - mu - bu[users] - bi[items]
    init = np.random.default_rng(0)
    p, q = init.normal(0, 0.1, (n_users, k)), init.normal(0, 0.1, (n_items, k))
    by_user = pd.Series(np.arange(len(users))).groupby(users).indices
    by_item = pd.Series(np.arange(len(items))).groupby(items).indices
    ridge = lam * np.eye(k)
    for _ in range(iterations):
        for u, rows in by_user.items():
            a = q[items[rows]]
            p[u] = np.linalg.solve(a.T @ a + ridge, a.T @ residual[rows])
        for i, rows in by_item.items():
            a = p[users[rows]]
            q[i] = np.linalg.solve(a.T @ a + ridge, a.T @ residual[rows])
    return (mu + bu[:, None] + bi[None, :] + p @ q.T).astype(np.float32)


def user_knn(neighbours=30):
    norms = np.sqrt(X.sum(1)) + 1e-9
    sim = (X @ X.T) / (np.outer(norms, norms) + 10)
    np.fill_diagonal(sim, 0)
    drop = np.argpartition(-sim, neighbours, axis=1)[:, neighbours:]
    np.put_along_axis(sim, drop, 0, axis=1)
    return sim @ X


def period_popularity(months=3):
    """Each movie's share of ratings in the months the user was active (± months)."""
    month = ((train.timestamp - train.timestamp.min()) // (86400 * 30)).values
    per_item = np.zeros((n_items, month.max() + 1))
    np.add.at(per_item, (train.i.values, month), 1)
    padded = np.cumsum(np.pad(per_item, ((0, 0), (months + 1, months))), axis=1)
    smooth = padded[:, 2 * months + 1 :] - padded[:, : -2 * months - 1]
    share = smooth / (smooth.sum(0, keepdims=True) + 1)
    activity = np.zeros((n_users, month.max() + 1))
    np.add.at(activity, (train.u.values, month), 1)
    activity /= activity.sum(1, keepdims=True)
    return np.log(activity @ share.T + 1e-6).astype(np.float32)


def report(name, per_user, base):
    low, high = interval(per_user)
    print(f"{name:44s} {per_user.mean():.4f} [{low:.4f}, {high:.4f}]  {per_user.mean() / base:.3f}x EASE")


started = time.time()
ease_scores = ease(X, X)
ease_per_user = ndcg_per_user(ease_scores)
base = ease_per_user.mean()
print(f"{len(relevant)} users; seed {SEED}")
report("ease", ease_per_user, base)
liked_scores = ease(X_liked, X_liked, lam=300)
report("ease-liked (liked input)", ndcg_per_user(liked_scores), base)
report("ease-liked (every movie as input)", ndcg_per_user(ease(X_liked, X, lam=300)), base)
blend = zscore(ease_scores) + 0.5 * zscore(liked_scores)
report("ease + 0.5 ease-liked", ndcg_per_user(blend), base)
signals = {
    "windowed co-occurrence (±20 positions)": windowed_cooccurrence(),
    "rating predictor (biased MF, ALS)": rating_predictor(),
    "user-kNN (30 neighbours)": user_knn(),
    "popularity in the user's active months": period_popularity(),
}
for name, scores in signals.items():
    report(f"{name} alone", ndcg_per_user(scores), base)
    best = max(
        (ndcg_per_user(blend + w * zscore(scores)) for w in (0.1, 0.25, 0.5, 1)),
        key=lambda per_user: per_user.mean(),
    )
    report("  ease + ease-liked + it (best weight)", best, base)
high = interval(ease_per_user)[1]
width = np.diff(interval(ease_per_user))[0] / 2
print(
    f"separate intervals stop overlapping near NDCG@10 {high + width:.4f} "
    f"({(high + width) / base:.3f}x EASE); {time.time() - started:.0f} s"
)
