"""Sentence-aware chunking for Chinese and English text.

Each `Block` of a `Document` is chunked on its own, so a chunk never crosses a heading boundary and
keeps its block's heading path. Whole sentences are packed up to `max_tokens` (a cheap estimate, see
`estimate_tokens`), the last `overlap_sentences` sentences of a chunk are repeated at the start of the
next chunk of the same block, and a sentence longer than the budget is split hard (never dropped).
Chunk texts are slices of the original block text, so line breaks and list markers survive.
"""

from __future__ import annotations

import re

from bot.ingest.documents import Block, Chunk, Document

# Token costs are counted in tenths so that costs add up exactly across sentences.
_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_LATIN_CLASS = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_CJK = re.compile(f"[{_CJK_CLASS}]")
_WORD = re.compile(f"[{_LATIN_CLASS}]+")
_WORD_OR_DIGITS = re.compile(f"([{_LATIN_CLASS}]+)|\\d+")
_UNIT = re.compile(f"[{_CJK_CLASS}]|[{_LATIN_CLASS}]+|\\d+")

_CLOSERS = "”’\"'）)\\]】」』》〉"


def _behind(words: list[str], negative: bool) -> list[str]:
    """Look-behinds for whole `words` + "." (one per word length, as Python requires fixed widths)."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    op = "<!" if negative else "<="
    return [f"(?{op}\\b(?i:{'|'.join(group)})\\.)" for _, group in sorted(by_length.items())]


# Never a sentence end ("e.g. Alipay" and "U.S." are covered by the dotted-letter rule below).
_ABBREVIATIONS = "mr mrs ms dr prof sr jr st vs cf approx dept est fig al viz resp".split()
# Not a sentence end when a number follows ("No. 5", "pp. 12", "Tel. 400-820-6688").
_NUMBER_ABBREVIATIONS = "no nos nr pp vol art sec ch tel ext ref".split()
_PERIOD = (
    r"\.+"
    + r"(?<!^\d\.)(?<!^\d\d\.)(?<!^\d\d\d\.)"  # "1. Open the app" is a list marker
    + r"(?<![\s(\[{\"'“‘][A-Za-z]\.)(?<!^[A-Za-z]\.)"  # initials: "J. Smith", "a. first item"
    + r"(?<!\.[A-Za-z]\.)"  # dotted abbreviations: "e.g.", "i.e.", "U.S.", "a.m."
    + "".join(_behind(_ABBREVIATIONS, negative=True))  # "Mr. Wang"
    + f"(?!(?:{'|'.join(_behind(_NUMBER_ABBREVIATIONS, negative=False))})[ \\t]+[\\d#])"
    + f"[{_CLOSERS}]*"
    + r"(?=\s|$)(?![ \t\u00a0]+[a-z])"  # "approx. five", "etc. and": a lower-case word continues
)
# Line breaks (paragraphs, list items) are boundaries too; they are handled by splitlines().
_TERMINATOR = re.compile(
    "(?m)(?=[。！？；｡…⋯.!?])(?:"  # cheap first-character test, 5x faster scanning
    f"[。！？；｡]+[{_CLOSERS}]*"  # Chinese terminators, always a boundary
    f"|(?:…+|⋯+)[{_CLOSERS}]*(?=[\\s{_CJK_CLASS}]|$)"  # ellipsis
    f"|(?<=[{_CJK_CLASS}])[!?]+[{_CLOSERS}]*"  # half-width ! ? in Chinese text
    f"|[!?][.!?]*[{_CLOSERS}]*(?=\\s|$)"  # English ! and ?, followed by whitespace or the end
    f"|{_PERIOD}"
    ")"
)
_TINY_BLOCK_TOKENS = 20
_MAX_CHARS_PER_TOKEN = 8


def estimate_tokens(text: str) -> int:
    """About one token per CJK character, 1.3 per Latin word and one per group of digits."""
    return (_cost10(text) + 9) // 10


def _cost10(text: str) -> int:
    units = _WORD_OR_DIGITS.findall(text)  # a word, or "" for a group of digits
    digits = units.count("")
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    return 10 * cjk + 13 * (len(units) - digits) + 10 * digits


def split_sentences(text: str) -> list[str]:
    """The sentences (and list items, and lines) of `text`, stripped, in order."""
    return [text[start:end] for start, end in _sentence_spans(text)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    finditer = _TERMINATOR.finditer
    pos = 0
    for line in text.splitlines(keepends=True):
        line_end = pos + len(line)
        start = pos
        for match in finditer(text, pos, line_end):
            _add_span(text, start, match.end(), spans)
            start = match.end()
        if start == pos:  # no sentence end inside the line: the whole line is one sentence
            body = line.lstrip()
            if body.strip():
                first = line_end - len(body)
                spans.append((first, first + len(body.rstrip())))
        else:
            _add_span(text, start, line_end, spans)
        pos = line_end
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    segment = text[start:end]
    body = segment.lstrip()
    if body:
        start += len(segment) - len(body)
        spans.append((start, start + len(body.rstrip())))


def _hard_split(text: str, start: int, end: int, max10: int, max_chars: int) -> list[tuple[int, int, int]]:
    """Cut the over-long sentence text[start:end] into pieces of at most max10 (and max_chars)."""
    cuts: list[tuple[int, int]] = []
    piece_start, cost = start, 0
    for unit in _UNIT.finditer(text, start, end):
        word = unit.group()
        unit_cost = 13 if _WORD.match(word) else 10
        if cost + unit_cost > max10 and unit.start() > piece_start:
            cuts.append((piece_start, unit.start()))
            piece_start, cost = unit.start(), 0
        cost += unit_cost
    cuts.append((piece_start, end))
    pieces: list[tuple[int, int, int]] = []
    for cut_start, cut_end in cuts:
        for s in range(cut_start, cut_end, max_chars):  # also bound the length of token-poor text
            spans: list[tuple[int, int]] = []
            _add_span(text, s, min(s + max_chars, cut_end), spans)
            pieces.extend((a, b, _cost10(text[a:b])) for a, b in spans)
    return pieces


def _sentences_with_costs(text: str, max10: int, max_chars: int) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for start, end in _sentence_spans(text):
        cost = _cost10(text[start:end])
        if cost > max10 or end - start > max_chars:
            out.extend(_hard_split(text, start, end, max10, max_chars))
        else:
            out.append((start, end, cost))
    return out


def _chunk_block(block: Block, max10: int, max_chars: int, overlap: int) -> list[tuple[str, int]]:
    """(text, cost10) of each chunk of one block."""
    text = block.text
    sentences = _sentences_with_costs(text, max10, max_chars)
    chunks: list[tuple[str, int]] = []
    current: list[tuple[int, int, int]] = []
    cost = 0
    for sentence in sentences:
        s_cost = sentence[2]
        if current and cost + s_cost > max10:
            chunks.append((text[current[0][0] : current[-1][1]], cost))
            keep = current[len(current) - overlap :] if overlap > 0 else []
            while keep and (sum(s[2] for s in keep) + s_cost > max10 or len(keep) >= len(current)):
                keep = keep[1:]
            current = list(keep)
            cost = sum(s[2] for s in current)
        current.append(sentence)
        cost += s_cost
    if current:
        chunks.append((text[current[0][0] : current[-1][1]], cost))
    return chunks


def chunk_document(doc: Document, max_tokens: int = 256, overlap_sentences: int = 1) -> list[Chunk]:
    """Split `doc` into chunks of whole sentences, block by block (never across headings)."""
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    max10 = max_tokens * 10
    max_chars = max_tokens * _MAX_CHARS_PER_TOKEN
    overlap = max(0, overlap_sentences)
    out: list[tuple[str, tuple[str, ...], int]] = []  # text, heading path, cost10
    for block in doc.blocks:
        if not block.text.strip():
            continue
        pieces = _chunk_block(block, max10, max_chars, overlap)
        if len(pieces) == 1 and out:
            text, cost = pieces[0]
            prev_text, prev_path, prev_cost = out[-1]
            if (
                cost < _TINY_BLOCK_TOKENS * 10
                and prev_path == block.heading_path
                and prev_cost + cost <= max10
            ):
                out[-1] = (f"{prev_text}\n{text}", prev_path, prev_cost + cost)
                continue
        out.extend((text, block.heading_path, cost) for text, cost in pieces)
    return [
        Chunk(doc_id=doc.doc_id, index=i, text=text, heading_path=path) for i, (text, path, _) in enumerate(out)
    ]


def embedding_text(doc: Document, chunk: Chunk) -> str:
    """What gets embedded and indexed: "title > heading > sub-heading" then the chunk text."""
    path = list(chunk.heading_path)
    if path and doc.title and path[0] == doc.title:
        path = path[1:]
    header = " > ".join(p for p in [doc.title, *path] if p)
    return f"{header}\n{chunk.text}" if header else chunk.text
