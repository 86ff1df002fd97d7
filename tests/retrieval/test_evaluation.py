"""The bilingual evaluator: one-language copies, fact matching, per-split figures on a real small knowledge folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from bot.retrieval.evaluation import (
    fact_present, format_answer_eval, mixed_language_copy, mixed_renames, one_language_copy, read_questions,
    run_answer_eval,
)
from tests.testkit import make_container


def _article(path: Path, title: str, lang: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\nlang: {lang}\n---\n# {title}\n\n{body}\n", encoding="utf-8")


@pytest.fixture()
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "kn"
    _article(root / "kb/en/bikes.md", "Bicycle rental deposit", "en",
             "Renting a bicycle needs a deposit of 300 yuan. The deposit is returned within 2 days after the bike "
             "is checked.")
    _article(root / "kb/zh/bikes.md", "自行车租赁押金", "zh", "租自行车需要交 300 元押金。车辆检查后 2 天内退还押金。")
    _article(root / "kb/en/tea.md", "Storing green tea", "en",
             "Keep green tea sealed in the fridge. Opened tea stays fresh for about 6 weeks.")
    _article(root / "kb/zh/tea.md", "绿茶的保存", "zh", "绿茶要密封放在冰箱里。开封后大约 6 周内保持新鲜。")
    with open(root / "faq.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "question", "answer"])
        w.writerow(["f-1", "How long is the deposit refund?", "Within 2 days after the bike check."])
        w.writerow(["f-2", "押金多久退？", "车辆检查后 2 天内退还。"])
    return root


def test_one_language_copy_keeps_only_that_language(knowledge: Path, tmp_path: Path) -> None:
    zh = one_language_copy(knowledge, tmp_path / "zh-only", "zh")
    assert sorted(p.relative_to(zh).as_posix() for p in zh.rglob("*.md")) == ["kb/zh/bikes.md", "kb/zh/tea.md"]
    rows = list(csv.DictReader(open(zh / "faq.csv", encoding="utf-8")))
    assert [r["id"] for r in rows] == ["f-2"]


def test_mixed_copy_keeps_each_article_in_one_language(knowledge: Path, tmp_path: Path) -> None:
    renamed = mixed_renames(knowledge)
    assert set(renamed) | set(renamed.values()) == {"kb/en/bikes.md", "kb/zh/bikes.md", "kb/en/tea.md",
                                                     "kb/zh/tea.md"}
    assert len(renamed) == 2 and all(k.split("/")[-1] == v.split("/")[-1] for k, v in renamed.items())
    mixed = mixed_language_copy(knowledge, tmp_path / "mixed")
    kept = sorted(p.relative_to(mixed).as_posix() for p in mixed.rglob("*.md"))
    assert kept == sorted(renamed.values()) and (mixed / "faq.csv").exists()
    assert mixed_renames(knowledge) == renamed  # stable: the same articles are dropped on every run


def test_fact_present_needs_the_whole_number() -> None:
    assert fact_present("Refunds arrive in 7–10 business days.", ["7-10", "7–10"])
    assert fact_present("押金为 300 元", ["300"])
    assert not fact_present("It costs 1300 yuan", ["300"])
    assert not fact_present("Version 1.3.10", ["1.3.1"])
    assert fact_present("Update to firmware 1.3.1.", ["1.3.1"])


def test_read_questions_accepts_the_old_format(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"qid": "a", "query": "退货运费谁出", "relevant_ids": ["x"]}, ensure_ascii=False) + "\n"
                    + json.dumps({"qid": "b", "query": "weather?", "relevant_ids": []}) + "\n", encoding="utf-8")
    a, b = read_questions(path)
    assert (a.lang, a.answerable, a.corpus_lang) == ("zh", True, "all")
    assert (b.lang, b.answerable) == ("en", False)


def test_answer_eval_reports_splits_and_cross_language(knowledge: Path, tmp_path: Path, embedder: Any) -> None:
    questions = [
        {"qid": "s1", "query": "how much is the bike deposit", "lang": "en", "relevant_ids": ["kb/en/bikes.md", "f-1"],
         "cross_lang": False, "answerable": True, "facts": [["300"]], "split": "dev"},
        {"qid": "c1", "query": "绿茶开封后能放多久", "lang": "zh", "relevant_ids": ["kb/en/tea.md"],
         "cross_lang": True, "corpus_lang": "en", "answerable": True, "facts": [["6"]], "split": "dev"},
        {"qid": "u1", "query": "who won the chess championship in 1972", "lang": "en", "relevant_ids": [],
         "answerable": False, "split": "test"},
    ]
    qpath = tmp_path / "questions.jsonl"
    qpath.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    container = make_container(tmp_path / "data", embedder)
    report = run_answer_eval(container, knowledge, qpath, ("dev", "test"))
    dev, test = report["splits"]["dev"], report["splits"]["test"]
    assert dev["retrieval"]["same_language"]["n"] == 1 and dev["retrieval"]["cross_language"]["n"] == 1
    assert dev["retrieval"]["same_language"]["recall@5"] == 1.0
    # the cross-language question was ranked against the en-only copy: no zh document can appear
    cross = next(r for r in report["details"] if r["qid"] == "c1")
    assert all(not d.startswith("kb/zh/") and d != "f-2" for d in cross["top"])
    assert test["answerable"] == 0 and test["unanswerable"] == 1
    assert test["refused_when_unanswerable"] in (0.0, 1.0)
    table = format_answer_eval(report)
    assert "cross-language" in table and "split dev" in table and "split test" in table
    # the mixed view: the relevant ids follow the kept twin, and cross-language means "answer in the other language"
    mixed = {r["qid"]: r for r in report["mixed_details"]}
    kept_tea = mixed_renames(knowledge).get("kb/en/tea.md", "kb/en/tea.md")
    assert mixed["c1"]["cross_lang"] is kept_tea.startswith("kb/en/")
    assert mixed["s1"]["cross_lang"] is False  # its English FAQ row is still there
    assert "mixed knowledge" in table and report["mixed"]["dev"]["retrieval"]["overall"]["n"] == 2
