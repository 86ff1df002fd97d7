"""Retrieval and answering constants in one typed block, each with the measurement that set it.

`Tuning.from_settings(settings)` builds the block from the constants that are also settings
(`RETRIEVAL_BM25_WEIGHT`, `RETRIEVAL_MIN_SIMILARITY`, `RETRIEVAL_CENTRING`); everything else keeps the default
written here. The container builds it once per use (`Container.tuning()`) and hands it to
`Retriever.from_tuning` and `AnswerService(tuning=...)`; the eval (bot/retrieval/evaluation.py) does the same.
Figures: docs/benchmarks.md (public sets: benchmarks/retrieval_quality.py; bilingual eval set, dev split:
benchmarks/answer_quality.py). Change a default only with a dev-split measurement, and report test.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Answerability(BaseModel):
    """The answerability check (bot/answer/gate.py), calibrated on the dev split of knowledge/eval/ only.

    Best knowledge passage in the question's language: evidence = (top dense similarity - base[lang]) *
    similarity_scale + IDF-weighted coverage of the question's terms by the top `coverage_passages` passage(s).
    Best passage in the other language: evidence = (its similarity - cross_base[lang]) * similarity_scale.
    evidence >= threshold: answer; >= unsure_threshold: "not sure", the nearest articles listed as related;
    below: "not in the knowledge base". An identifier of the question found verbatim always answers.
    """

    model_config = ConfigDict(frozen=True)

    min_similarity: float = Field(default=0.80, ge=0.0, le=1.0, description="below: nothing is near at all")
    base: dict[str, float] = Field(
        default_factory=lambda: {"zh": 0.88, "en": 0.84},
        description="e5 similarities run ~0.04 higher for Chinese; only base + threshold matters (dev grid)")
    similarity_scale: float = Field(default=10.0, ge=0.0)
    coverage_passages: int = Field(default=1, ge=1, description="dev: top-1 coverage beats the union of 3")
    threshold: float = Field(default=0.60, description="dev, same-language: answered 0.80, refused 0.93")
    unsure_threshold: float = Field(default=0.30, description="between: 'not sure' with related articles")
    follow_up_evidence: float = Field(
        default=0.0,
        description="a follow-up in a thread (searched with the thread's subject) is answered when the follow-up "
                    "alone reaches this evidence; not calibrated on the eval set, which has no threads "
                    "(bundled: '那国际订单呢？' 0.23 answered, '你们招聘吗？' -0.19 refused)")
    cross_base: dict[str, float] = Field(
        default_factory=lambda: {"zh": 0.78, "en": 0.78},
        description="best passage in the other language: evidence = (its plain cosine - cross_base) * scale + "
                    "cross_coverage_weight * the share of the question's terms its translation finds there. Dev "
                    "grid (cross-language rows of both eval views, 106 answerable / 17 unanswerable): answered "
                    "0.802 / refused 0.706, was 0.764 / 0.647 with the similarity alone")
    cross_coverage_weight: float = Field(default=0.6, ge=0.0)
    cross_threshold: float = Field(default=0.45, description="answer at or above; 'not sure' from unsure_threshold")
    cross_min_similarity: float = Field(default=0.80, description="and a cross-language answer needs both of these, "
                                        "else it is 'not sure' (related articles)")
    cross_min_coverage: float = Field(
        default=0.40,
        description="dev, both eval views (274 answerable / 56 unanswerable): answered 0.832 / refused 0.821 without "
                    "the two minimums, 0.690 / 0.946 with them (e5 similarity and translated coverage overlap "
                    "heavily between answerable and unanswerable cross-language questions: refusing is the "
                    "safer error)")


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
        default=True,
        description="subtract the query language's mean chunk vector, search each language partition and merge "
                    "their z-scored scores (Libovický et al. 2020). Dev split, mixed knowledge (each article in one "
                    "language): cross-language R@5 0.027 -> 0.135 alone, 0.784 with the translated lexical list; "
                    "same-language 0.93 -> 0.91. RETRIEVAL_CENTRING=false turns it off",
    )
    min_language_chunks: int = Field(default=20, ge=1, description="a language needs this many chunks for a mean")
    cross_lexical_weight: float = Field(
        default=0.25, ge=0.0,
        description="dev sweep 0.15 / 0.25 / 0.35 (mixed knowledge, plain centring): cross-language R@5 0.405 / "
                    "0.568 / 0.757, same-language 0.98 / 0.93 / 0.86. RRF weight of the cross-language lexical list: the question put into the other language with "
                    "CC-CEDICT (bot/retrieval/bilingual.py) and scored by BM25 over that language's chunks; 0 = off")
    # --- answerability ("I don't know") ----------------------------------------------------------------
    answerability: Answerability = Field(default_factory=Answerability)
    # --- passages and answers -------------------------------------------------------------------------
    k: int = Field(default=8, ge=1, description="hits retrieved for an answer")
    model_translation: bool = Field(
        default=True,
        description="with a model configured, a question the knowledge does not answer in its own language is "
                    "translated by the model (prompts/translate_question.*) and searched in both; no figure: "
                    "needs a real model")
    max_passages: int = Field(default=4, ge=1, description="passages offered to the answerer / model")
    max_sentences: int = Field(default=3, ge=1, description="sentences in an extractive answer")
    max_quote_chars: int = Field(default=280, ge=40, description="citation quote length")
    history_turns: int = Field(default=5, ge=0, description="earlier thread turns kept for a follow-up")

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "Tuning":
        values: dict[str, Any] = {
            "bm25_weight": getattr(settings, "retrieval_bm25_weight", 0.25),
        }
        min_similarity = getattr(settings, "retrieval_min_similarity", None)
        if min_similarity is not None:
            values["answerability"] = Answerability(min_similarity=float(min_similarity))
        centring = getattr(settings, "retrieval_centring", None)
        if centring is not None:
            values["centring"] = bool(centring)
        cross = getattr(settings, "retrieval_cross_lexical_weight", None)
        if cross is not None:
            values["cross_lexical_weight"] = float(cross)
        values.update(overrides)
        return cls(**values)
