"""FAQ and ticket records from CSV and JSONL files: one `Document` per record.

A whole file is rejected (`LoaderError`) when its columns don't fit the schema; a bad record (broken
JSON line, empty id or required value, duplicate id) is reported as `Skipped` and the rest still loads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.errors import LoaderError
from bot.ingest.documents import Block, Document, Skipped
from bot.messages import detect_language

FAQ_FIELDS = ("id", "question", "answer", "category", "url", "lang")
TICKET_FIELDS = (
    "id", "created_at", "customer_id", "channel", "category", "subject", "text", "resolution", "status", "tags",
    "lang",
)
FIELDS = frozenset(FAQ_FIELDS + TICKET_FIELDS)
REQUIRED = {"faq": ("id", "question", "answer"), "ticket": ("id", "text")}
# Values that must not be empty. An FAQ answer may be: question-only entries are common in FAQ-matching
# knowledge bases (the matched standard question is what the agent needs).
NON_EMPTY = {"faq": ("question",), "ticket": ("text",)}
METADATA_LIMIT = 2000
TITLE_CHARS = 60
_TAG_SEPARATORS = re.compile(r"[,;|，；、]")


@dataclass
class _Record:
    where: str  # "faq.csv row 3", "tickets.jsonl line 7"
    values: Mapping[str, Any]


def load_records(
    text: str, fmt: str, source: str, kind: str, column_map: Mapping[str, str]
) -> tuple[list[Document], list[Skipped]]:
    """Documents and per-record skips of one CSV ("csv") or JSONL ("jsonl") file.

    kind: "auto", "faq" or "ticket". A file whose columns don't fit is one `Skipped` for the whole file;
    raises LoaderError only for a file without any record or with malformed CSV.
    """
    columns, records, skipped = _read_csv(text, source) if fmt == "csv" else _read_jsonl(text, source)
    if not records:
        if skipped:  # every line was broken: the per-line reasons say it all
            return [], skipped
        raise LoaderError("no records")
    fields = _resolve_columns(columns, column_map)
    try:
        schema = _schema(kind, fields, columns, column_map)
    except LoaderError as exc:
        return [], [Skipped(source, str(exc)), *skipped]
    documents: list[Document] = []
    first_seen: dict[str, str] = {}
    build = _faq_document if schema == "faq" else _ticket_document
    for record in records:
        values = {ours: record.values.get(theirs) for ours, theirs in fields.items()}
        doc_id = _text(values.get("id"))
        if not doc_id:
            skipped.append(Skipped(record.where, "empty id"))
            continue
        empty = [f for f in NON_EMPTY[schema] if not _text(values.get(f))]
        if empty:
            skipped.append(Skipped(record.where, f"{doc_id}: empty {', '.join(empty)}"))
            continue
        if doc_id in first_seen:
            skipped.append(Skipped(record.where, f"duplicate id {doc_id!r} (first at {first_seen[doc_id]})"))
            continue
        first_seen[doc_id] = record.where.removeprefix(source).strip()
        documents.append(build(doc_id, values, source))
    return documents, skipped


def _read_csv(text: str, source: str) -> tuple[list[str], list[_Record], list[Skipped]]:
    header = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=lambda d: (header.count(d), d == ","))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[_Record] = []
    try:
        columns = [str(c).strip() for c in (reader.fieldnames or [])]
        reader.fieldnames = columns
        for number, row in enumerate(reader, start=2):  # spreadsheet numbering: the header is row 1
            values = {k: v for k, v in row.items() if k is not None}
            if any(_text(v) for v in values.values()):
                records.append(_Record(f"{source} row {number}", values))
    except csv.Error as exc:
        raise LoaderError(f"malformed CSV: {exc}") from exc
    return columns, records, []


def _read_jsonl(text: str, source: str) -> tuple[list[str], list[_Record], list[Skipped]]:
    columns: dict[str, None] = {}
    records: list[_Record] = []
    skipped: list[Skipped] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source} line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(where, f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if not isinstance(value, dict):
            skipped.append(Skipped(where, f"not a JSON object (got {type(value).__name__})"))
            continue
        columns.update(dict.fromkeys(str(k) for k in value))
        records.append(_Record(where, value))
    return list(columns), records, skipped


def _resolve_columns(columns: list[str], column_map: Mapping[str, str]) -> dict[str, str]:
    """Our field name -> the file's column name, for the fields present (after the column map)."""
    by_folded: dict[str, str] = {}
    for column in columns:
        by_folded.setdefault(column.strip().casefold(), column)
    fields: dict[str, str] = {}
    for ours in sorted(FIELDS):
        theirs = column_map.get(ours, ours)
        actual = theirs if theirs in columns else by_folded.get(theirs.strip().casefold())
        if actual is not None:
            fields[ours] = actual
    return fields


def _schema(kind: str, fields: Mapping[str, str], columns: list[str], column_map: Mapping[str, str]) -> str:
    def name(ours: str) -> str:
        theirs = column_map.get(ours, ours)
        return ours if theirs == ours else f"{ours} (column {theirs!r})"

    if kind == "auto":
        if "question" in fields and "answer" in fields:
            kind = "faq"
        elif "text" in fields and ("resolution" in fields or "subject" in fields):
            kind = "ticket"
        else:
            faq_missing = [name(f) for f in ("question", "answer") if f not in fields]
            ticket_missing = [] if "text" in fields else [name("text")]
            if "resolution" not in fields and "subject" not in fields:
                ticket_missing.append(f"{name('resolution')}/{name('subject')}")
            found = ", ".join(columns) or "none"
            raise LoaderError(
                f"neither FAQ nor ticket records: missing columns {', '.join(faq_missing)} (FAQ) or "
                f"{', '.join(ticket_missing)} (tickets); found columns: {found}"
            )
    missing = [name(f) for f in REQUIRED[kind] if f not in fields]
    if missing:
        raise LoaderError(f"missing columns: {', '.join(missing)}")
    return kind


def _text(value: Any) -> str:
    """A record value as clean text (JSON numbers and lists included)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_tags(value: Any) -> list[str]:
    """Tags from a JSON list, JSON text, or "a,b" / "a;b" / "a b" strings; de-duplicated, in order."""
    items: list[Any]
    if isinstance(value, list):
        items = value
    else:
        text = _text(value)
        items = []
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except json.JSONDecodeError:
                decoded = None
            if isinstance(decoded, list):
                items = decoded
        if not items:
            items = _TAG_SEPARATORS.split(text) if _TAG_SEPARATORS.search(text) else text.split()
    tags: dict[str, None] = {}
    for item in items:
        tag = _text(item).strip("[]\"' ")
        if tag:
            tags[tag] = None
    return list(tags)


def normalize_lang(value: str) -> str:
    """'zh-CN' -> 'zh', 'EN_us' -> 'en'; empty stays empty."""
    return re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0] if value.strip() else ""


def _faq_document(doc_id: str, values: Mapping[str, Any], source: str) -> Document:
    question, answer = _text(values.get("question")), _text(values.get("answer"))
    body = f"{question}\n{answer}" if answer else question
    metadata: dict[str, Any] = {"question": question[:METADATA_LIMIT], "answer": answer[:METADATA_LIMIT]}
    category = _text(values.get("category"))
    if category:
        metadata["category"] = category
    return Document(
        doc_id=doc_id, kind="faq", title=question, blocks=[Block(body)], source=source,
        lang=normalize_lang(_text(values.get("lang"))) or detect_language(body),
        url=_text(values.get("url")), metadata={k: v for k, v in metadata.items() if v},
    )


def _ticket_document(doc_id: str, values: Mapping[str, Any], source: str) -> Document:
    text, subject = _text(values.get("text")), _text(values.get("subject"))
    resolution = _text(values.get("resolution"))
    blocks = [Block(text, ("Customer",))]
    if resolution:
        blocks.append(Block(resolution, ("Resolution",)))
    created_at = _text(values.get("created_at"))
    metadata: dict[str, Any] = {
        key: _text(values.get(key)) for key in ("customer_id", "channel", "category", "status", "subject")
    }
    metadata["resolution"] = resolution[:METADATA_LIMIT]
    metadata["tags"] = ",".join(parse_tags(values.get("tags")))
    metadata["created_at"] = created_at
    return Document(
        doc_id=doc_id, kind="ticket", title=subject or " ".join(text.split())[:TITLE_CHARS].rstrip(),
        blocks=blocks, source=source,
        lang=normalize_lang(_text(values.get("lang"))) or detect_language(f"{subject}\n{text}\n{resolution}"),
        created_at=created_at, metadata={k: v for k, v in metadata.items() if v},
    )
