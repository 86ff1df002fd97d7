"""Wordings of either language put into one lexical space through the bilingual dictionary (CC-CEDICT), and
the matcher using that space: a Chinese and an English wording of one need share terms, unrelated ones not."""

from __future__ import annotations

import numpy as np

from bot.escalation.matching import NeedMatcher, Wording, unit
from bot.escalation.shared_terms import shared_terms, stem


def test_both_languages_land_on_the_same_english_stems() -> None:
    zh = shared_terms("客户想要退款")
    en = shared_terms("Customer wants a refund")
    assert stem("refund") in zh and stem("refund") in en
    assert stem("refunds") == stem("refunded") == stem("refund")
    # the words that frame every request are not terms
    assert stem("customer") not in en and stem("want") not in en and not (shared_terms("客户想要") & en)
    # Latin words inside Chinese text count as English words
    assert stem("paypal") in shared_terms("客户要用PayPal付款")
    assert not (shared_terms("客户想要退款") & shared_terms("Customer wants dark mode in the app"))


def _w(rid: int, text: str, v: np.ndarray) -> Wording:
    return Wording.of(rid, text, v, "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en")


def test_the_matcher_joins_a_translation_and_not_an_unrelated_wording_on_the_same_vectors() -> None:
    """Same vectors everywhere, lexicon off: only the dictionary terms separate the two Chinese wordings."""
    v = unit(np.asarray([1.0, 0.2, 0.0], dtype=np.float32))
    stored = [_w(1, "Customer wants an invoice for the order", v), _w(2, "Customer asks about dark mode", v),
              _w(3, "Customer asks for a student discount", v)]
    m = NeedMatcher(threshold=1.05, centre=False, lexical_weight=0.0, cross_bonus=0.0, member_weight=0.0,
                    contrast_weight=0.0, concept_weight=0.0, conflict_weight=0.0, shared_weight=0.45)
    probe = _w(-1, "客户要开发票", v)
    scores = m.scores(probe, stored)
    assert scores[1] > scores[2] and scores[1] > scores[3]
    match = m.best(probe, stored)
    assert match is not None and match.request_id == 1
    assert m.best(_w(-1, "客户问能不能换货", v), stored) is None
    off = NeedMatcher(threshold=1.05, centre=False, lexical_weight=0.0, cross_bonus=0.0, member_weight=0.0,
                      contrast_weight=0.0, concept_weight=0.0, conflict_weight=0.0, shared_weight=0.0)
    assert off.best(probe, stored) is None  # without the dictionary the vectors alone cannot tell
