"""Retrieval and answer evaluation.

Two entry points:
- `run_eval(container, kb, queries, modes)`: recall@1/5/10 and MRR of a `{qid, query, relevant_ids}` file against
  one KB file or a knowledge folder (ingested into its own collection, named after the content hash, so the
  production collection is never touched and re-runs embed nothing).
- `run_answer_eval(container, knowledge, questions, split)`: the bilingual evaluation set (knowledge/eval/): per
  split, retrieval figures overall / same-language / cross-language, answered-when-answerable,
  refused-when-unanswerable and facts present in the answer. Cross-language questions are evaluated against a
  one-language copy of the knowledge (`corpus_lang`), so their answer exists in the other language only.
  Every question is also asked against a *mixed* copy (`mixed_language_copy`): each article that exists in both
  languages is kept in one of them only (two thirds Chinese), so the knowledge holds both languages and a
  question's answer may be in the other one; there a question is cross-language when none of its relevant
  documents is in its language. This is the case where the per-language offset of the vectors hurts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from bot.errors import InputError
from bot.ingest.documents import LoadResult
from bot.ingest.loaders import _walk
from bot.ingest.pipeline import Ingestor
from bot.messages import detect_language
from bot.retrieval.search import Retriever
from bot.retrieval.store import VectorStore, connect_chroma
from bot.tuning import Tuning

MRR_DEPTH = 100
_FIELDS = ("recall@1", "recall@5", "recall@10", "mrr")


@dataclass
class Question:
    qid: str
    query: str
    relevant_ids: list[str]
    lang: str = ""
    cross_lang: bool = False
    corpus_lang: str = "all"
    answerable: bool = True
    facts: list[list[str]] = field(default_factory=list)
    variant: str = "plain"
    split: str = ""


def read_questions(path: Path) -> list[Question]:
    """Evaluation questions; the old `{qid, query, relevant_ids}` files are read too (answerable if ids given)."""
    rows: list[Question] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                relevant = [str(x) for x in row.get("relevant_ids") or []]
                query = str(row["query"])
                rows.append(Question(
                    qid=str(row.get("qid", n)), query=query, relevant_ids=relevant,
                    lang=str(row.get("lang") or detect_language(query)),
                    cross_lang=bool(row.get("cross_lang", False)), corpus_lang=str(row.get("corpus_lang") or "all"),
                    answerable=bool(row.get("answerable", bool(relevant))),
                    facts=[[str(a) for a in f] for f in row.get("facts") or []],
                    variant=str(row.get("variant") or "plain"), split=str(row.get("split") or ""),
                ))
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError("ingest_error", detail=f"{path} line {n}: {exc}") from exc
    return rows


def read_queries(path: Path) -> list[dict[str, Any]]:
    return [{"qid": q.qid, "query": q.query, "relevant_ids": q.relevant_ids} for q in read_questions(path)]


def score(ranked: Sequence[str], relevant: Sequence[str]) -> dict[str, float]:
    rel = set(relevant)
    first = next((i for i, d in enumerate(ranked) if d in rel), None)
    return {
        "recall@1": float(first is not None and first < 1),
        "recall@5": float(first is not None and first < 5),
        "recall@10": float(first is not None and first < 10),
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
    }


def eval_retriever(
    retriever: Retriever, queries: list[dict[str, Any]], mode: str, depth: int = MRR_DEPTH
) -> dict[str, Any]:
    totals = dict.fromkeys(_FIELDS, 0.0)
    latencies: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        result = retriever.search(q["query"], k=depth, mode=mode)
        latencies.append((time.perf_counter() - t0) * 1000)
        for key, value in score([h.doc_id for h in result.hits], q["relevant_ids"]).items():
            totals[key] += value
    n = max(1, len(queries))
    out: dict[str, Any] = {"mode": mode, "queries": len(queries)}
    out.update({k: round(v / n, 4) for k, v in totals.items()})
    out["p50_ms"] = round(statistics.median(latencies), 2) if latencies else 0.0
    return out


# --- knowledge views ---------------------------------------------------------------------------------
def content_digest(path: Path) -> str:
    """Hash of a file, or of every file of a folder (relative path + bytes), to name its eval collection."""
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    h = hashlib.sha256()
    for p, rel in _walk(path, LoadResult()):  # the files an ingest would read (.cs-copilot-ignore applies)
        h.update(rel.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def one_language_copy(src: Path, dest: Path, lang: str) -> Path:
    """A copy of a knowledge folder keeping only documents in `lang`: articles whose path or text is in another
    language are dropped, CSV/JSONL records (FAQ rows, tickets) are filtered row by row."""
    if dest.exists():
        shutil.rmtree(dest)
    for p in sorted(src.rglob("*")):
        rel = p.relative_to(src)
        if p.is_dir() or any(part.startswith(".") and part != ".cs-copilot-ignore" for part in rel.parts):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix == ".csv":
            target.write_text(_filter_csv(p.read_text(encoding="utf-8"), lang), encoding="utf-8")
        elif p.suffix == ".jsonl" and not p.name.startswith("questions"):
            lines = [ln for ln in p.read_text(encoding="utf-8").splitlines()
                     if ln.strip() and _record_lang(json.loads(ln)) == lang]
            target.write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
        elif _path_lang(rel) in ("", lang):
            shutil.copy2(p, target)
    return dest


def _knowledge_files(src: Path) -> list[Path]:
    return [p for p in sorted(src.rglob("*")) if p.is_file()
            and not any(part.startswith(".") and part != ".cs-copilot-ignore" for part in p.relative_to(src).parts)]


def mixed_renames(src: Path, zh_share: float = 2 / 3) -> dict[str, str]:
    """For `mixed_language_copy`: dropped article path -> the kept twin's path (relative, posix). Articles are
    twins when their paths differ only by a `zh`/`en` folder; one of each pair is kept, chosen by a stable hash
    of the pair's path (`zh_share` of the pairs keep Chinese)."""
    if not src.is_dir():
        return {}
    twins: dict[tuple[str, ...], dict[str, Path]] = {}
    for p in _knowledge_files(src):
        rel = p.relative_to(src)
        lang = _path_lang(rel)
        if lang:
            key = tuple("*" if part == lang else part for part in rel.parts)
            twins.setdefault(key, {})[lang] = rel
    renamed: dict[str, str] = {}
    for key, by_lang in twins.items():
        if len(by_lang) < 2:
            continue
        bucket = int(hashlib.sha256("/".join(key).encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
        keep = "zh" if bucket < zh_share else "en"
        for lang, rel in by_lang.items():
            if lang != keep:
                renamed[rel.as_posix()] = by_lang[keep].as_posix()
    return renamed


def mixed_language_copy(src: Path, dest: Path, zh_share: float = 2 / 3) -> Path:
    """A copy of a knowledge folder holding both languages but each article in one of them only (see
    `mixed_renames`); FAQ rows and tickets, one language each already, are copied as they are."""
    if dest.exists():
        shutil.rmtree(dest)
    dropped = set(mixed_renames(src, zh_share))
    for p in _knowledge_files(src):
        rel = p.relative_to(src)
        if rel.as_posix() in dropped:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, target)
    return dest


def _path_lang(rel: Path) -> str:
    return next((part for part in rel.parts[:-1] if part in ("zh", "en")), "")


def _record_lang(row: dict[str, Any]) -> str:
    lang = str(row.get("lang") or "")
    if lang in ("zh", "en"):
        return lang
    return detect_language(" ".join(str(v) for v in row.values() if isinstance(v, str)))


def _filter_csv(text: str, lang: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        if _record_lang(dict(zip(rows[0], row))) == lang:
            writer.writerow(row)
    return out.getvalue()


def _retriever_for(container: Any, path: Path, view: str) -> Retriever:
    """An ingested retriever over `path` (file or folder), or over its one-language copy when view is zh/en, or
    over its mixed copy (`mixed_language_copy`) when view is "mixed"."""
    settings = container.settings
    digest = content_digest(path)
    source = path
    if view in ("zh", "en"):
        source = one_language_copy(path, settings.data_dir / "eval-views" / f"{digest}-{view}", view)
    elif view == "mixed":
        source = mixed_language_copy(path, settings.data_dir / "eval-views" / f"{digest}-{view}")
    store = VectorStore(connect_chroma(settings), f"eval-{digest}" if view == "all" else f"eval-{digest}-{view}",
                        container.embedder())
    retriever = Retriever.from_tuning(store, settings.data_dir / "bm25", Tuning.from_settings(settings),
                                      mode=settings.retrieval_mode)
    Ingestor(store, retriever, max_tokens=settings.chunk_max_tokens).ingest([source], progress=False)
    return retriever


def run_eval(container: Any, kb: Path, queries_path: Path, modes: Sequence[str], limit: int = 0) -> list[dict[str, Any]]:
    retriever = _retriever_for(container, kb, "all")
    queries = read_queries(queries_path)
    if limit:
        queries = queries[:limit]
    return [eval_retriever(retriever, queries, mode) for mode in modes]


# --- answer evaluation -------------------------------------------------------------------------------
def fact_present(answer: str, alternatives: Iterable[str]) -> bool:
    """Is one spelling of a required fact in the answer? Numbers must not be part of a longer number."""
    flat = re.sub(r"\s+", "", answer).lower()
    for alt in alternatives:
        a = re.sub(r"\s+", "", alt).lower()
        if not a:
            continue
        pattern = re.escape(a)
        if a[0].isdigit():
            pattern = r"(?<![\d.])" + pattern
        if a[-1].isdigit():
            pattern += r"(?![\d]|\.\d)"
        if re.search(pattern, flat):
            return True
    return False


def _ratio(num: float, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _retrieval_block(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(rows)}
    for key in _FIELDS:
        out[key] = _ratio(sum(r[key] for r in rows), len(rows))
    return out


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures of one split from per-question results (see `evaluate_question`)."""
    ans = [r for r in results if r["answerable"]]
    unans = [r for r in results if not r["answerable"]]
    with_facts = [r for r in ans if r["facts_total"] and r["answered"]]
    variants: dict[str, Any] = {}
    for v in sorted({r["variant"] for r in ans}):
        variants[v] = _retrieval_block([r for r in ans if r["variant"] == v])
    return {
        "questions": len(results),
        "retrieval": {
            "overall": _retrieval_block(ans),
            "same_language": _retrieval_block([r for r in ans if not r["cross_lang"]]),
            "cross_language": _retrieval_block([r for r in ans if r["cross_lang"]]),
            "by_variant": variants,
        },
        "answered_when_answerable": _ratio(sum(r["answered"] for r in ans), len(ans)),
        "refused_when_unanswerable": _ratio(sum(not r["answered"] for r in unans), len(unans)),
        "facts_present": _ratio(sum(r["facts_found"] for r in with_facts), sum(r["facts_total"] for r in with_facts)),
        "facts_questions": len(with_facts),
        "answerable": len(ans),
        "unanswerable": len(unans),
    }


def evaluate_question(retriever: Retriever, answerer: Any, q: Question, mode: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = retriever.search(q.query, k=MRR_DEPTH, mode=mode)
    search_ms = (time.perf_counter() - t0) * 1000
    row: dict[str, Any] = {"qid": q.qid, "answerable": q.answerable, "cross_lang": q.cross_lang,
                           "variant": q.variant, "search_ms": search_ms}
    row.update(score([h.doc_id for h in result.hits], q.relevant_ids))
    reply = answerer.answer(q.query, language=q.lang)
    row["answered"] = bool(reply.grounded)
    row["facts_total"] = len(q.facts)
    row["facts_found"] = sum(fact_present(reply.text, f) for f in q.facts) if reply.grounded else 0
    row["top"] = [h.doc_id for h in result.hits[:3]]
    row["lang"] = q.lang
    row["split"] = q.split
    if hasattr(answerer, "assess"):  # the check's evidence, for calibrating it on dev (`eval --details`)
        verdict = answerer.assess(q.query, retriever.search(q.query, k=answerer.k), q.lang)
        row["gate"] = {"verdict": verdict.verdict, "reason": verdict.reason, "evidence": round(verdict.evidence, 4),
                       **{k: round(v, 4) for k, v in verdict.features.items()}}
    return row


def run_answer_eval(
    container: Any, knowledge: Path, questions_path: Path, splits: Sequence[str] = ("dev", "test"),
    mode: str = "", limit: int = 0, progress: bool = True, mixed: bool = True,
) -> dict[str, Any]:
    """Figures per split for the bilingual evaluation set; `details` holds the per-question rows. With `mixed`
    (and a knowledge folder) every question is asked again against the mixed copy (`mixed_language_copy`):
    figures under `mixed`, per-question rows under `mixed_details`."""
    from bot.answer.service import AnswerService

    settings = container.settings
    mode = mode or settings.retrieval_mode
    questions = read_questions(questions_path)
    if splits:
        questions = [q for q in questions if not q.split or q.split in splits]
    if limit:
        questions = questions[:limit]
    tuning = Tuning.from_settings(settings)
    views: dict[str, tuple[Retriever, Any]] = {}
    rows: list[tuple[Question, dict[str, Any]]] = []
    started = time.monotonic()
    for n, q in enumerate(questions, 1):
        view = q.corpus_lang if q.corpus_lang in ("zh", "en") else "all"
        if view not in views:
            retriever = _retriever_for(container, knowledge, view)
            views[view] = (retriever, AnswerService(retriever, chat_model=None, tuning=tuning))
        retriever, answerer = views[view]
        rows.append((q, evaluate_question(retriever, answerer, q, mode)))
        if progress and (n % 20 == 0 or n == len(questions)):
            print(f"eval: {n}/{len(questions)} questions ({time.monotonic() - started:.0f} s)", file=sys.stderr,
                  flush=True)
    out: dict[str, Any] = {"mode": mode, "splits": {}}
    for split in sorted({q.split or "all" for q, _ in rows}):
        out["splits"][split] = summarize([r for q, r in rows if (q.split or "all") == split])
    out["details"] = [r for _, r in rows]
    if mixed and knowledge.is_dir():
        mixed_rows = _mixed_eval(container, knowledge, questions, mode, tuning, progress)
        out["mixed"] = {split: summarize([r for q, r in mixed_rows if (q.split or "all") == split])
                        for split in sorted({q.split or "all" for q, _ in mixed_rows})}
        out["mixed_details"] = [r for _, r in mixed_rows]
    return out


def _mixed_eval(
    container: Any, knowledge: Path, questions: list[Question], mode: str, tuning: Tuning, progress: bool
) -> list[tuple[Question, dict[str, Any]]]:
    """Every question against the mixed copy; relevant ids follow the kept twin, and a question is cross-language
    when none of its relevant documents is in its language."""
    from bot.answer.service import AnswerService

    retriever = _retriever_for(container, knowledge, "mixed")
    answerer = AnswerService(retriever, chat_model=None, tuning=tuning)
    renamed = mixed_renames(knowledge)
    doc_lang: dict[str, str] = {}
    for _cid, _doc, meta in retriever.store.iter_chunks():
        doc_lang.setdefault(str(meta.get("doc_id", "")), str(meta.get("lang", "")))
    rows: list[tuple[Question, dict[str, Any]]] = []
    started = time.monotonic()
    for n, q in enumerate(questions, 1):
        relevant = list(dict.fromkeys(renamed.get(r, r) for r in q.relevant_ids))
        cross = q.answerable and bool(relevant) and all(doc_lang.get(r) != q.lang for r in relevant)
        mq = replace(q, relevant_ids=relevant, cross_lang=cross, corpus_lang="mixed")
        rows.append((mq, evaluate_question(retriever, answerer, mq, mode)))
        if progress and (n % 40 == 0 or n == len(questions)):
            print(f"eval (mixed knowledge): {n}/{len(questions)} questions ({time.monotonic() - started:.0f} s)",
                  file=sys.stderr, flush=True)
    return rows


def format_answer_eval(report: dict[str, Any]) -> str:
    """The per-split table printed by `cs-copilot eval --knowledge` and benchmarks/answer_quality.py."""
    lines = _format_splits(report["splits"], report["mode"], "knowledge as given; cross-language questions "
                           "against a one-language copy")
    if report.get("mixed"):
        lines.append("")
        lines += _format_splits(report["mixed"], report["mode"], "mixed knowledge: each article in one language "
                                "only, 2/3 zh; cross-language = no relevant document in the question's language")
    return "\n".join(lines)


def _format_splits(splits: dict[str, Any], mode: str, title: str) -> list[str]:
    lines: list[str] = [f"[{title}]"]
    for split, s in splits.items():
        lines.append(f"split {split} ({s['questions']} questions: {s['answerable']} answerable, "
                     f"{s['unanswerable']} unanswerable; mode {mode})")
        lines.append(f"  {'subset':<16} {'n':>4} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6}")
        blocks = [("overall", s["retrieval"]["overall"]), ("same-language", s["retrieval"]["same_language"]),
                  ("cross-language", s["retrieval"]["cross_language"])]
        blocks += [(f"variant {k}", v) for k, v in s["retrieval"]["by_variant"].items()]
        for name, b in blocks:
            vals = " ".join(f"{b[k]:>6.3f}" if b[k] is not None else f"{'-':>6}" for k in _FIELDS)
            lines.append(f"  {name:<16} {b['n']:>4} {vals}")
        lines.append(f"  answered when answerable   {_fmt(s['answered_when_answerable'])}")
        lines.append(f"  refused when unanswerable  {_fmt(s['refused_when_unanswerable'])}")
        lines.append(f"  facts present              {_fmt(s['facts_present'])} "
                     f"(over {s['facts_questions']} answered questions with required facts)")
    return lines


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"
