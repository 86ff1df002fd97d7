"""What a /rootcause report leaves behind: its reasons (centroids of their stored vectors), reply scripts
offered by /ask, and the before/after volume of a reason whose intervention shipped.

Matching is by meaning, on the stored e5 passage vectors: a question (embedded once, as a passage) or a new
complaint belongs to the saved reason whose representative complaints in its language are closest (mean of
the 3 best cosines), when that is at least MATCH_SIMILARITY[language] (chosen on the small dev set
benchmarks/data/rootcause/script_match_dev.jsonl with benchmarks/rootcause_scripts.py). Centred cosines
(per-language means removed) separated worse on that set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:
    from bot.analytics.rootcause import RootCauseResult
    from bot.models import Reply
    from bot.storage.scripts import ReasonRow, ScriptsRepository

log = logging.getLogger(__name__)

# raw e5 passage cosines sit higher in Chinese than in English, hence one threshold per language (dev set:
# no false offer, every question whose reason the report found is matched to it; see the benchmark)
MATCH_SIMILARITY = {"en": 0.865, "zh": 0.925}
WEEK = timedelta(days=7)
REPRESENTATIVES = 30  # per language and reason, kept for matching
TOP_REPS = 3
WEEKS_SHOWN = 4  # weeks before and after the shipped date


def repository(state: Any) -> "ScriptsRepository":
    from bot.storage.scripts import ScriptsRepository

    return state.repository(ScriptsRepository)  # type: ignore[no-any-return]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def centroids_of(ticket_ids: Sequence[str], vectors: Mapping[str, np.ndarray], langs: Mapping[str, str],
                 limit: int = 200, background: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """Per-language unit mean of the stored vectors of a reason's tickets (the closest `limit` first);
    "rep:<lang>": up to REPRESENTATIVES of those vectors (closest to the centre first); "bg:<lang>": the mean
    of the unit vectors of the `background` tickets of that language (the whole report), subtracted before
    comparing, as the clustering does (e5 vectors carry a language offset)."""
    out: dict[str, np.ndarray] = {}
    for key, ids in (("", list(ticket_ids)[:limit]), ("bg:", list(background))):
        by_lang: dict[str, list[np.ndarray]] = {}
        for tid in ids:
            if tid in vectors:
                by_lang.setdefault(langs.get(tid, "") or "en", []).append(_unit(np.asarray(vectors[tid], np.float32)))
        for lg, vs in by_lang.items():
            mean = np.mean(np.stack(vs), axis=0)
            out[key + lg] = mean if key else _unit(mean)
            if not key:
                for i, rep in enumerate(vs[:REPRESENTATIVES]):
                    out[f"rep:{lg}:{i}"] = rep
    return out


def save_report(state: Any, result: "RootCauseResult", vectors: Mapping[str, np.ndarray],
                langs: Mapping[str, str]) -> dict[str, int]:
    """Save each reason of the report (label, centroids) and its scripts. Returns label -> reason id."""
    repo = repository(state)
    ids: dict[str, int] = {}
    everyone = [t for r in result.reasons for t in r.ticket_ids] + list(result.other_ids)
    for r in result.reasons:
        cents = centroids_of(r.ticket_ids, vectors, langs, background=everyone)
        rid = repo.save_reason(r.label, r.label_language or result.language, r.dimension, r.ticket_ids, cents)
        repo.add_scripts(rid, result.language, r.scripts, r.generated_by)
        ids[r.label] = rid
    return ids


def _similarities(x: np.ndarray, langs: Sequence[str], reasons: Sequence["ReasonRow"]) -> np.ndarray:
    """n x reasons: the mean of the TOP_REPS highest cosines of each vector to a reason's representative
    complaints in the vector's language (-1 when it has none in that language). A reason found by the
    clustering may hold two close scenarios; its nearest complaints speak for the one asked about."""
    out = np.full((len(x), len(reasons)), -1.0, dtype=np.float32)
    xu = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    for j, reason in enumerate(reasons):
        by_lang: dict[str, list[np.ndarray]] = {}
        for key, vec in reason.centroids.items():
            if key.startswith("rep:"):
                by_lang.setdefault(key.split(":")[1], []).append(vec)
        mats = {lg: np.stack(vs) for lg, vs in by_lang.items()}
        for i, lg in enumerate(langs):
            if lg in mats:
                out[i, j] = float(np.sort(mats[lg] @ xu[i])[::-1][:TOP_REPS].mean())
    return out


def nearest_reason(x: np.ndarray, langs: Sequence[str], reasons: Sequence["ReasonRow"],
                   threshold: Mapping[str, float] | None = None) -> list[tuple[int, float]]:
    """For each vector, (index of its saved reason or -1, similarity); thresholds per language."""
    limits = MATCH_SIMILARITY if threshold is None else threshold
    if not reasons or not len(x):
        return [(-1, 0.0)] * len(x)
    sims = _similarities(x, langs, reasons)
    best = sims.argmax(axis=1)
    return [(int(b) if sims[i, b] >= limits.get(langs[i], max(limits.values())) else -1, float(sims[i, b]))
            for i, b in enumerate(best)]


def suggest(services: Any, question: str, language: str) -> dict[str, Any] | None:
    """The saved script of the reason a question belongs to (asker's language first), or None."""
    repo = repository(services.state())
    scripts = repo.list_scripts()
    if not scripts:
        return None
    reasons = [r for r in repo.reasons() if any(s.reason_id == r.id for s in scripts)]
    from bot.analytics.terms import is_chinese

    vector = np.asarray(services.embedder().embed_documents([question])[0], dtype=np.float32)
    [(j, sim)] = nearest_reason(vector[None, :], ["zh" if is_chinese(question) else "en"], reasons)
    if j < 0:
        return None
    mine = [s for s in scripts if s.reason_id == reasons[j].id]
    mine.sort(key=lambda s: (s.language != language, s.generated_by != "edited", s.id))
    best = mine[0]
    return {"script_id": best.id, "script": best.script, "reason": reasons[j].label, "language": best.language,
            "similarity": round(sim, 4)}


def offer_script(services: Any, reply: "Reply", question: str, language: str) -> None:
    """The /ask hook: add a "Suggested reply" section (and `data["suggested_script"]`) when the question
    matches a saved reason. Never fails the answer: a storage or embedding error only logs."""
    from bot import messages
    from bot.models import Section

    if reply.kind == "error" or not question.strip():
        return
    try:
        found = suggest(services, question, language)
    except Exception as exc:  # the answer stands without a script
        log.warning("suggested script skipped: %s", type(exc).__name__)
        return
    if found is None:
        return
    reply.sections.append(Section(title=messages.text("rootcause_suggested_reply", language),
                                  body=f"{found['script']}\n_({found['reason']}, #{found['script_id']})_"))
    reply.data["suggested_script"] = found


@dataclass
class Trend:
    """Weekly counts of a reason's complaints before and after its intervention shipped."""

    label: str
    shipped_on: datetime
    weeks: list[tuple[str, int, bool]]  # (week start YYYY-MM-DD, count, after shipping)

    @property
    def before(self) -> float:
        counts = [c for _, c, after in self.weeks if not after]
        return sum(counts) / len(counts) if counts else 0.0

    @property
    def after(self) -> float:
        counts = [c for _, c, after in self.weeks if after]
        return sum(counts) / len(counts) if counts else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "shipped_on": self.shipped_on.date().isoformat(),
                "weeks": [{"week": w, "count": c, "after": a} for w, c, a in self.weeks],
                "weekly_before": round(self.before, 2), "weekly_after": round(self.after, 2)}


def trends(reasons: Sequence["ReasonRow"], created: Sequence[datetime | None], x: np.ndarray, langs: Sequence[str],
           until: datetime) -> list[Trend]:
    """For each shipped reason: weekly volume of the complaints matched to it by meaning, WEEKS_SHOWN weeks
    on each side of the shipped date (weeks after it up to `until`)."""
    shipped = [r for r in reasons if r.shipped_on is not None]
    if not shipped:
        return []
    match = nearest_reason(x, langs, list(reasons))
    out = []
    for reason in shipped:
        j = list(reasons).index(reason)
        day = datetime.fromtimestamp(float(reason.shipped_on or 0), tz=timezone.utc).replace(tzinfo=None)
        starts = [day - WEEK * k for k in range(WEEKS_SHOWN, 0, -1)]
        starts += [day + WEEK * k for k in range(WEEKS_SHOWN) if day + WEEK * k < until]
        counts = dict.fromkeys(starts, 0)
        for when, (m, _) in zip(created, match):
            if m != j or when is None:
                continue
            for s in starts:
                if s <= when < s + WEEK:
                    counts[s] += 1
        out.append(Trend(reason.label, day, [(s.date().isoformat(), counts[s], s >= day) for s in starts]))
    return out
