"""The knowledge-gap queue: questions the knowledge did not serve, grouped by topic, closed by new knowledge.

Signals (each recorded once, never failing the request that raised it):
- "unanswered": /ask replied "I don't know" (`reply.grounded is False`), from the /ask command;
- "downvoted": an answer rated 👎 (withdrawn again if the same person changes it to 👍);
- "need_human": "Need a human" clicked under an answer (once per answer).
The last two come from `ConversationService`, so every platform records them the same way.

Grouping (`group_gaps`): the questions are embedded with the configured embedder (e5 query vectors) and the
corpus's per-language mean vector is subtracted (e5 vectors carry a language offset; without it a Chinese
and an English question on one topic sit further apart than two unrelated questions of one language). Each
question is then described by its own vector and by its neighbour profile: its similarities to its
NEIGHBOURS nearest knowledge documents (articles and FAQ, their stored vectors). Paraphrases and
translations of one question land near the same documents even when their own vectors are noisy, which
doubled the pairwise F1 of the grouping on the evaluation questions. Average-linkage agglomerative
clustering cuts at a cosine distance (GROUP_DISTANCE, NEIGHBOURS chosen on the dev half of
knowledge/eval/questions.jsonl by benchmarks/gaps_quality.py; the test half is reported there).

Closing (`recheck_gaps`): after an ingest (or a /resolve) changed documents, each open gap's question is
searched again; when the answerability gate passes and one of the passages the answer would use is a
changed document, the gap is closed by that document.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np

from bot import messages
from bot.storage.gaps import CLOSED, OPEN, GapRow, GapsRepository

if TYPE_CHECKING:
    from bot.container import Container
    from bot.models import Reply
    from bot.storage.db import StateStore

log = logging.getLogger(__name__)

UNANSWERED, DOWNVOTED, NEED_HUMAN = "unanswered", "downvoted", "need_human"
KINDS = (UNANSWERED, DOWNVOTED, NEED_HUMAN)
# Chosen on the dev half of knowledge/eval/questions.jsonl (benchmarks/gaps_quality.py; test half reported there):
GROUP_DISTANCE = 0.6  # average-linkage cosine distance cut
NEIGHBOURS = 5  # knowledge documents in a question's neighbour profile
DIRECT_WEIGHT = 0.3  # the own vector's share: kept >= 0.3 so that truly missing topics (far from every document) still count
REFERENCE_KINDS = ("kb", "faq")
MAX_REFERENCE_DOCS = 5000
MAX_GAPS = 2000  # newest gaps grouped per /gaps run
EXAMPLES = 3
CLOSED_WINDOW_DAYS = 30  # closed gaps stay visible this long


# --- recording ---------------------------------------------------------------------------------------

def gaps_repo(state: "StateStore") -> GapsRepository:
    repo: GapsRepository = state.repository(GapsRepository)
    return repo


def _record(state: "StateStore", key: str, kind: str, question: str, **fields: Any) -> bool:
    question = " ".join(question.split())
    if not question:
        return False
    try:
        return gaps_repo(state).add(key, kind, question, **fields)
    except Exception as exc:  # a gap is a side record: never fail the click or the answer for it
        log.warning("could not record a %s knowledge gap: %s", kind, type(exc).__name__)
        return False


def is_unanswered(reply: "Reply") -> bool:
    """An answer that says it does not know (not an empty knowledge base, not an error)."""
    if reply.kind != "answer" or reply.grounded is not False:
        return False
    return reply.text != messages.text("empty_index", reply.language)


def note_unanswered(services: Any, reply: "Reply", *, question: str, platform: str, user_id: str,
                    channel_id: str, message_id: str = "") -> bool:
    """Record an "I don't know" reply to /ask (called by the /ask command). Never raises."""
    if not is_unanswered(reply):
        return False
    try:
        state = services.state()
    except Exception as exc:  # no database: the answer is still given
        log.warning("knowledge gap not recorded (no state store: %s)", type(exc).__name__)
        return False
    key = f"{UNANSWERED}:{platform}:{message_id or uuid.uuid4().hex}"
    return _record(state, key, UNANSWERED, question, language=reply.language, platform=platform,
                   user_id=user_id, channel_id=channel_id)


def _answer_fields(record: dict[str, Any] | None) -> tuple[str, str, list[str]]:
    """(question, language, cited doc ids) of a stored answer row."""
    if not record:
        return "", "", []
    payload = record.get("payload") or {}
    reply = payload.get("reply") if isinstance(payload.get("reply"), dict) else payload
    cited = [str(c.get("doc_id", "")) if isinstance(c, dict) else str(c) for c in reply.get("citations") or []]
    lang = str(reply.get("language") or messages.detect_language(str(record.get("question", ""))))
    return str(record.get("question", "")), lang, [c for c in cited if c]


def note_vote(state: "StateStore", answer_id: str, user_id: str, platform: str, rating: int,
              record: dict[str, Any] | None) -> None:
    """A 👎 is a gap signal; the same person's 👍 afterwards withdraws it. Never raises."""
    key = f"{DOWNVOTED}:{answer_id}:{platform}:{user_id}"
    try:
        if rating > 0:
            gaps_repo(state).withdraw(key)
            return
        question, lang, cited = _answer_fields(record)
    except Exception as exc:  # a side record: the vote itself is already counted
        log.warning("knowledge gap of a vote not recorded: %s", type(exc).__name__)
        return
    _record(state, key, DOWNVOTED, question, language=lang, answer_id=answer_id, platform=platform,
            user_id=user_id, channel_id=str((record or {}).get("channel_id", "")), seen_docs=cited)


def note_need_human(state: "StateStore", answer_id: str, user_id: str, platform: str,
                    record: dict[str, Any] | None) -> None:
    """"Need a human" under an answer is a gap signal (once per answer). Never raises."""
    try:
        question, lang, cited = _answer_fields(record)
    except Exception as exc:
        log.warning("knowledge gap of a need-a-human not recorded: %s", type(exc).__name__)
        return
    _record(state, f"{NEED_HUMAN}:{answer_id}", NEED_HUMAN, question, language=lang, answer_id=answer_id,
            platform=platform, user_id=user_id, channel_id=str((record or {}).get("channel_id", "")),
            seen_docs=cited)


# --- closing -------------------------------------------------------------------------------------------

def recheck_gaps(container: "Container", changed_docs: Iterable[str]) -> list[tuple[GapRow, str]]:
    """Close the open gaps that a changed document now answers; returns (gap, closing doc id) pairs.

    A gap closes when its question passes the answerability gate and one of the passages the answer
    would be built from is one of `changed_docs` (added or updated by the ingest, or a new resolution).
    """
    changed = {d for d in changed_docs if d}
    if not changed:
        return []
    repo = gaps_repo(container.state())
    open_gaps = repo.list(status=OPEN, limit=MAX_GAPS)
    if not open_gaps:
        return []
    answerer = container.answerer()
    retriever = answerer.retriever
    version = retriever.store.corpus_version()
    closed: list[tuple[GapRow, str]] = []
    checked: list[int] = []
    for gap in open_gaps:
        lang = gap.language or messages.detect_language(gap.question)
        result = retriever.search(gap.question, k=answerer.k)
        doc = ""
        if result.hits and answerer.is_relevant(gap.question, result, lang):
            passages, case = answerer.select(result.hits, lang)
            used = [p.hit.doc_id for p in passages] + ([case.doc_id] if case is not None else [])
            doc = next((d for d in used if d in changed), "")
        if doc:
            repo.close(gap.id, doc, version)
            closed.append((gap, doc))
        else:
            checked.append(gap.id)
    repo.mark_checked(checked, version)
    if closed:
        log.info("%d knowledge gap(s) closed by %s", len(closed), ", ".join(sorted({d for _, d in closed})))
    return closed


def after_ingest(container: "Container", report: Any) -> int:
    """Run by `cs-copilot ingest` after an ingest: keep /resolve records indexed (a --rebuild drops them),
    then close the gaps the added or updated documents answer. Returns the number of gaps closed."""
    from bot.assist.resolve import sync_index

    try:
        changed = [*report.added, *report.updated, *getattr(report, "repaired", [])]
        changed += sync_index(container)
        return len(recheck_gaps(container, changed))
    except Exception as exc:  # the ingest itself succeeded: say so, log this
        log.warning("knowledge gaps were not re-checked after the ingest: %s: %s", type(exc).__name__, exc)
        return 0


# --- grouping --------------------------------------------------------------------------------------------

@dataclass
class GapGroup:
    """One missing topic: its gaps (newest first), counted by signal."""

    gaps: list[GapRow]
    label: str = ""
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.gaps)

    @property
    def open(self) -> bool:
        return any(g.status == OPEN for g in self.gaps)

    @property
    def languages(self) -> list[str]:
        return sorted({g.language for g in self.gaps if g.language})

    @property
    def closed_by(self) -> list[str]:
        return sorted({g.closed_by for g in self.gaps if g.status == CLOSED and g.closed_by})

    def examples(self, n: int = EXAMPLES) -> list[str]:
        """Distinct questions, both languages when the group has both, newest first."""
        seen: dict[str, GapRow] = {}
        for g in self.gaps:
            seen.setdefault(g.question.casefold(), g)
        rows = list(seen.values())
        by_lang: dict[str, list[GapRow]] = {}
        for g in rows:
            by_lang.setdefault(g.language, []).append(g)
        out: list[str] = []
        while len(out) < min(n, len(rows)):
            for lang_rows in by_lang.values():
                if lang_rows and len(out) < n:
                    out.append(lang_rows.pop(0).question)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "topic": self.label, "count": self.count, "status": OPEN if self.open else CLOSED,
            "kinds": dict(self.kinds), "languages": self.languages, "examples": self.examples(),
            "closed_by": self.closed_by, "gap_ids": [g.id for g in self.gaps],
            "first_seen": min(g.created_at for g in self.gaps), "last_seen": max(g.created_at for g in self.gaps),
        }


def prepare_vectors(vectors: np.ndarray, langs: Sequence[str], means: dict[str, np.ndarray]) -> np.ndarray:
    """Unit vectors with the per-language mean subtracted (languages without a mean are left as they are)."""
    x = np.asarray(vectors, dtype=np.float64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    out = x.copy()
    for i, lang in enumerate(langs):
        mean = means.get(lang)
        if mean is not None and len(mean) == x.shape[1]:
            out[i] = x[i] - mean
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.asarray(out / np.maximum(norms, 1e-12))


def cluster_labels(x: np.ndarray, distance: float = GROUP_DISTANCE) -> np.ndarray:
    """Average-linkage agglomerative clustering of unit rows, cut at a cosine `distance`."""
    n = len(x)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, metric="cosine",
                                    linkage="average")
    return np.asarray(model.fit_predict(x), dtype=np.int64)


def embed_questions(embedder: Any, questions: Sequence[str]) -> np.ndarray:
    return np.asarray([embedder.embed_query(q) for q in questions], dtype=np.float64)


@dataclass
class Reference:
    """The knowledge documents' vectors (centred, unit) that neighbour profiles are measured against."""

    vectors: np.ndarray  # docs x dim
    doc_ids: list[str] = field(default_factory=list)


_reference_cache: dict[tuple[str, str], Reference] = {}


def reference(container: "Container", means: dict[str, np.ndarray]) -> Reference | None:
    """Stored vectors of the knowledge documents (articles, FAQ), read once per corpus version."""
    store = container.store()
    key = (store.collection_name, store.corpus_version())
    cached = _reference_cache.get(key)
    if cached is not None:
        return cached
    manifest = store.manifest()
    ids = sorted(d for d, meta in manifest.items() if meta.get("kind") in REFERENCE_KINDS)[:MAX_REFERENCE_DOCS]
    vectors = store.get_embeddings(ids)
    ids = [d for d in ids if d in vectors]
    if not ids:
        return None
    langs = [str(manifest[d].get("lang") or "") for d in ids]
    ref = Reference(prepare_vectors(np.stack([vectors[d] for d in ids]), langs, means), ids)
    _reference_cache.clear()
    _reference_cache[key] = ref
    return ref


def features(x: np.ndarray, ref: Reference | None, k: int = NEIGHBOURS, alpha: float = DIRECT_WEIGHT) -> np.ndarray:
    """Prepared question vectors, joined with their neighbour profiles against `ref` (when there is one)."""
    if ref is None or not len(ref.vectors) or len(x) == 0:
        return x
    sims = x @ ref.vectors.T
    k = min(k, sims.shape[1])
    cut = np.sort(sims, axis=1)[:, -k][:, None]
    profile = np.where(sims >= cut, np.maximum(sims, 0.0), 0.0)
    profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    return np.hstack([np.sqrt(alpha) * x, np.sqrt(1.0 - alpha) * profile])


def group_gaps(gaps: Sequence[GapRow], embedder: Any, means: dict[str, np.ndarray], lang: str = "en",
               distance: float = GROUP_DISTANCE, ref: Reference | None = None) -> list[GapGroup]:
    """Gaps grouped by topic, the biggest open groups first; each group is labelled by its most central
    question (in `lang` when the group has one)."""
    if not gaps:
        return []
    langs = [g.language or messages.detect_language(g.question) for g in gaps]
    distinct = list(dict.fromkeys(g.question for g in gaps))
    vec_of = dict(zip(distinct, embed_questions(embedder, distinct)))
    x = prepare_vectors(np.stack([vec_of[g.question] for g in gaps]), langs, means)
    f = features(x, ref)
    labels = cluster_labels(f, distance)
    groups: list[GapGroup] = []
    for label in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == label)
        members = [gaps[i] for i in idx]
        centroid = f[idx].mean(axis=0)
        order = sorted(idx.tolist(), key=lambda i: -float(f[i] @ centroid))
        label_idx = next((i for i in order if langs[i] == lang), order[0])
        groups.append(GapGroup(gaps=members, label=gaps[label_idx].question,
                               kinds=dict(Counter(g.kind for g in members))))
    groups.sort(key=lambda grp: (not grp.open, -grp.count, -max(g.created_at for g in grp.gaps)))
    return groups


def collect(container: "Container", *, since_days: int | None = None, lang: str = "en") -> list[GapGroup]:
    """The /gaps view: the open gaps (of the last `since_days` days, else all) and the gaps closed in the
    last `since_days` (default CLOSED_WINDOW_DAYS) days, grouped by topic."""
    repo = gaps_repo(container.state())
    now = time.time()
    created_since = now - since_days * 86400 if since_days else None
    closed_since = now - (since_days or CLOSED_WINDOW_DAYS) * 86400
    rows = repo.list(status=OPEN, since=created_since, limit=MAX_GAPS)
    rows += [g for g in repo.list(status=CLOSED, since=closed_since, limit=MAX_GAPS)
             if (g.closed_at or 0) >= closed_since]
    if not rows:
        return []
    means: dict[str, np.ndarray] = {}
    ref = None
    try:
        means = container.retriever().language_means()
        ref = reference(container, means)
    except Exception as exc:  # no store: group on the questions' own vectors
        log.info("gap grouping without the knowledge store (%s)", type(exc).__name__)
    return group_gaps(rows, container.embedder(), means, lang=lang, ref=ref)
