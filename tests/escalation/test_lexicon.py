"""The bilingual concept lexicon: one concept for an English and a Chinese word of one thing, distinct
concepts for neighbouring things, longest match first, and the overlap / slot conflict the matcher uses."""

from __future__ import annotations

import numpy as np

from bot.escalation.lexicon import concepts, conflict, overlap, slot_overlap
from bot.escalation.matching import NeedMatcher, Wording, unit


def test_english_and_chinese_words_of_one_thing_share_a_concept_and_neighbours_do_not() -> None:
    slot_en = concepts("Customer wants to choose a delivery time slot")
    slot_zh = concepts("客户希望下单时可以选择送货时间段")
    date_en = concepts("Customer wants to choose the delivery date")
    date_zh = concepts("客户想要选择送货日期")
    assert {"delivery", "time_slot"} <= slot_en and {"delivery", "time_slot"} <= slot_zh
    assert {"delivery", "date"} <= date_en and {"delivery", "date"} <= date_zh
    assert "date" not in slot_en | slot_zh and "time_slot" not in date_en | date_zh
    assert concepts("Can we add Alipay at checkout?") & concepts("结账时支持支付宝") == {"alipay", "order"}


def test_longest_match_wins_and_latin_words_match_whole_words_only() -> None:
    assert "time_slot" in concepts("预约送货时间段") and "date" not in concepts("预约送货时间段")
    assert "email" in concepts("把发票发到我的邮箱") and "parcel" not in concepts("把发票发到我的邮箱")
    assert "app" not in concepts("Customer wants gift wrapping")  # "app" inside "wrapping" is not the app
    assert "app" in concepts("App支持深色模式") and "dark_mode" in concepts("App支持深色模式")
    assert concepts("The customer says hello") == frozenset()


def test_overlap_and_slot_conflict() -> None:
    slot, date = frozenset({"delivery", "time_slot"}), frozenset({"delivery", "date"})
    assert conflict(slot, date) and conflict(date, slot)
    assert not conflict(slot, frozenset({"delivery"}))  # the other side names no alternative of the slot
    assert not conflict(slot, frozenset({"time_slot", "date"}))  # shares one: not a conflict
    assert not conflict(frozenset({"delivery", "address"}), frozenset({"delivery", "refund"}))  # no slot
    assert abs(overlap(slot, date) - 1 / 3) < 1e-9 and overlap(slot, frozenset()) == 0.0
    # the matcher counts only the slotted concepts: sharing the area ("delivery") is no evidence of one need
    assert slot_overlap(slot, date) == 0.0 and slot_overlap(slot, frozenset({"time_slot"})) == 1.0
    assert slot_overlap(frozenset({"delivery", "address"}), frozenset({"delivery", "address"})) == 0.0


def _w(rid: int, text: str, v: np.ndarray) -> Wording:
    return Wording.of(rid, text, v, "zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en")


def test_the_matcher_turns_shared_concepts_up_and_conflicting_ones_down() -> None:
    """Same vectors, so only the lexicon moves the scores: a Chinese wording of the same thing scores above
    the English near miss, which scores below the threshold."""
    v = unit(np.asarray([1.0, 0.2, 0.0], dtype=np.float32))
    stored = [_w(1, "Customer wants to choose a delivery time slot", v)]
    m = NeedMatcher(threshold=0.5, centre=False, lexical_weight=0.0, cross_bonus=0.0, member_weight=0.0,
                    contrast_weight=0.0, concept_weight=0.3, conflict_weight=1.0, shared_weight=0.0)
    same_zh = m.scores(_w(-1, "客户希望选择送货时间段", v), stored)[1]
    near_miss = m.scores(_w(-1, "Customer wants to choose the delivery date", v), stored)[1]
    unrelated = m.scores(_w(-1, "The customer says hello", v), stored)[1]
    assert same_zh > unrelated > near_miss
    assert abs(same_zh - 1.3) < 1e-5 and near_miss < m.threshold
    assert m.best(_w(-1, "Customer wants to choose the delivery date", v), stored) is None
