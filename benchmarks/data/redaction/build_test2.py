"""Build benchmarks/data/redaction/test2.jsonl from test2_source.txt (the frozen held-out set "test2").

Run: python benchmarks/data/redaction/build_test2.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"\[\[([A-Z]+)\|(.+?)\]\]", re.S)
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _id_check(body: str) -> str:
    digits = [int(c) for c in body if c.isdigit()]
    return "10X98765432"[sum(w * d for w, d in zip(ID_WEIGHTS, digits)) % 11]


def _luhn_check(body: str) -> str:
    digits = [int(c) for c in body if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


def _value(type_: str, value: str) -> str:
    if value.endswith("?"):
        body = value[:-1]
        return body + (_id_check(body) if type_ == "ID" else _luhn_check(body))
    return value


def messages() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in (HERE / "test2_source.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line[:3] in ("zh|", "en|"):
            out.append((line[:2], line[3:]))
        elif out:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + line)
    return out


def main() -> None:
    rows = []
    counts = {"zh": 0, "en": 0}
    for lang, marked in messages():
        text, ents, pos = "", [], 0
        for m in MARK.finditer(marked):
            text += marked[pos:m.start()]
            value = _value(m.group(1), m.group(2))
            ents.append({"start": len(text), "end": len(text) + len(value), "type": m.group(1)})
            text += value
            pos = m.end()
        text += marked[pos:]
        kind = "pii" if ents else "lookalike"
        rows.append({"id": f"{lang}-t2-{counts[lang]:03d}", "lang": lang, "kind": kind, "split": "test2",
                     "text": text, "entities": ents})
        counts[lang] += 1
    with (HERE / "test2.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows ({counts['zh']} zh, {counts['en']} en)")


if __name__ == "__main__":
    main()
