"""Build benchmarks/data/calm/test2.jsonl from test2_source.txt (the frozen held-out /calm set "test2").

Run: python benchmarks/data/calm/build_test2.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    rows = []
    counts = {"zh": 0, "en": 0}
    for line in (HERE / "test2_source.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lang, abusive, threat, text, terms, facts = line.split("|")
        term_list = [t for t in terms.split(";") if t]
        fact_list = [f for f in facts.split(";") if f]
        for part in term_list + fact_list:
            if part not in text:
                raise SystemExit(f"not in text: {part!r} | {text}")
        self_harm = threat == "1" and abusive == "0"
        kind = "abusive" if abusive == "1" else "self_harm" if self_harm else "angry"
        rows.append({"id": f"{lang}-calm-t2-{counts[lang]:03d}", "lang": lang, "kind": kind, "split": "test2",
                     "abusive": abusive == "1", "threat": threat == "1", "text": text,
                     "abusive_terms": [] if self_harm else term_list,
                     "threat_phrase": term_list[0] if self_harm else "", "facts": fact_list})
        counts[lang] += 1
    with (HERE / "test2.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows ({counts['zh']} zh, {counts['en']} en)")


if __name__ == "__main__":
    main()
