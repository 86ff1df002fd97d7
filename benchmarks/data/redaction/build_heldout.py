"""Build benchmarks/data/redaction/<split>.jsonl from <split>_source.txt (the frozen held-out sets "test3" and "test4").

Same format and schema as build_test2.py. Also checks the set: every entity slice is its marked value, IDs are
18 characters with a valid check digit, cards pass Luhn, and no unmarked digit run (in look-alikes or around
the marks) passes the ID or Luhn check by accident.

Run: python benchmarks/data/redaction/build_heldout.py test3|test4
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from build_test2 import MARK, _id_check, _luhn_check, _value  # the check digits and mark-up of every set

HERE = Path(__file__).resolve().parent
SPLIT = sys.argv[1] if len(sys.argv) > 1 else "test3"
RUN = re.compile(r"\d(?:[ -]?\d){12,18}[0-9Xx]?")


def _valid_id(s: str) -> bool:
    return len(s) == 18 and s[:17].isdigit() and _id_check(s[:17]) == s[17].upper()


def _valid_luhn(s: str) -> bool:
    return s.isdigit() and 13 <= len(s) <= 19 and _luhn_check(s[:-1]) == s[-1]


def messages() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in (HERE / f"{SPLIT}_source.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line[:3] in ("zh|", "en|"):
            out.append((line[:2], line[3:]))
        elif out:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + line)
    return out


def _check(row: dict[str, Any]) -> None:
    text = row["text"]
    masked = list(text)
    for ent in row["entities"]:
        value = text[ent["start"]:ent["end"]]
        if value != value.strip() or not value:
            raise SystemExit(f"bad span {value!r} in {row['id']}")
        digits = re.sub(r"\D", "", value.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        if ent["type"] == "ID" and not _valid_id(re.sub(r"\s", "", value)):
            raise SystemExit(f"invalid ID {value!r} in {row['id']}")
        if ent["type"] == "CARD" and not (_valid_luhn(digits) and len(digits) in (15, 16, 19)):
            raise SystemExit(f"invalid card {value!r} in {row['id']}")
        for i in range(ent["start"], ent["end"]):
            masked[i] = "#"
    rest = "".join(masked)
    for m in RUN.finditer(rest):
        for piece in [re.sub(r"[ -]", "", m.group())] + re.findall(r"\d+[Xx]?", m.group()):
            if _valid_luhn(piece) and len(piece) in (15, 16, 19) or _valid_id(piece):
                raise SystemExit(f"unmarked valid number {piece} in {row['id']}: {text}")


def main() -> None:
    rows: list[dict[str, Any]] = []
    counts = {"zh": 0, "en": 0}
    for lang, marked in messages():
        text, pos = "", 0
        ents: list[dict[str, Any]] = []
        for m in MARK.finditer(marked):
            text += marked[pos:m.start()]
            value = _value(m.group(1), m.group(2))
            ents.append({"start": len(text), "end": len(text) + len(value), "type": m.group(1)})
            text += value
            pos = m.end()
        text += marked[pos:]
        if "[[" in text or "]]" in text:
            raise SystemExit(f"unparsed mark: {text}")
        kind = "pii" if ents else "lookalike"
        row = {"id": f"{lang}-t{SPLIT[-1]}-{counts[lang]:03d}", "lang": lang, "kind": kind, "split": SPLIT,
               "text": text, "entities": ents}
        _check(row)
        rows.append(row)
        counts[lang] += 1
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    with (HERE / f"{SPLIT}.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    pii = sum(r["kind"] == "pii" for r in rows)
    types: dict[str, int] = {}
    for r in rows:
        for e in r["entities"]:
            types[e["type"]] = types.get(e["type"], 0) + 1
    print(f"wrote {len(rows)} rows ({counts['zh']} zh, {counts['en']} en; {pii} with personal data, "
          f"{len(rows) - pii} look-alikes); entities {types}")


if __name__ == "__main__":
    main()
