"""Retrieval and answering constants in one typed block, each with the measurement that set it.

`Tuning.from_settings(settings)` builds the block from the two constants that are also settings
(`RETRIEVAL_BM25_WEIGHT`, `RETRIEVAL_MIN_SIMILARITY`); everything else keeps the default written here.
Figures: docs/benchmarks.md (public sets: benchmarks/retrieval_quality.py; bilingual eval set, dev split:
benchmarks/answer_quality.py). Change a default only with a dev-split measurement, and report test.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RelevanceGate(BaseModel):
    """(top dense similarity - base) * 10 + IDF-weighted coverage >= threshold, per asker language."""

    model_config = ConfigDict(frozen=True)

    base: float
    threshold: float


class Tuning(BaseModel):
    model_config = ConfigDict(frozen=True)

    # --- fusion -------------------------------------------------------------------------------------
    rrf_k: int = Field(default=60, ge=1, description="RRF constant; the usual 60, not swept")
    dense_weight: float = Field(default=1.0, ge=0.0, description="dense list weight in RRF (reference)")
    bm25_weight: float = Field(
        default=0.25, ge=0.0,
        description="BM25 list weight: sweep 0.25/0.5/1.0 on the public sets, 0.25 keeps en MRR 0.947 vs 0.923 "
                    "at 1.0 and zh MRR 0.370 vs 0.363 (docs/benchmarks.md)",
    )
    # --- cross-language -------------------------------------------------------------------------------
    centring: bool = Field(
        default=False,
        description="subtract the query language's mean chunk vector and search each language partition "
                    "(Libovický et al. 2020); off until measured on the eval set's dev split (not yet done)",
    )
    min_language_chunks: int = Field(default=20, ge=1, description="a language needs this many chunks for a mean")
    # --- relevance gate ("I don't know") --------------------------------------------------------------
    min_similarity: float = Field(
        default=0.80, ge=0.0, le=1.0,
        description="below this top dense similarity nothing is answered (e5 similarities of unrelated text "
                    "stay above 0.75; bundled sets: lowest answerable 0.842)",
    )
    relevance: dict[str, RelevanceGate] = Field(
        default_factory=lambda: {"zh": RelevanceGate(base=0.88, threshold=0.30),
                                 "en": RelevanceGate(base=0.84, threshold=0.40)},
        description="calibrated on knowledge/questions*.jsonl: 39/40 answered, 13/15 refused (dev figure)",
    )
    # --- passages and answers -------------------------------------------------------------------------
    k: int = Field(default=8, ge=1, description="hits retrieved for an answer")
    max_passages: int = Field(default=4, ge=1, description="passages offered to the answerer / model")
    max_sentences: int = Field(default=3, ge=1, description="sentences in an extractive answer")
    max_quote_chars: int = Field(default=280, ge=40, description="citation quote length")
    history_turns: int = Field(default=5, ge=0, description="earlier thread turns kept for a follow-up")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "Tuning":
        values: dict[str, Any] = {
            "bm25_weight": getattr(settings, "retrieval_bm25_weight", 0.25),
            "min_similarity": getattr(settings, "retrieval_min_similarity", 0.80),
        }
        centring = getattr(settings, "retrieval_centring", None)
        if centring is not None:
            values["centring"] = bool(centring)
        values.update(overrides)
        return cls(**values)
