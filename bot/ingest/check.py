"""`cs-copilot ingest --check [--repair]`: verify that a data dir is consistent.

Checks: every document has all its chunks, of one version; no orphan chunks; the stored corpus version
matches the documents; the saved BM25 index holds exactly the store's chunks, at that version.
`--repair` deletes incomplete documents and orphan chunks (the next ingest adds those documents again),
resets the corpus version and rebuilds the BM25 index. Simply re-running the ingest also fixes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.ingest.pipeline import _corpus_version
from bot.retrieval.lexical import BM25Index
from bot.retrieval.store import VectorStore

if TYPE_CHECKING:
    from bot.retrieval.search import Retriever


@dataclass
class CheckReport:
    documents: int = 0
    chunks: int = 0
    incomplete: dict[str, str] = field(default_factory=dict)  # doc_id -> what is wrong
    orphans: list[str] = field(default_factory=list)
    lexical: str = ""  # what is wrong with the BM25 index, "" when it matches
    version: str = ""  # what is wrong with the corpus version
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not (self.incomplete or self.orphans or self.lexical or self.version)

    def problems(self) -> list[str]:
        out = [f"incomplete document {d}: {why}" for d, why in sorted(self.incomplete.items())]
        out += [f"orphan chunk {c}" for c in sorted(self.orphans)]
        out += [p for p in (self.version, self.lexical) if p]
        return out

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "documents": self.documents, "chunks": self.chunks, "problems": self.problems(),
                "repaired": self.repaired}

    def summary(self) -> str:
        head = f"checked {self.documents} documents, {self.chunks} chunks: "
        if self.ok:
            return head + "consistent"
        lines = [head + f"{len(self.problems())} problem(s)"] + [f"  {p}" for p in self.problems()]
        if self.repaired:
            lines.append("repaired: incomplete documents and orphans removed, BM25 index rebuilt; "
                         "run the ingest again to add those documents back")
        else:
            lines.append("fix: re-run the same `cs-copilot ingest PATH...`, or `cs-copilot ingest --check --repair`")
        return "\n".join(lines)


def check_store(store: VectorStore, retriever: "Retriever | None", repair: bool = False) -> CheckReport:
    """Verify (and with `repair`, fix) the store and its BM25 index; the report lists what was wrong."""
    report = _inspect(store, retriever)
    if repair and not report.ok:
        if report.incomplete:
            store.delete_docs(list(report.incomplete))
        if report.orphans:
            store.delete_chunks(report.orphans)
        states = store.document_states()
        store.set_corpus_version(_corpus_version((d, st.doc_hash) for d, st in states.items()))
        if retriever is not None:
            retriever.refresh_lexical()
        report.repaired = True
    return report


def _inspect(store: VectorStore, retriever: "Retriever | None") -> CheckReport:
    report = CheckReport()
    states = store.document_states()
    report.documents = len(states)
    report.chunks = sum(len(st.chunk_ids) for st in states.values())
    report.incomplete = {d: st.problem() or "incomplete" for d, st in states.items() if not st.complete}
    report.orphans = store.orphan_chunks()
    expected = _corpus_version((d, st.doc_hash) for d, st in states.items())
    stored = store.corpus_version()
    if states and stored != expected:
        report.version = f"corpus version {stored or '(none)'} does not match the documents ({expected})"
    if retriever is None:
        return report
    saved = BM25Index.load(retriever.index_dir)
    ids = store.chunk_ids()
    report.chunks = len(ids)
    if saved is None:
        if ids:
            report.lexical = f"no BM25 index at {retriever.index_dir} for {len(ids)} chunks"
        return report
    missing, extra = ids - set(saved.chunk_ids), set(saved.chunk_ids) - ids
    if missing or extra:
        report.lexical = f"BM25 index differs from the store: {len(missing)} chunks missing, {len(extra)} extra"
    elif saved.version != stored:
        report.lexical = f"BM25 index version {saved.version} differs from the store's {stored or '(none)'}"
    return report


def run_check(container: Any, args: Any) -> int:
    """The CLI's `ingest --check [--repair] [--json]`: 0 when consistent (or repaired), 1 when not, 2 on misuse."""
    import json
    import sys

    if not args.check:
        print("cs-copilot: ingest needs PATH... (or --check)", file=sys.stderr)
        return 2
    report = check_store(container.store(), container.retriever(), repair=args.repair)
    if args.json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False) + "\n")
    else:
        print(report.summary(), file=sys.stderr)
    return 0 if report.ok or report.repaired else 1

