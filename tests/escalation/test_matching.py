"""NeedMatcher's terms on hand-made vectors and word sets (no embedder): the closest-members blend, the
key-term contrast, per-language scoring, and priors at weight 0."""

from __future__ import annotations

import numpy as np

from bot.escalation.matching import LanguageMeans, NeedMatcher, Wording, unit


def vec(*xs: float) -> np.ndarray:
    return unit(np.asarray(xs, dtype=np.float32))


def w(rid: int, v: np.ndarray, lang: str = "en", words: tuple[str, ...] = ()) -> Wording:
    return Wording(rid, v, lang, frozenset(words))


def plain(**kw: float) -> NeedMatcher:
    """No centring, no lexical term: only the term under test moves the score."""
    base: dict[str, float] = dict(lexical_weight=0.0, cross_bonus=0.0, member_weight=0.0, contrast_weight=0.0)
    base.update(kw)
    return NeedMatcher(centre=False, **base)  # type: ignore[arg-type]


def test_the_closest_members_lift_a_probe_near_one_phrasing_of_a_spread_request() -> None:
    stored = [w(1, vec(1, 0, 0)), w(1, vec(0, 1, 0))]  # two phrasings far apart: the centroid sits between
    probe = w(-1, vec(1, 0.05, 0))
    centroid_only = plain().scores(probe, stored)[1]
    blended = plain(member_weight=0.5, top_k=1).scores(probe, stored)[1]
    assert blended > centroid_only + 0.1
    assert abs(blended - (0.5 * centroid_only + 0.5 * float(probe.vector @ vec(1, 0, 0)))) < 1e-5


def test_key_term_contrast_parts_near_misses_but_not_paraphrases_in_other_words() -> None:
    v = vec(1, 0, 0)
    others = [w(2, vec(0, 1, 0), words=(f"w{i}", "shared")) for i in range(6)]  # makes IDF meaningful
    stored = [w(1, v, words=("choose", "delivery", "slot"))] + others
    near_miss = w(-1, v, words=("choose", "delivery", "date"))  # shares most, each side a heavy word of its own
    reworded = w(-1, v, words=("parcel", "window"))  # another phrasing: shares nothing, the vectors decide
    same = w(-1, v, words=("choose", "delivery", "slot"))
    m = plain(contrast_weight=1.0)
    assert m.scores(near_miss, stored)[1] < 1.0 - 0.1
    assert abs(m.scores(reworded, stored)[1] - 1.0) < 1e-5
    assert abs(m.scores(same, stored)[1] - 1.0) < 1e-5
    zh = w(-1, v, "zh", words=("选择", "日期"))  # another language: no contrast (words cannot be compared)
    assert abs(m.scores(zh, stored)[1] - 1.0) < 1e-5


def test_per_language_scoring_matches_a_probe_to_its_own_language_wordings() -> None:
    stored = [w(1, vec(1, 0, 0), "en"), w(1, vec(1, 0, 0), "en"), w(1, vec(0, 1, 0), "zh")]
    probe = w(-1, vec(0, 1, 0), "zh")
    whole = plain(cross_bonus=0.2, per_language=False).scores(probe, stored)[1]
    apart = plain(cross_bonus=0.2).scores(probe, stored)[1]
    assert abs(apart - 1.0) < 1e-5 and whole < 0.5
    en_probe = w(-1, vec(0, 1, 0), "en")  # the zh wordings' score carries the cross-language bonus
    assert abs(plain(cross_bonus=0.2).scores(en_probe, stored)[1] - 1.2) < 1e-5


def test_priors_at_weight_zero_are_ignored_rather_than_dividing_by_zero() -> None:
    means = LanguageMeans([w(1, vec(1, 0, 0))], priors={"zh": vec(0, 0, 1)}, prior_weight=0.0)
    assert "zh" not in means.means and means.overall is None
    assert np.allclose(means.centre(vec(0, 1, 0), "zh"), vec(0, 1, 0))
