"""/calm quality (rule-based path) on the labelled set (benchmarks/data/calm/): the share of insult /
profanity terms removed from the rewrite (goal 100%), the share of facts kept (goal 100%), the share of
angry-but-legitimate messages not flagged abusive, the share of abusive messages flagged abusive, and (where
labelled: test2, test3) the share of violent / self-harm threats flagged as threats and of the rest not flagged.
Report test2 (the default): the fresh held-out set in test2.jsonl (see data/redaction/README.test2.md); the old
dev and test splits of calm.jsonl are development data (the test split was read while fixing misses).
test3 (--split test3) is a later held-out set written blind to the code (see data/calm/README.test3.md).
test4 (--split test4) is a third held-out set written the same way (see data/calm/README.test4.md).

Run: .venv/bin/python benchmarks/calm_quality.py [--split test2|test3|test4|test|dev|all] [--show]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import HELD_OUT, labelled_rows  # noqa: E402
from bot.assist.calm import calm_rules  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "calm" / "calm.jsonl"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _present(term: str, text: str) -> bool:
    """Is the insult still in the rewrite? Latin terms as whole words ("f u" is not the "fu" of "refund")."""
    if term.isascii():
        body = r"\s*".join(re.escape(part) for part in term.lower().split())
        return re.search(rf"(?<![a-z0-9]){body}(?![a-z0-9])", text.lower()) is not None
    return _flat(term) in _flat(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test2", choices=[*HELD_OUT, "test", "dev", "all"])
    ap.add_argument("--show", action="store_true", help="print each failure")
    args = ap.parse_args()
    rows = labelled_rows(DATA.parent, DATA.name, args.split)
    terms = removed = n_facts = kept = 0
    angry = angry_ok = abusive = abusive_hit = 0
    threats = threat_hit = calm_rows = calm_ok = 0
    for row in rows:
        result = calm_rules(row["text"])
        out = _flat(result.text)
        for term in row["abusive_terms"]:
            terms += 1
            gone = not _present(term, result.text)
            removed += gone
            if not gone and args.show:
                print("LEFT", row["id"], repr(term), "|", result.text)
        for fact in row["facts"]:
            n_facts += 1
            ok = _flat(fact) in out
            kept += ok
            if not ok and args.show:
                print("LOST", row["id"], repr(fact), "|", row["text"], "->", result.text)
        if "threat" in row:
            if row["threat"]:
                threats += 1
                threat_hit += result.threat
                if not result.threat and args.show:
                    print("MISSED THREAT", row["id"], "|", row["text"])
            else:
                calm_rows += 1
                calm_ok += not result.threat
                if result.threat and args.show:
                    print("FALSE THREAT", row["id"], "|", row["text"])
        if row["abusive"]:
            abusive += 1
            abusive_hit += result.abusive
            if not result.abusive and args.show:
                print("MISSED ABUSE", row["id"], "|", row["text"])
        else:
            angry += 1
            angry_ok += not result.abusive
            if result.abusive and args.show:
                print("FLAGGED", row["id"], "|", row["text"])
    print(f"split={args.split}: {len(rows)} messages ({abusive} abusive, {angry} angry but legitimate)")
    print(f"  abusive terms removed:            {removed / max(1, terms):.3f} ({removed}/{terms}; goal 1.0)")
    print(f"  facts kept:                       {kept / max(1, n_facts):.3f} ({kept}/{n_facts}; goal 1.0)")
    print(f"  angry messages not flagged abusive: {angry_ok / max(1, angry):.3f} ({angry_ok}/{angry})")
    print(f"  abusive messages flagged abusive:   {abusive_hit / max(1, abusive):.3f} ({abusive_hit}/{abusive})")
    if threats or calm_rows:
        print(f"  violent / self-harm threats flagged: {threat_hit / max(1, threats):.3f} ({threat_hit}/{threats})")
        print(f"  other messages not flagged threat:   {calm_ok / max(1, calm_rows):.3f} ({calm_ok}/{calm_rows})")


if __name__ == "__main__":
    main()
