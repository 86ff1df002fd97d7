"""Personal-data redaction quality on the labelled bilingual set (benchmarks/data/redaction/).

Prints recall per type (a labelled span counts as found when spans of the same type cover all of its
non-space characters), the share of look-alike texts touched (any span found in a text with no personal
data: order / tracking numbers, SKUs, amounts, dates, wrong-check-digit IDs, non-Luhn card-like numbers),
and the spans found outside any label in the personal-data texts. Report test2 (the default): the fresh
held-out set in test2.jsonl (see data/redaction/README.test2.md); the old dev and test splits of
redaction.jsonl are development data (the test split was read while fixing misses).
test3 (--split test3) is a later held-out set written blind to the code (see data/redaction/README.test3.md).
test4 (--split test4) is a third held-out set written the same way (see data/redaction/README.test4.md).

Run: .venv/bin/python benchmarks/redaction_quality.py [--split test2|test3|test4|test|dev|all] [--show-misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import HELD_OUT, labelled_rows  # noqa: E402
from bot.privacy import Redactor  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "redaction" / "redaction.jsonl"
GOALS = {"PHONE": 0.99, "EMAIL": 0.99, "ID": 0.99, "CARD": 0.99, "NAME": 0.85, "ADDRESS": 0.85}


def covered(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return all(ch.isspace() or any(s <= i < e for s, e in spans) for i, ch in zip(range(start, end), text[start:end]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test2", choices=[*HELD_OUT, "test", "dev", "all"])
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    rows = labelled_rows(DATA.parent, DATA.name, args.split)
    redactor = Redactor()
    found, total = Counter(), Counter()
    look_texts = look_touched = stray = 0
    started = time.perf_counter()
    for row in rows:
        text = row["text"]
        ents = redactor.find(text)
        if row["kind"] == "lookalike":
            look_texts += 1
            look_touched += bool(ents)
            if ents and args.show_misses:
                print("TOUCHED", row["id"], [(e.type, e.value) for e in ents], "|", text)
            continue
        for gold in row["entities"]:
            total[gold["type"]] += 1
            spans = [(e.start, e.end) for e in ents if e.type == gold["type"]]
            if covered(text, gold["start"], gold["end"], spans):
                found[gold["type"]] += 1
            elif args.show_misses:
                print("MISS", row["id"], gold["type"], repr(text[gold["start"]:gold["end"]]),
                      [(e.type, e.value) for e in ents], "|", text)
        for e in ents:
            if not any(e.start < g["end"] and g["start"] < e.end for g in row["entities"]):
                stray += 1
                if args.show_misses:
                    print("STRAY", row["id"], e.type, repr(e.value), "|", text)
    elapsed = time.perf_counter() - started
    langs = Counter(r["lang"] for r in rows)
    print(f"split={args.split}: {len(rows)} texts ({langs['zh']} zh, {langs['en']} en), "
          f"{sum(total.values())} labelled spans, {look_texts} look-alike texts")
    for type_, goal in GOALS.items():
        n = total[type_]
        recall = found[type_] / n if n else float("nan")
        mark = "ok" if n and recall >= goal else "BELOW GOAL"
        print(f"  recall {type_:<8} {recall:6.3f}  ({found[type_]}/{n}; goal >= {goal})  {mark}")
    share = look_touched / look_texts if look_texts else float("nan")
    print(f"  look-alike texts touched: {share:.3f} ({look_touched}/{look_texts}; goal <= 0.02)  "
          f"{'ok' if share <= 0.02 else 'ABOVE GOAL'}")
    print(f"  spans outside any label in personal-data texts: {stray}")
    print(f"  {1000 * elapsed / max(1, len(rows)):.2f} ms per text")


if __name__ == "__main__":
    main()
