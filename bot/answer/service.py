"""The answering service: retrieve, decide whether the knowledge answers the question, answer, cite.

With no model configured the answer is extractive. With a model (through the model gateway, bot/llm: redaction,
timeout, per-user rate limit), the answer is generated from the numbered passages (prompts/answer.*.md); the
model's "NO_ANSWER" is honoured and never streamed to the user. A model that fails, times out or is rate limited
for this user falls back to the extractive answer with a short notice. When the check (bot/answer/gate.py) is
unsure, the reply says so and lists the nearest articles as related, not as an answer.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any, Callable

from langchain_core.language_models.chat_models import BaseChatModel

from bot import messages
from bot.answer.extractive import Passage, extractive_answer, similar_case
from bot.answer.gate import Assessment, assess, hit_language
from bot.errors import ModelError
from bot.llm.gateway import ModelGateway
from bot.llm.ratelimit import RateLimited
from bot.prompts import render_prompt
from bot.retrieval.lexical import identifiers, tokenize
from bot.retrieval.search import Hit, Retriever, SearchResult
from bot.router import Citation, Reply
from bot.tuning import Tuning

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
NO_ANSWER = "NO_ANSWER"
_CITE = re.compile(r"\[(\d{1,2})\]")


class AnswerService:
    """`tuning` (bot/tuning.py) holds every constant; `gateway` is the model (None: extractive answers).
    `chat_model` is accepted for callers that hold a bare langchain model: it is wrapped in a gateway without
    redaction or rate limit. `redact` (REDACT_EXTRACTIVE) is applied to extractive answer text and quotes."""

    def __init__(
        self, retriever: Retriever, chat_model: BaseChatModel | None = None, timeout_seconds: float = 20.0,
        min_similarity: float | None = None, k: int | None = None, max_passages: int | None = None, *,
        gateway: ModelGateway | None = None, tuning: Tuning | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        tuning = tuning or Tuning()
        if min_similarity is not None:
            tuning = tuning.model_copy(update={"answerability": tuning.answerability.model_copy(
                update={"min_similarity": min_similarity})})
        self.tuning = tuning
        self.retriever = retriever
        if gateway is None and chat_model is not None:
            gateway = ModelGateway(chat_model, timeout_seconds=timeout_seconds, redactor=None)
        self.gateway = gateway
        self.timeout_seconds = timeout_seconds
        self.k = k or tuning.k
        self.max_passages = max_passages or tuning.max_passages
        self.redact = redact

    # --- public ------------------------------------------------------------------------------------
    def answer(
        self, question: str, *, language: str, context: tuple[str, ...] = (),
        on_partial: Callable[[str], None] | None = None, user_key: str = "local",
    ) -> Reply:
        query = " ".join([context[-1], question]) if context and is_follow_up(question) else question
        result = self.retriever.search(query, k=self.k)
        if not result.hits:
            key = "empty_index" if self.retriever.store.count() == 0 else "no_answer"
            return Reply(text=messages.text(key, language), kind="answer", language=language, grounded=False,
                         question=question)
        verdict = self.assess(question, result, language)
        if verdict.verdict != "answer" and query == question:
            result, verdict = self._search_translated(question, result, verdict, language, user_key)
        if query != question:
            # a follow-up searched with the thread's subject: that similarity belongs to the thread, so the
            # follow-up alone must point into the knowledge (a lower bar: its subject comes from the thread)
            alone = self.assess(question, self.retriever.search(question, k=self.k), language)
            follow = alone.verdict == "answer" or alone.evidence >= self.tuning.answerability.follow_up_evidence
            verdict = Assessment("answer" if follow else "none", "follow-up", alone.evidence)
        if verdict.verdict == "none":
            return self._no_answer(question, language)
        if verdict.verdict == "unsure":
            return self._related(question, result.hits, language)
        own_ids = tuple(i for i in result.exact_ids if i in identifiers(question))
        passages, case = self.select(result.hits, language, own_ids)
        if self.gateway is not None:
            try:
                return self._generate(question, context, passages, case, language, on_partial, user_key)
            except RateLimited as exc:
                reply = self._extractive(question, query, passages, case, language)
                reply.notice = exc.user_message(language)
                return reply
            except ModelError as exc:
                log.warning("model failed, falling back to the extractive answer: %s", exc)
                reply = self._extractive(question, query, passages, case, language)
                reply.notice = messages.text("model_fallback", language)
                return reply
        return self._extractive(question, query, passages, case, language)

    def _search_translated(
        self, question: str, result: SearchResult, verdict: Assessment, language: str, user_key: str
    ) -> tuple[SearchResult, Assessment]:
        """With a model configured and no answer found: the model translates the question into the other language
        and both wordings are searched (a bilingual team's answer may exist in either language). The translation
        is judged in its own language; a failed or empty translation changes nothing."""
        if self.gateway is None or not self.tuning.model_translation:
            return result, verdict
        other = "en" if language == "zh" else "zh"
        try:
            prompt = render_prompt("translate_question", question=question, language=LANGUAGE_NAMES[other])
            translated = " ".join(self.gateway.invoke(prompt, user_key=user_key).split())[:500]
        except (ModelError, RateLimited) as exc:
            log.info("question translation skipped: %s", type(exc).__name__)
            return result, verdict
        if not translated or messages.detect_language(translated) != other or NO_ANSWER in translated:
            return result, verdict
        fused = self.retriever.search_fused([question, translated], k=self.k)
        again = self.assess(translated, fused, other)
        if again.verdict == "answer" or (again.verdict == "unsure" and verdict.verdict == "none"):
            return fused, again
        return result, verdict

    def assess(self, question: str, result: SearchResult, language: str) -> Assessment:
        """The answerability verdict on the current question's own terms and identifiers (bot/answer/gate.py),
        so a short unrelated question in a thread is not "answered" with what an earlier turn was about."""
        return assess(self.retriever, question, result, language, self.tuning.answerability)

    def is_relevant(self, question: str, result: SearchResult, language: str) -> bool:
        return self.assess(question, result, language).verdict == "answer"

    def select(
        self, hits: list[Hit], language: str, exact: tuple[str, ...] = ()
    ) -> tuple[list[Passage], Hit | None]:
        """The passages to answer from, and the most similar past case (if any is near the top).

        Knowledge (articles, FAQ) anywhere in the retrieved hits is preferred to past tickets (the rule, not
        the anecdote), the asker's language first among close candidates; the best ticket near the top is the
        similar case. Only a ticket that contains the question's order number / error code verbatim, or
        tickets alone, become the passages themselves.
        """
        near = hits[: self.max_passages + 1]
        exact_hits = [h for h in near if exact and _contains_any(h, exact)]
        # articles before anecdotes: the governing article or FAQ answers even when past tickets outrank it
        # (unless a ticket holds the question's own identifier: then that case is the answer)
        pool = near if exact_hits else hits
        knowledge = [h for h in pool if h.kind != "ticket" and h not in exact_hits][: self.max_passages + 1]
        order = sorted(range(len(knowledge)), key=lambda i: (0 if hit_language(knowledge[i]) == language else 1, i))
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
        text, citations, sim = extractive_answer(query, passages, case_for_line, language,
                                                 self._other_language_terms(query, passages, language))
        if sim is None and case is not None:
            sim = similar_case(case)
        if case is not None and all(c.doc_id != case.doc_id for c in citations):
            citations.append(Passage(len(citations) + 1, case).citation(sim.resolution if sim else ""))
        if self.redact is not None:
            redact = self.redact
            text = redact(text)
            citations = [dataclasses.replace(c, quote=redact(c.quote)) for c in citations]
            if sim is not None:
                sim = dataclasses.replace(sim, resolution=redact(sim.resolution), subject=redact(sim.subject))
        return Reply(text=text, kind="answer", language=language, citations=citations, similar_case=sim,
                     grounded=bool(citations), question=question)

    def _other_language_terms(self, question: str, passages: list[Passage], language: str) -> frozenset[str]:
        """The question's terms in the other language, when a passage is in it (to pick that passage's sentences)."""
        translator = self.retriever.translator
        if translator is None or all(hit_language(p.hit) == language for p in passages):
            return frozenset()
        vocabulary = set(tokenize(" ".join(p.body for p in passages)))
        return frozenset(translator.to_other_language(question, language, vocabulary.__contains__))

    def _no_answer(self, question: str, language: str) -> Reply:
        return Reply(text=messages.text("no_answer", language), kind="answer", language=language, grounded=False,
                     question=question)

    def _related(self, question: str, hits: list[Hit], language: str) -> Reply:
        """Not sure the knowledge answers this: say so, list the nearest articles (no quotes as an answer)."""
        near: list[Hit] = []
        for h in hits:
            if h.kind != "ticket" and all(h.doc_id != n.doc_id for n in near):
                near.append(h)
        near = near[:3] or hits[:3]
        citations = [dataclasses.replace(Passage(i + 1, h).citation(), quote="") for i, h in enumerate(near)]
        lines = [f"• {c.title} [{c.index}]" for c in citations]
        text = "\n".join([messages.text("answer_unsure", language), *lines])
        if self.redact is not None:
            text = self.redact(text)
            citations = [dataclasses.replace(c, title=self.redact(c.title)) for c in citations]
        return Reply(text=text, kind="answer", language=language, citations=citations, grounded=False,
                     question=question)

    # --- generative -----------------------------------------------------------------------------------
    def _generate(
        self, question: str, context: tuple[str, ...], passages: list[Passage], case: Hit | None, language: str,
        on_partial: Callable[[str], None] | None, user_key: str,
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
        text = self._call_model(prompt, user_key, on_partial).strip()
        if not text or text.startswith(NO_ANSWER) or text.endswith(NO_ANSWER):
            return self._no_answer(question, language)
        cited = {int(n) for n in _CITE.findall(text)}
        citations: list[Citation] = [p.citation() for p in numbered if p.number in cited]
        sim = similar_case(case) if case is not None else None
        return Reply(text=text, kind="answer", language=language, citations=citations, similar_case=sim,
                     grounded=bool(citations), question=question)

    def _call_model(self, prompt: list[Any], user_key: str, on_partial: Callable[[str], None] | None) -> str:
        """The model's text through the gateway; partials are relayed unless they are (or may become) NO_ANSWER."""
        assert self.gateway is not None
        if on_partial is None:
            return self.gateway.invoke(prompt, user_key=user_key)
        relay_to = on_partial

        def relay(text: str) -> None:
            if not _may_be_no_answer(text):
                relay_to(text)

        return self.gateway.stream(prompt, user_key=user_key, on_partial=relay)


def _may_be_no_answer(text: str) -> bool:
    """A partial text that is NO_ANSWER, contains it, or could still grow into it."""
    head = text.strip()
    return NO_ANSWER in text or (len(head) < len(NO_ANSWER) and NO_ANSWER.startswith(head))


def is_follow_up(question: str) -> bool:
    """Short questions ("那会员呢？", "what about members?") lean on the thread for their subject."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", question))
    words = len(re.findall(r"[A-Za-z0-9]+", question))
    short = (cjk <= 5 and words <= 1) or (cjk == 0 and words <= 4)
    return short or bool(re.match(r"(?i)\s*(and|what about|how about|also|那|那么|还有|如果)", question))


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
