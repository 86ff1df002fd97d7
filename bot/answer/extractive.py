"""Extractive answers: the sentences of the best passages that answer the question, with citations.

Used when no model is configured, and as the fallback when a model fails or times out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from bot import messages
from bot.ingest.chunking import split_sentences
from bot.retrieval.lexical import tokenize
from bot.retrieval.search import Hit
from bot.router import Citation, SimilarCase

MAX_SENTENCES = 3
MAX_QUOTE = 280
FACT_BONUS = 1.0
_CROSS_REF = re.compile(r"请参考|请参阅|参见|详见|\b(?:see|refer to)\b.{0,12}[\"“《]", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)、]|[（(]\d{1,2}[)）])\s+")
# what the question asks for: a quantity (how long / how much / how many) or a step (how do I / which step)
_ASKS_QUANTITY = re.compile(
    r"多久|几[天日周年月个次位张种]|多少|多长|多快|多大|什么时候|何时|期限|时效"
    r"|\bhow\s+(?:long|much|many|soon|fast|often|old)\b|\bwhen\b|\bwithin\b|\bdeadline\b|\bwhat\s+(?:fee|price|cost)\b",
    re.IGNORECASE)
_ASKS_STEP = re.compile(
    r"怎么|怎样|如何|步骤|哪一?步|流程|需要什么|要什么"
    r"|\bhow\s+(?:do|does|can|should|to)\b|\bwhich\s+step\b|\bsteps?\b|\bwhat\s+(?:should|do)\b",
    re.IGNORECASE)
_QUANTITY = re.compile(
    r"\d|[一二两三四五六七八九十百千万半]+\s*(?:个|天|日|周|小时|分钟|年|月|元|次|位|张|倍|成)"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|sixty"
    r"|hundred|half|free)\b|免费|全额",
    re.IGNORECASE)
_STEP = re.compile(r"点击|进入|选择|填写|上传|提交|联系|前往|\b(?:tap|click|go to|open|select|enter|upload|submit|contact)\b",
                   re.IGNORECASE)


@dataclass
class Passage:
    """A numbered passage offered to the answerer (and cited as [number])."""

    number: int
    hit: Hit

    @property
    def body(self) -> str:
        """The text to quote from: for FAQ entries the answer, for past tickets what the agent did."""
        if self.hit.kind == "faq" and self.hit.metadata.get("answer"):
            return str(self.hit.metadata["answer"])
        if self.hit.kind == "ticket" and self.hit.metadata.get("resolution"):
            return str(self.hit.metadata["resolution"])
        return self.hit.text

    def citation(self, quote: str = "") -> Citation:
        return Citation(
            index=self.number, doc_id=self.hit.doc_id, title=self.hit.title or self.hit.doc_id,
            source=self.hit.source, quote=_clip(quote or self.body, MAX_QUOTE),
            url=str(self.hit.metadata.get("url", "") or ""), kind=self.hit.kind,
        )


def similar_case(hit: Hit) -> SimilarCase:
    meta = hit.metadata
    subject = str(meta.get("subject") or hit.title or hit.doc_id)
    resolution = str(meta.get("resolution") or "")
    if not resolution:
        resolution = hit.text
    return SimilarCase(doc_id=hit.doc_id, subject=subject, resolution=_clip(resolution, 400), source=hit.source)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def asks_for(question: str) -> str:
    """"quantity" (how long / how much / how many), "step" (how do I / which step) or "" for other questions."""
    if _ASKS_QUANTITY.search(question):
        return "quantity"
    if _ASKS_STEP.search(question):
        return "step"
    return ""


def carries(sentence: str, wanted: str) -> bool:
    """Does the sentence carry the kind of fact asked for (a number or an amount; a step or an action)?"""
    if wanted == "quantity":
        return bool(_QUANTITY.search(sentence))
    if wanted == "step":
        return bool(_STEP.search(sentence) or _QUANTITY.search(sentence))
    return False


def _sentence_scores(
    question: str, passages: list[Passage], extra_terms: frozenset[str] = frozenset()
) -> list[tuple[float, int, int, str]]:
    """(score, passage position, sentence position, sentence) for every sentence of every passage.
    `extra_terms`: the question's terms in the other language (bilingual.py), for passages in that language."""
    wanted = asks_for(question)
    q_tokens = set(tokenize(question)) | set(extra_terms)
    rows: list[tuple[int, int, str, set[str]]] = []
    df: dict[str, int] = {}
    for p_pos, passage in enumerate(passages):
        for s_pos, raw in enumerate(split_sentences(passage.body)):
            sentence = _LIST_MARKER.sub("", raw.strip())
            if len(sentence) < 4 or sentence.startswith("#"):
                continue
            toks = set(tokenize(sentence))
            rows.append((p_pos, s_pos, sentence, toks))
            for t in toks:
                df[t] = df.get(t, 0) + 1
    n = max(1, len(rows))
    out: list[tuple[float, int, int, str]] = []
    for p_pos, s_pos, sentence, toks in rows:
        overlap = sum(math.log(1 + n / df[t]) for t in q_tokens & toks)
        # rank prior: earlier passages and earlier sentences are likelier to hold the answer;
        # a bare pointer to another article ("请参考《…》", "see …") answers nothing by itself
        score = overlap + 1.5 / (1 + p_pos) + 0.3 / (1 + s_pos) - (100.0 if _CROSS_REF.search(sentence) else 0.0)
        if wanted and carries(sentence, wanted):  # the fact that was asked: a number of days, an amount, a step
            score += FACT_BONUS
        out.append((score, p_pos, s_pos, sentence))
    return out


def extractive_answer(
    question: str, passages: list[Passage], case: Hit | None, language: str,
    extra_terms: frozenset[str] = frozenset(),
) -> tuple[str, list[Citation], SimilarCase | None]:
    """Compose the answer text, its citations and the similar past case. The sentences are quoted as written (in
    the source's language); `extra_terms` let a question in the other language pick them."""
    scored = _sentence_scores(question, passages[:3], extra_terms)
    ranked = sorted(scored, key=lambda r: -r[0])
    best = ranked[:MAX_SENTENCES]
    wanted = asks_for(question)
    if wanted and best and not any(carries(r[3], wanted) for r in best):
        # the question asks how long / how much / which step: the best passage's sentence carrying it goes in
        first = best[0][1]
        fact = next((r for r in ranked if r[1] == first and r[0] > -50 and carries(r[3], wanted)), None)
        if fact is not None:
            best = best[:-1] + [fact] if len(best) >= MAX_SENTENCES else best + [fact]
    # keep at most two passages so the answer stays focused; order by passage then sentence
    keep_passages = sorted({p for _, p, _, _ in best}, key=lambda p: p)[:2]
    chosen = sorted((r for r in best if r[1] in keep_passages), key=lambda r: (r[1], r[2]))
    lines: list[str] = []
    quotes: dict[int, list[str]] = {}
    numbers: dict[int, int] = {}  # passage position -> citation number, 1..n in order of use
    for _, p_pos, _, sentence in chosen:
        number = numbers.setdefault(p_pos, len(numbers) + 1)
        quotes.setdefault(p_pos, []).append(sentence)
        lines.append(f"{sentence} [{number}]")
    citations = [replace(passages[p].citation(" ".join(quotes[p])), index=numbers[p]) for p in sorted(quotes)]
    body = "\n".join(f"• {line}" for line in lines)
    intro = "extractive_intro_case" if passages and passages[0].hit.kind == "ticket" else "extractive_intro"
    text = f"{messages.text(intro, language)}\n{body}" if body else ""
    sim = similar_case(case) if case is not None else None
    return text.strip(), citations, sim
