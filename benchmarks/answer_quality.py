"""Answer quality on the bilingual evaluation set (knowledge/eval/questions.jsonl), per split.

Runs `cs-copilot eval --knowledge knowledge/ --questions knowledge/eval/questions.jsonl` (the code path users run)
and prints recall@1/5/10 and MRR overall, same-language and cross-language (cross-language questions against a
one-language copy of the knowledge), answered-when-answerable, refused-when-unanswerable and facts present.
Tune on dev; report test.

    .venv/bin/python benchmarks/answer_quality.py [--data-dir DIR] [--split dev|test|all] [--mode hybrid|dense|bm25]
        [--centring on|off] [--details FILE]

Every question is asked twice: against the knowledge as given (cross-language questions against a one-language
copy) and against a mixed copy where each article exists in one language only (2/3 zh), the case of a
bilingual team's real knowledge base.

Progress goes to stderr every 20 questions. `--centring` sets RETRIEVAL_CENTRING for the run (default: the
bot/tuning.py default).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

from common import ROOT


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="", help="reuse a data dir (the knowledge embeddings are cached there)")
    ap.add_argument("--split", default="all", choices=["dev", "test", "all"])
    ap.add_argument("--mode", default="")
    ap.add_argument("--knowledge", default=str(ROOT / "knowledge"))
    ap.add_argument("--centring", choices=["on", "off", ""], default="")
    ap.add_argument("--questions", default=str(ROOT / "knowledge" / "eval" / "questions.jsonl"))
    ap.add_argument("--details", default="", help="write the per-question rows (JSONL, with the check's evidence)")
    args = ap.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="cs-bench-")
    cmd = [sys.executable, "-m", "bot.cli", "--data-dir", data_dir, "--env-file", "/nonexistent", "eval",
           "--knowledge", args.knowledge, "--questions", args.questions, "--split", args.split]
    if args.mode:
        cmd += ["--mode", args.mode]
    if args.details:
        cmd += ["--details", os.path.abspath(args.details)]
    env = dict(os.environ)
    if args.centring:
        env["RETRIEVAL_CENTRING"] = "true" if args.centring == "on" else "false"
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True, cwd=ROOT, env=env)
    print(proc.stdout.rstrip())
    if proc.returncode != 0:
        raise SystemExit(proc.returncode)
    print(f"(data dir: {data_dir})")


if __name__ == "__main__":
    main()
