"""Clustering of complaint vectors (precomputed e5 vectors; nothing is embedded here).

1. Per-language mean-centring (Libovický et al. 2020): e5 vectors carry a language offset, so the mean
   vector of each language is subtracted from that language's vectors before re-normalising. A Chinese and an
   English complaint about one reason then land together.
2. PCA to at most `dims` dimensions (speed; cosine structure is kept).
3. Lexical features beside the vectors (up to LEXICAL_MAX complaints): TF-IDF over jieba/English words,
   reduced by truncated SVD, concatenated with the vectors at weight LEXICAL_WEIGHT. Measured on the dev
   halves (benchmarks/rootcause_quality.py --tune): the vectors alone reach NMI ~0.32 on zh dev, with words
   ~0.47; words carry the aspect a complaint names, the vectors its meaning.
4. Spherical k-means (k-means on unit vectors) for several k; k is chosen by the silhouette (cosine) on a
   sample. Up to 2000 complaints, 10 restarts per k (dev: zh 0.450 -> 0.452 NMI and its top-3 reasons now in
   the top-5; bilingual dev twin zh alone 0.550 -> 0.665, en alone 0.551 -> 0.689; one late-delivery reason
   no longer split in two). Above FIT_SAMPLE complaints, the projection and the choice of k are fitted on a
   sample of that size, then one k-means runs on all (10k report 21 s -> 4 s).
   Merging parts of a reason in the vectors+words space (single_merge) was tried on dev and is off: at
   cosine 0.3-0.4 it puts the zh top-3 into the top-5 but collapses the English set (NMI 0.33 -> 0.18-0.20).
5. Several languages (at least two with >= MIXED_MIN_SHARE of the complaints each): one joint clustering of
   the centred vectors alone. Word features are language-specific: they pull the languages of one reason
   apart. Measured on the dev set (generated bilingual set, seed 2): joint vectors NMI 0.644 (zh alone 0.666,
   en alone 0.509) against 0.488 for per-language clusterings (with words) merged by mutual-nearest
   centroids, 0.497 for a many-to-one merge at cosine 0.2, 0.645 for per-language word blocks at weight 0.3
   beside the vectors (10x slower). A language below that share (a few English complaints in a Chinese
   team) joins the nearest cluster of the main language, which keeps its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

MIN_GROUP = 8  # a language with fewer vectors is centred with the overall mean (its own mean is too noisy)
LEXICAL_MAX = 20000  # above this many complaints, the vectors alone (tokenizing costs more than clustering)
LEXICAL_WEIGHT = 1.0
LEXICAL_DIMS = 100
MERGE_SIMILARITY = 0.2  # clusters whose centroids are this close are one reason (dev: seed 2)
SINGLE_MERGE = 1.0  # one language (vectors + words): no merge (see the module notes)
FIT_SAMPLE = 5000  # above this many complaints, the projection and the choice of k are fitted on a sample of this size
N_INIT_SMALL = 10  # k-means restarts for up to 2000 complaints (cheap there; fewer poor local optima)
MIXED_MIN_SHARE = 0.1  # a second language with at least this share of the complaints makes the set "mixed"


@dataclass
class Clustering:
    labels: np.ndarray  # cluster id per row, 0..k-1
    centroids: np.ndarray  # k x d, unit vectors in the prepared space
    k: int
    silhouette: float


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


@dataclass
class Space:
    """The prepared space: per-language means and a projection, reusable for other vectors (resolved tickets)."""

    means: dict[str, np.ndarray]
    overall: np.ndarray
    components: np.ndarray | None  # d x dims, or None

    def transform(self, vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        x = _unit(np.asarray(vectors, dtype=np.float32))
        if len(x) == 0:
            return x
        out = x.copy()
        langs_arr = np.asarray(list(langs))
        for lang in set(langs):
            mask = langs_arr == lang
            out[mask] -= self.means.get(lang, self.overall)
        out = _unit(out)
        if self.components is not None:
            out = _unit(out @ self.components)
        return out


def fit_space(vectors: np.ndarray, langs: Sequence[str], centre: bool = True, dims: int = 128,
              seed: int = 0) -> Space:
    x = _unit(np.asarray(vectors, dtype=np.float32))
    overall = x.mean(axis=0)
    means: dict[str, np.ndarray] = {}
    langs_arr = np.asarray(list(langs))
    if centre:
        for lang in set(langs):
            mask = langs_arr == lang
            means[lang] = x[mask].mean(axis=0) if mask.sum() >= MIN_GROUP else overall
    else:
        overall = np.zeros_like(overall)
    space = Space(means, overall, None)
    if dims and x.shape[1] > dims and len(x) > dims:
        from sklearn.decomposition import PCA

        centred = space.transform(x, langs)
        sample = centred if len(centred) <= FIT_SAMPLE else centred[np.random.default_rng(seed).choice(len(centred), FIT_SAMPLE, replace=False)]
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # a 5000 x 384 SVD: threads only contend on a shared 2-core machine
            pca = PCA(n_components=dims, svd_solver="randomized", random_state=seed).fit(sample)
        space.components = pca.components_.T.astype(np.float32)
    return space


def _kmeans(x: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from threadpoolctl import threadpool_limits

    if len(x) <= LEXICAL_MAX:  # small inputs: one thread (OpenMP spinning costs more than it saves)
        with threadpool_limits(1):
            return _kmeans_run(x, k, seed, KMeans, MiniBatchKMeans)
    return _kmeans_run(x, k, seed, KMeans, MiniBatchKMeans)


def _kmeans_run(x: np.ndarray, k: int, seed: int, KMeans: Any, MiniBatchKMeans: Any) -> tuple[np.ndarray, np.ndarray]:
    if len(x) > 20000:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
    else:
        km = KMeans(n_clusters=k, random_state=seed, n_init=N_INIT_SMALL if len(x) <= 2000 else 2)
    labels = km.fit_predict(x)
    return labels.astype(np.int32), _unit(km.cluster_centers_.astype(np.float32))


def candidate_ks(n: int, k_min: int = 4, k_max: int = 40) -> list[int]:
    """Candidate numbers of clusters: up to sqrt(n / 2) (the usual rule of thumb), at most k_max; finer
    clusterings split a reason by its wordings (measured on the generated bilingual set)."""
    hi = max(2, min(k_max, int(round((n / 2) ** 0.5))))
    lo = max(2, min(k_min, hi))
    ks = sorted({k for k in (lo, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50) if lo <= k <= hi} | {lo, hi})
    return ks


def cluster(x: np.ndarray, k: int | None = None, seed: int = 0, k_bias: float = 0.0,
            ks: Sequence[int] | None = None, sample: int = 2000) -> Clustering:
    """Spherical k-means of prepared (unit) vectors; k by the best silhouette + k_bias * log(k)."""
    from sklearn.metrics import silhouette_score

    n = len(x)
    if n < 2:
        return Clustering(np.zeros(n, dtype=np.int32), x.copy(), max(n, 0), 0.0)
    if k is not None:
        labels, centroids = _kmeans(x, min(k, n), seed)
        return Clustering(labels, centroids, min(k, n), float("nan"))
    rng = np.random.default_rng(seed)
    if n > FIT_SAMPLE:  # k chosen on a sample (the silhouette is sampled anyway), then one fit on all
        pick = np.sort(rng.choice(n, FIT_SAMPLE, replace=False))
        chosen = cluster(x[pick], seed=seed, k_bias=k_bias, ks=ks or candidate_ks(n), sample=sample)
        labels, centroids = _kmeans(x, chosen.k, seed)
        return Clustering(labels, centroids, chosen.k, chosen.silhouette)
    idx = rng.choice(n, sample, replace=False) if n > sample else np.arange(n)
    best: Clustering | None = None
    best_score = -np.inf
    for cand in ks or candidate_ks(n):
        if cand >= n:
            continue
        labels, centroids = _kmeans(x, cand, seed)
        if len(set(labels[idx].tolist())) < 2:
            continue
        sil = float(silhouette_score(x[idx], labels[idx], metric="cosine"))
        score = sil + k_bias * np.log(cand)
        if score > best_score:
            best_score = score
            best = Clustering(labels, centroids, cand, sil)
    if best is None:
        labels, centroids = _kmeans(x, 2, seed)
        best = Clustering(labels, centroids, 2, float("nan"))
    return best


def lexical_features(tokens: Sequence[Sequence[str]], seed: int = 0) -> np.ndarray | None:
    """Unit rows of TF-IDF (sublinear, words in >= 2 complaints and <= half of them) reduced by SVD."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(tokens) < 10:
        return None
    try:
        tf = TfidfVectorizer(analyzer=lambda t: t, sublinear_tf=True, min_df=2, max_df=0.5).fit_transform(tokens)
    except ValueError:  # no word left
        return None
    dims = min(LEXICAL_DIMS, tf.shape[1] - 1, len(tokens) - 1)
    if dims < 2:
        return None
    z = TruncatedSVD(dims, random_state=seed).fit_transform(tf).astype(np.float32)
    return _unit(z)


def cluster_multilingual(x: np.ndarray, langs: Sequence[str], tokens: Sequence[Sequence[str]] | None,
                         seed: int = 0, k: int | None = None, merge: float | None = None,
                         lexical_weight: float | None = None, single_merge: float | None = None) -> Clustering:
    """Mixed languages: one joint clustering of the centred vectors. One main language: its vectors with
    its words (parts of one reason merged in that space); complaints of a minor language join the nearest
    cluster."""
    langs_arr = np.asarray(list(langs))
    n = len(x)
    sizes = {lg: int((langs_arr == lg).sum()) for lg in set(langs)}
    groups = sorted(lg for lg, m in sizes.items() if m >= max(MIN_GROUP, 10, MIXED_MIN_SHARE * n))
    if len(groups) > 1 or not sizes:
        joint = cluster(x, k=k, seed=seed)
        return joint if k is not None else merge_similar(x, joint, merge)
    main = groups[0] if groups else max(sizes, key=lambda lg: sizes[lg])
    idx = np.flatnonzero(langs_arr == main)
    feats = x[idx]
    weight = LEXICAL_WEIGHT if lexical_weight is None else lexical_weight
    if tokens is not None and n <= LEXICAL_MAX and weight > 0:
        z = lexical_features([tokens[int(i)] for i in idx], seed)
        if z is not None:
            feats = _unit(np.hstack([feats, weight * z]))
    c = cluster(feats, k=k, seed=seed)
    if k is None:
        c = merge_similar(feats, c, SINGLE_MERGE if single_merge is None else single_merge)
    labels = np.full(n, -1, dtype=np.int64)
    labels[idx] = c.labels
    centroids = _centroids(x, labels, c.k)
    rest = np.flatnonzero(labels < 0)
    if len(rest):
        labels[rest] = (x[rest] @ centroids.T).argmax(axis=1)
        centroids = _centroids(x, labels, c.k)
    return Clustering(labels.astype(np.int32), centroids, c.k, c.silhouette)


def merge_similar(x: np.ndarray, clustering: Clustering, threshold: float | None = None) -> Clustering:
    """Merge the two clusters with the most similar centroids (centred space) while that cosine is >= the
    threshold: k by silhouette splits a reason by its wordings; those parts stay close to each other."""
    limit = MERGE_SIMILARITY if threshold is None else threshold
    labels = clustering.labels.astype(np.int64).copy()
    k = clustering.k
    if limit >= 1.0 or k < 2:
        return clustering
    while k > 1:
        centroids = _centroids(x, labels, k)
        sims = centroids @ centroids.T
        np.fill_diagonal(sims, -np.inf)
        a, b = divmod(int(np.argmax(sims)), k)
        if sims[a, b] < limit:
            break
        labels[labels == max(a, b)] = min(a, b)
        labels = np.unique(labels, return_inverse=True)[1]
        k -= 1
    if k == clustering.k:
        return clustering
    return Clustering(labels.astype(np.int32), _centroids(x, labels, k), k, clustering.silhouette)


def _centroids(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, x.shape[1]), dtype=np.float32)
    for j in range(k):
        members = labels == j
        if members.any():
            out[j] = x[members].mean(axis=0)
    return _unit(out)
