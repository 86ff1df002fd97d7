"""The answerability check: do the retrieved passages answer *this* question?

Evidence, all from the current question only (not the thread):
- an order number / error code / SKU of the question found verbatim: answer;
- the best knowledge passage in the question's language: the top dense similarity (against a per-language
  base, e5 similarities run higher for Chinese) plus the IDF-weighted coverage of the question's terms by that
  one passage (rare terms weigh most, stop words not at all: the passage must be about the asked subject, not
  share its common words);
- the best passage in the other language (a cross-language question): its plain dense similarity, against
  its own base, plus the share of the question's terms whose dictionary translation (bot/retrieval/bilingual.py)
  the passage names: the cross-language counterpart of coverage.

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
    if result.top_similarity is None:  # lexical-only mode: require real term overlap
        coverage = retriever.coverage(question, hits, top=rules.coverage_passages)
        ok = (result.top_bm25 or 0.0) >= 2.0 and coverage >= 0.5
        return Assessment("answer" if ok else "none", "lexical", coverage, {"coverage": coverage})
    if result.top_similarity < rules.min_similarity:
        return Assessment("none", "far", 0.0, {"similarity": float(result.top_similarity)})
    # the best passage in the asker's language and the best in the other one are each judged by their rule;
    # the better verdict stands (a bilingual knowledge base may answer in either language)
    verdicts: list[Assessment] = []
    mine = next((h for h in hits if hit_language(h) == language), None)
    theirs = next((h for h in hits if hit_language(h) != language), None)
    if mine is not None:
        coverage = retriever.coverage(question, [mine], top=rules.coverage_passages)
        evidence = (float(result.top_similarity) - rules.base.get(language, rules.base["en"])) \
            * rules.similarity_scale + coverage
        feats = {"similarity": float(result.top_similarity), "coverage": coverage, "same_language": 1.0}
        verdicts.append(_verdict(evidence, rules.threshold, rules.unsure_threshold, "same", feats))
    if theirs is not None:
        sim = theirs.similarity if theirs.similarity is not None else result.top_similarity
        cross_cov = retriever.cross_coverage(question, theirs) or 0.0
        evidence = (float(sim) - rules.cross_base.get(language, rules.cross_base["en"])) * rules.similarity_scale \
            + rules.cross_coverage_weight * cross_cov
        feats = {"similarity": float(sim), "cross_coverage": cross_cov, "same_language": 0.0}
        if theirs.centred is not None:
            feats["centred"] = float(theirs.centred)
        verdict = _verdict(evidence, rules.cross_threshold, rules.unsure_threshold, "cross", feats)
        if verdict.verdict == "answer" and (sim < rules.cross_min_similarity or cross_cov < rules.cross_min_coverage):
            verdict = Assessment("unsure", "cross", evidence, feats)  # about the subject, maybe not the answer
        verdicts.append(verdict)
    rank = {"answer": 2, "unsure": 1, "none": 0}
    return max(verdicts, key=lambda v: (rank[v.verdict], v.reason == "same", v.evidence))


def _verdict(evidence: float, threshold: float, unsure: float, reason: str, feats: dict[str, float]) -> Assessment:
    if evidence >= threshold:
        return Assessment("answer", reason, evidence, feats)
    if evidence >= unsure:
        return Assessment("unsure", reason, evidence, feats)
    return Assessment("none", reason, evidence, feats)
