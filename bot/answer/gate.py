"""The answerability check: do the retrieved passages answer *this* question?

Evidence, all from the current question only (not the thread):
- an order number / error code / SKU of the question found verbatim: answer;
- the best knowledge passage in the question's language: the top dense similarity (against a per-language
  base, e5 similarities run higher for Chinese) plus the IDF-weighted coverage of the question's terms by that
  one passage (rare terms weigh most, stop words not at all: the passage must be about the asked subject, not
  share its common words);
- the best passage in the other language (a cross-language question): no lexical evidence exists across
  scripts, so its dense similarity decides, with its own per-language base (calibrated with centring off, the
  default; with RETRIEVAL_CENTRING=true the similarities are of the centred query and need recalibrating).

The verdict is "answer", "unsure" (show the nearest articles as related, may not answer this) or "none".
Thresholds live in bot/tuning.py (`Answerability`), calibrated on the dev split of knowledge/eval/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot import messages
from bot.retrieval.lexical import identifiers
from bot.retrieval.search import Hit, Retriever, SearchResult
from bot.tuning import Answerability

Verdict = Literal["answer", "unsure", "none"]


@dataclass
class Assessment:
    verdict: Verdict
    reason: str
    evidence: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


def hit_language(hit: Hit) -> str:
    return str(hit.metadata.get("lang") or messages.detect_language(hit.text))


def assess(
    retriever: Retriever, question: str, result: SearchResult, language: str, rules: Answerability
) -> Assessment:
    """Is the best evidence about this question? See the module docstring."""
    if any(i in identifiers(question) for i in result.exact_ids):
        return Assessment("answer", "identifier")
    hits = [h for h in result.hits if h.kind != "ticket"][:3] or result.hits[:3]
    if not hits:
        return Assessment("none", "no hits")
    coverage = retriever.coverage(question, hits, top=rules.coverage_passages)
    if result.top_similarity is None:  # lexical-only mode: require real term overlap
        ok = (result.top_bm25 or 0.0) >= 2.0 and coverage >= 0.5
        return Assessment("answer" if ok else "none", "lexical", coverage, {"coverage": coverage})
    top = hits[0]
    sim = top.similarity if top.similarity is not None else result.top_similarity
    same = hit_language(top) == language
    feats = {"similarity": float(sim), "coverage": coverage, "same_language": float(same)}
    if top.centred is not None:
        feats["centred"] = float(top.centred)
    if same:
        base = rules.base.get(language, rules.base["en"])
        evidence = (float(result.top_similarity) - base) * rules.similarity_scale + coverage
        threshold, unsure = rules.threshold, rules.unsure_threshold
    else:
        base = rules.cross_base.get(language, rules.cross_base["en"])
        evidence = (float(sim) - base) * rules.similarity_scale  # calibrated with centring off (the default)
        threshold, unsure = rules.threshold, rules.unsure_threshold
    if result.top_similarity < rules.min_similarity:
        return Assessment("none", "far", evidence, feats)
    if evidence >= threshold:
        return Assessment("answer", "same" if same else "cross", evidence, feats)
    if evidence >= unsure:
        return Assessment("unsure", "same" if same else "cross", evidence, feats)
    return Assessment("none", "same" if same else "cross", evidence, feats)
