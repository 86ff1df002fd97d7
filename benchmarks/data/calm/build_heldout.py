"""Build benchmarks/data/calm/<split>.jsonl from <split>_source.txt (the frozen held-out /calm sets "test3" and "test4").

Same format and schema as build_test2.py. Also checks the set: every term and fact is a substring of its text,
each Latin term is present as a whole word (as benchmarks/calm_quality.py looks for it), abusive lines carry a
term, angry lines none, and no fact contains a term.

Run: python benchmarks/data/calm/build_heldout.py test3|test4
"""

from __future__ import annotations

import sys

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPLIT = sys.argv[1] if len(sys.argv) > 1 else "test3"


def _whole_word(term: str, text: str) -> bool:
    if not term.isascii():
        return True
    body = r"\s*".join(re.escape(part) for part in term.lower().split())
    return re.search(rf"(?<![a-z0-9]){body}(?![a-z0-9])", text.lower()) is not None


def main() -> None:
    rows: list[dict[str, Any]] = []
    counts = {"zh": 0, "en": 0}
    for line in (HERE / f"{SPLIT}_source.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lang, abusive, threat, text, terms, facts = line.split("|")
        term_list = [t for t in terms.split(";") if t]
        fact_list = [f for f in facts.split(";") if f]
        for part in term_list + fact_list:
            if part not in text:
                raise SystemExit(f"not in text: {part!r} | {text}")
        for term in term_list:
            if not _whole_word(term, text):
                raise SystemExit(f"term not a whole word: {term!r} | {text}")
            if any(term in fact for fact in fact_list):
                raise SystemExit(f"fact contains term {term!r} | {text}")
        if (abusive == "1" or threat == "1") != bool(term_list):
            raise SystemExit(f"terms do not match labels | {line}")
        if not fact_list:
            raise SystemExit(f"no facts | {line}")
        self_harm = threat == "1" and abusive == "0"
        kind = "abusive" if abusive == "1" else "self_harm" if self_harm else "angry"
        rows.append({"id": f"{lang}-calm-t{SPLIT[-1]}-{counts[lang]:03d}", "lang": lang, "kind": kind, "split": SPLIT,
                     "abusive": abusive == "1", "threat": threat == "1", "text": text,
                     "abusive_terms": [] if self_harm else term_list,
                     "threat_phrase": term_list[0] if self_harm else "", "facts": fact_list})
        counts[lang] += 1
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    with (HERE / f"{SPLIT}.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds = {k: sum(r["kind"] == k for r in rows) for k in ("abusive", "angry", "self_harm")}
    violent = sum(r["abusive"] and r["threat"] for r in rows)
    print(f"wrote {len(rows)} rows ({counts['zh']} zh, {counts['en']} en; {kinds['abusive']} abusive incl. "
          f"{violent} violent threats, {kinds['angry']} angry but legitimate, {kinds['self_harm']} self-harm; "
          f"{sum(len(r['facts']) for r in rows)} facts)")


if __name__ == "__main__":
    main()
