"""Clustering and cue matching at the sizes a report meets (no embedding: planted vectors and literal texts)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

from bot.analytics import cluster as C
from bot.analytics.dimensions import classify
from bot.analytics.terms import LazyTokens, tokenize


def planted(n: int, k: int, dims: int = 48, spread: float = 0.35, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dims))
    truth = rng.integers(0, k, n)
    x = centres[truth] + spread * rng.normal(size=(n, dims))
    return C._unit(x.astype(np.float32)), truth


def test_large_sets_choose_k_on_a_sample_and_still_label_every_row() -> None:
    x, truth = planted(C.FIT_SAMPLE + 2500, 8)
    got = C.cluster(x)
    assert got.k == 8
    assert len(got.labels) == len(x)
    assert normalized_mutual_info_score(truth, got.labels) > 0.95


def test_small_sets_find_the_planted_groups() -> None:
    x, truth = planted(600, 6, spread=0.5)
    got = C.cluster(x)
    assert got.k == 6
    assert normalized_mutual_info_score(truth, got.labels) > 0.9


def test_lazy_tokens_tokenize_only_what_is_read() -> None:
    texts = ["The refund never arrived", "退款一直没有到账", "Parcel lost by the courier"]
    tokens = LazyTokens(texts)
    assert len(tokens) == 3
    assert tokens[1] == tokenize(texts[1])
    assert tokens[-1] == tokenize(texts[2])
    assert tokens[0:2] == [tokenize(texts[0]), tokenize(texts[1])]


def test_every_cue_of_a_text_is_evidence() -> None:
    got = classify([], ["the app shows an error after the password reset", "app error again"], ["a", "b"])
    assert got.dimension == "technology"
    cues = dict(got.evidence)
    assert cues["app"] == ["a", "b"] and cues["error"] == ["a", "b"] and cues["password"] == ["a"]
