"""Files and folders -> Documents: articles (md, txt, html, pdf, docx) and records (csv, jsonl).

`load_paths` never raises for a bad file: every problem becomes a `Skipped` entry with a reason the CLI
prints. Only invalid arguments (an unknown `kind`, an unknown field in `column_map`) raise ValueError.
Parsing lives in `bot.ingest.formats` (articles) and `bot.ingest.records` (FAQ and ticket records).
"""

from __future__ import annotations

import errno
import os
import re
from collections import Counter
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Mapping, Sequence

from bot.errors import LoaderError
from bot.ingest import formats
from bot.ingest.documents import Document, LoadResult, Skipped
from bot.ingest.records import FIELDS, load_records, normalize_lang
from bot.messages import detect_language

ARTICLE_FORMATS = {
    ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".html": "html", ".htm": "html",
    ".pdf": "pdf", ".docx": "docx",
}
RECORD_FORMATS = {".csv": "csv", ".jsonl": "jsonl"}
KINDS = {"auto": "auto", "kb": "kb", "faq": "faq", "ticket": "ticket", "tickets": "ticket"}
IGNORE_FILE = ".cs-copilot-ignore"
MAX_FILE_BYTES = 100 * 1024 * 1024
UNREADABLE = "unreadable encoding (not UTF-8/GB18030 text)"
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "icon\r"})
_HINTS = {
    ".doc": "save it as .docx", ".rtf": "save it as .docx", ".odt": "save it as .docx",
    ".xls": "export it as .csv", ".xlsx": "export it as .csv", ".json": "use JSON Lines (.jsonl)",
    ".pptx": "export it as .pdf", ".ppt": "export it as .pdf",
}
# Characters that count as readable text when guessing an encoding, besides ASCII and Chinese.
_COMMON_RANGES = (
    (0x00A0, 0x00FF),  # Latin-1 symbols and letters (¥, ·, é)
    (0x2000, 0x206F),  # general punctuation (—, “ ”, …)
    (0x2100, 0x22FF),  # letterlike symbols, arrows, maths (→, ×, ≥)
    (0x2460, 0x27BF),  # circled numbers, box drawing, shapes, dingbats (①, ■, ★)
    (0x3000, 0x303F),  # CJK punctuation (。、《》【】)
    (0xFF00, 0xFFEF),  # full-width forms (，！？：)
)
_HANZI = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_HANZI_IN_LATIN = re.compile("(?<=[A-Za-z])[\u3400-\u9fff\uf900-\ufaff]|[\u3400-\u9fff\uf900-\ufaff](?=[A-Za-z])")


def load_paths(
    paths: Sequence[Path], kind: str = "auto", column_map: Mapping[str, str] | None = None
) -> LoadResult:
    """Load files and (recursively) folders into Documents; problems become `Skipped` entries.

    kind: "auto" (by extension, and for csv/jsonl by columns), "kb", "faq" or "tickets"/"ticket".
    column_map: our field name -> the file's column name, e.g. {"text": "body", "id": "ticket_id"}.
    doc_id and source are paths relative to the ingested folder (a file given directly: its name);
    records use their own id as doc_id.
    """
    schema = _normalize_kind(kind)
    mapping = _check_column_map(column_map or {})
    result = LoadResult()
    seen_files: set[Path] = set()
    loaded_from: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = _walk(path, result)
        elif path.exists() or path.is_symlink():
            files = [(path, path.name)]
        else:
            result.skipped.append(Skipped(str(path), "not found"))
            continue
        for file, rel in files:
            identity = _identity(file)
            if identity in seen_files:
                continue
            seen_files.add(identity)
            documents, skipped = _load_file(file, rel, schema, mapping)
            result.skipped.extend(skipped)
            for doc in documents:
                if doc.doc_id in loaded_from:
                    reason = f"duplicate id {doc.doc_id!r} (already loaded from {loaded_from[doc.doc_id]})"
                    result.skipped.append(Skipped(doc.source, reason))
                    continue
                loaded_from[doc.doc_id] = doc.source
                result.documents.append(doc)
    return result


def _normalize_kind(kind: str) -> str:
    schema = KINDS.get(kind.strip().lower())
    if schema is None:
        raise ValueError(f"unknown kind {kind!r}; use auto, kb, faq or tickets")
    return schema


def _check_column_map(column_map: Mapping[str, str]) -> dict[str, str]:
    unknown = sorted(k for k in column_map if k not in FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) in column map: {', '.join(unknown)}; known: {', '.join(sorted(FIELDS))}")
    empty = sorted(k for k, v in column_map.items() if not str(v).strip())
    if empty:
        raise ValueError(f"empty column name in column map for: {', '.join(empty)}")
    return {k: str(v).strip() for k, v in column_map.items()}


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11's Path.resolve)
        return path.absolute()


# --- Walking folders --------------------------------------------------------------------------


def _walk(root: Path, result: LoadResult) -> list[tuple[Path, str]]:
    """(file, posix path relative to root) of the files to load under root, sorted by that path."""
    patterns = read_ignore_patterns(root)
    found: list[tuple[Path, str]] = []

    def on_error(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        rel = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        result.skipped.append(Skipped(rel if rel != "." else str(root), f"cannot read folder: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else f"{rel_dir}/"
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not is_ignored(prefix + d, d, patterns)
        )
        for name in filenames:
            rel = prefix + name
            if not _is_junk(name) and not is_ignored(rel, name, patterns):
                found.append((base / name, rel))
    return sorted(found, key=lambda item: item[1])


def read_ignore_patterns(root: Path) -> list[str]:
    """Glob patterns from root/.cs-copilot-ignore: one per line, `#` starts a comment line."""
    try:
        raw = (root / IGNORE_FILE).read_bytes()
    except OSError:
        return []
    lines = raw.decode("utf-8-sig", errors="replace").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def is_ignored(rel: str, name: str, patterns: Sequence[str]) -> bool:
    """Whether `rel` (posix, relative to the ingested folder) or its bare `name` matches a pattern.

    A pattern naming a folder ("drafts" or "drafts/") also covers everything under it.
    """
    for pattern in patterns:
        pat = pattern.strip("/")
        if pat and (fnmatchcase(rel, pat) or fnmatchcase(name, pat) or fnmatchcase(rel, f"{pat}/*")):
            return True
    return False


def _is_junk(name: str) -> bool:
    """Non-content that is never worth a "skipped" line: hidden files, Office lock files, backups."""
    return name.startswith((".", "~$")) or name.endswith("~") or name.lower() in _JUNK_NAMES


# --- One file ---------------------------------------------------------------------------------


def _load_file(
    file: Path, rel: str, kind: str, column_map: Mapping[str, str]
) -> tuple[list[Document], list[Skipped]]:
    ext = file.suffix.lower()
    fmt = ARTICLE_FORMATS.get(ext) or RECORD_FORMATS.get(ext)
    try:
        if file.is_symlink() and _is_symlink_loop(file):
            raise LoaderError("symlink loop (the link points back to itself)")
        if fmt is None:
            raise LoaderError(_unsupported(ext))
        if ext in RECORD_FORMATS and kind == "kb":
            raise LoaderError("not an article format (kind kb takes .md, .txt, .html, .pdf and .docx)")
        if ext in ARTICLE_FORMATS and kind in ("faq", "ticket"):
            raise LoaderError(f"not a record format (kind {kind} takes .csv and .jsonl)")
        data = _read_bytes(file)
        if not data.strip():
            raise LoaderError("empty file")
        if fmt == "pdf":
            return [_article_document(formats.parse_pdf(data, file.stem), rel)], []
        if fmt == "docx":
            return [_article_document(formats.parse_docx(data, file.stem), rel)], []
        text = decode_text(data)
        if text is None:
            raise LoaderError(UNREADABLE)
        if not text.strip():
            raise LoaderError("empty file")
        if fmt in ("csv", "jsonl"):
            return load_records(text, fmt, rel, kind, column_map)
        parse = {"markdown": formats.parse_markdown, "text": formats.parse_text, "html": formats.parse_html}[fmt]
        return [_article_document(parse(text, file.stem), rel)], []
    except LoaderError as exc:
        return [], [Skipped(rel, str(exc))]


def _unsupported(ext: str) -> str:
    if not ext:
        return "unsupported file type (no extension)"
    hint = _HINTS.get(ext)
    return f"unsupported file type {ext}" + (f" ({hint})" if hint else "")


def _read_bytes(file: Path) -> bytes:
    try:
        if not file.is_file():
            if _is_symlink_loop(file):
                raise LoaderError("symlink loop (the link points back to itself)")
            raise LoaderError("not a regular file" if file.exists() else "not found")
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoaderError(f"file too large ({size // 2**20} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)")
        return file.read_bytes()
    except OSError as exc:
        raise LoaderError(f"cannot read: {exc.strerror or exc}") from exc


def _is_symlink_loop(file: Path) -> bool:
    try:
        os.stat(file)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _article_document(article: formats.Article, rel: str) -> Document:
    blocks = [b for b in article.blocks if b.text.strip()]
    if not blocks:
        raise LoaderError("no text content")
    doc = Document(
        doc_id=rel, kind="kb", title=article.title.strip(), blocks=blocks, source=rel, url=article.url,
        created_at=article.created_at, metadata={k: str(v) for k, v in article.metadata.items() if v},
    )
    doc.lang = normalize_lang(article.lang) or detect_language(f"{doc.title}\n{doc.text}")
    return doc


# --- Encodings --------------------------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """UTF-8 (BOM optional); UTF-16 with a BOM; else GB18030 if the result looks like real text.

    Returns None when the bytes are not readable text. Line endings are normalised to "\\n".
    """
    text: str | None
    try:
        text = data.decode("utf-8-sig")
        if "\x00" in text:  # binary, or UTF-16 without a BOM
            return None
    except UnicodeDecodeError:
        text = None
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                return None
        else:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                return None
        if text.strip() and not looks_like_text(text):
            return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_text(text: str) -> bool:
    """At least 90% of characters are ASCII printable, whitespace, common punctuation or common hanzi.

    A hanzi counts only if GB2312 or Big5 can encode it (rare characters are what mis-decoded bytes
    produce), and most hanzi must not be glued to Latin letters.
    """
    if not text:
        return False
    readable = sum(n for ch, n in Counter(text).items() if _readable_char(ch))
    if readable < 0.9 * len(text):
        return False
    # Latin-1/cp1252 bytes read as GB18030 give hanzi glued to Latin letters ("Ünïcode" -> "躰颿ode").
    hanzi = len(_HANZI.findall(text))
    return hanzi == 0 or len(_HANZI_IN_LATIN.findall(text)) < 0.5 * hanzi


def _readable_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isprintable() or ch in "\t\n\r\f"
    cp = ord(ch)
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
        for encoding in ("gb2312", "big5"):
            try:
                ch.encode(encoding)
                return True
            except UnicodeEncodeError:
                pass
        return False
    return any(lo <= cp <= hi for lo, hi in _COMMON_RANGES)
