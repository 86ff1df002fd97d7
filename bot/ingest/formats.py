"""Article parsers: Markdown, plain text, HTML, PDF and DOCX into a title and heading-path blocks.

Every parser returns an `Article` or raises `LoaderError` with a human-readable reason; the caller
(`bot.ingest.loaders`) turns that into a `Skipped` entry. Heavy libraries are imported lazily.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from bot.errors import LoaderError
from bot.ingest.documents import Block

_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·▪●]|\d{1,3}、|[（(]\d{1,3}[）)])|^\s*(?:\d{1,3}[.)]|[a-z][.)])\s")
_SENTENCE_END = re.compile(r"[.!?。！？；;:：…”\"')）]$")
_TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
MAX_HEADING_LEVEL = 4


@dataclass
class Article:
    title: str
    blocks: list[Block]
    lang: str = ""
    url: str = ""
    created_at: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


class _Sections:
    """Collects text lines under the current heading path and cuts a Block at every heading."""

    def __init__(self) -> None:
        self.path: list[tuple[int, str]] = []
        self.lines: list[str] = []
        self.blocks: list[Block] = []
        self.first_heading = ""
        self.first_h1 = ""

    def heading(self, level: int, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self.flush()
        self.first_heading = self.first_heading or text
        if level <= 1:
            self.first_h1 = self.first_h1 or text
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text))

    def add(self, line: str) -> None:
        if line.strip():
            self.lines.append(line.strip())

    def flush(self) -> None:
        if self.lines:
            self.blocks.append(Block("\n".join(self.lines), tuple(t for _, t in self.path)))
            self.lines = []

    def finish(self) -> list[Block]:
        self.flush()
        return self.blocks


def join_wrapped(lines: list[str]) -> str:
    """Join soft-wrapped lines: with a space, or with nothing between two Chinese characters."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_CJK_END.search(out) and _CJK_START.search(line)):
            out += " "
        out += line
    return out


def unwrap(text: str) -> list[str]:
    """Paragraphs and list items of plain text that may be hard-wrapped (txt files, PDF pages)."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    width = max((_display_width(ln) for ln in lines), default=0)
    units: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            units.append(join_wrapped(current))
            current = []
            continue
        if current and (_LIST_ITEM.match(line) or not _is_wrapped(current[-1], width)):
            units.append(join_wrapped(current))
            current = []
        current.append(line)
    units.append(join_wrapped(current))
    return [u for u in units if u]


def _display_width(line: str) -> int:
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in line.strip())


def _is_wrapped(line: str, width: int) -> bool:
    """A line that continues on the next one: long (near the wrap width) and not ending a sentence."""
    if width < 40:
        return False
    return _display_width(line) >= 0.6 * width and not _SENTENCE_END.search(line.strip())


# --- Markdown ---------------------------------------------------------------------------------

_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_MD_INLINE = [
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"<(https?://[^>\s]+|[^>\s@]+@[^>\s]+)>"), r"\1"),
    (re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter between `---` lines at the very top, and the rest."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta: dict[str, str] = {}
            for line in lines[1:end]:
                match = _FRONT_KEY.match(line.strip())
                if match:
                    meta[match.group(1).lower()] = _unquote(match.group(2).strip())
            return meta, "\n".join(lines[end + 1 :])
    return {}, text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _md_inline(text: str) -> str:
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    return text


def parse_markdown(text: str, stem: str) -> Article:
    meta, body = split_front_matter(text)
    body = _MD_INLINE[0][0].sub("", body)  # multi-line HTML comments
    sections = _Sections()
    para: list[str] = []
    in_fence = False

    def flush_para() -> None:
        if para:
            sections.add(_md_inline(join_wrapped(para)))
            para.clear()

    for raw in body.split("\n"):
        if _MD_FENCE.match(raw):
            flush_para()
            in_fence = not in_fence
            continue
        if in_fence:
            sections.add(raw)
            continue
        line = re.sub(r"^\s*(?:>\s?)+", "", raw)  # block quotes
        heading = _MD_HEADING.match(line)
        if heading:
            flush_para()
            level = len(heading.group(1))
            if level <= MAX_HEADING_LEVEL:
                sections.heading(level, _md_inline(heading.group(2)))
            else:
                sections.add(_md_inline(heading.group(2)))
        elif len(para) == 1 and re.match(r"^\s*(=+|-+)\s*$", line):  # setext heading
            text_line = para.pop()
            sections.heading(1 if line.strip()[0] == "=" else 2, _md_inline(text_line))
        elif not line.strip() or _MD_RULE.match(line) or _MD_TABLE_SEP.match(line):
            flush_para()
        elif line.lstrip().startswith("|"):
            flush_para()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            sections.add(_md_inline(" | ".join(c for c in cells if c)))
        elif _MD_LIST.match(line):
            flush_para()
            item = re.sub(r"^\s*[-*+]\s+", "- ", line).strip()
            para.append(item)
        else:
            para.append(line)
    flush_para()
    title = meta.pop("title", "") or sections.first_h1 or stem
    article = Article(title=title, blocks=sections.finish())
    _apply_meta(article, meta)
    return article


def _apply_meta(article: Article, meta: dict[str, str]) -> None:
    article.lang = meta.pop("lang", "") or meta.pop("language", "")
    article.url = meta.pop("url", "")
    article.created_at = meta.pop("updated", "") or meta.pop("date", "") or meta.pop("created_at", "")
    article.metadata = {k: v for k, v in meta.items() if v}


# --- Plain text -------------------------------------------------------------------------------


MAX_TITLE_CHARS = 120


def parse_text(text: str, stem: str) -> Article:
    """Title = the first non-empty line (which then isn't repeated in the text, unless it is long)."""
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    title = lines[first].strip()
    if len(title) > MAX_TITLE_CHARS:  # a paragraph, not a title: keep it in the text
        title, first = title[:MAX_TITLE_CHARS].rstrip() + "…", first - 1
    units = unwrap("\n".join(lines[first + 1 :])) or [title]
    return Article(title=title or stem, blocks=[Block("\n".join(units))])


# --- HTML -------------------------------------------------------------------------------------

_HTML_DROP = ["script", "style", "nav", "footer", "noscript", "form", "template", "svg", "iframe", "button"]
_HTML_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
_HTML_LEAVES = {"p", "pre", "h5", "h6", "dt", "dd", "figcaption", "caption", "address", "summary", "legend"}
_HTML_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}
_HTML_NOISE_CLASS = re.compile(r"breadcrumb|cookie-?(?:banner|consent|notice|bar)|skip-link", re.IGNORECASE)
_LINE_BREAK = "\ue000"  # a private-use character (not whitespace) marking <br>


def _html_text(node: Any) -> str:
    text = " ".join(node.get_text("").split())
    return text.replace(f" {_LINE_BREAK} ", "\n").replace(_LINE_BREAK, "\n").strip()


def parse_html(text: str, stem: str) -> Article:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    try:
        soup = BeautifulSoup(text, "html.parser")
    except RecursionError as exc:
        raise LoaderError("HTML is nested too deeply to read") from exc
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(["header"]):
        if tag.find_parent(["article", "main"]) is None:  # the site banner, not an article's header
            tag.decompose()
    for tag in soup.find_all(True, attrs={"role": ["navigation", "banner", "contentinfo", "search"]}):
        tag.decompose()
    for tag in soup.find_all(True, attrs={"hidden": True}) + soup.find_all(True, attrs={"aria-hidden": "true"}):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(True, attrs={"class": _HTML_NOISE_CLASS}) + soup.find_all(True, id=_HTML_NOISE_CLASS):
        if not tag.decomposed:
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(f" {_LINE_BREAK} ")

    title = _html_text(soup.title) if soup.title is not None else ""
    first_h1 = soup.find("h1")
    title = title or (_html_text(first_h1) if first_h1 is not None else "") or stem
    url = ""
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag):
        url = str(canonical.get("href") or "")
    if soup.head is not None:
        soup.head.decompose()

    sections = _Sections()
    loose: list[str] = []

    def flush_loose() -> None:
        if loose:
            sections.add(" ".join("".join(loose).split()).replace(_LINE_BREAK, "\n"))
            loose.clear()

    def walk(node: Any) -> None:
        for child in list(node.children):
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                loose.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _HTML_INLINE:
                loose.append(child.get_text(""))
            elif name in _HTML_HEADINGS:
                flush_loose()
                sections.heading(_HTML_HEADINGS[name], _html_text(child))
            elif name in _HTML_LEAVES:
                flush_loose()
                sections.add(_html_text(child))
            elif name == "li":
                flush_loose()
                nested = [n for n in child.find_all(["ul", "ol"]) if n.find_parent("li") is child]
                for sub in nested:
                    sub.extract()
                item = _html_text(child)
                if item:
                    sections.add(f"- {item}")
                for sub in nested:
                    walk(sub)
            elif name == "tr":
                flush_loose()
                cells = [_html_text(c) for c in child.find_all(["td", "th"])]
                sections.add(" | ".join(c for c in cells if c))
            else:  # div, section, article, main, ul, table, blockquote...
                flush_loose()
                walk(child)
                flush_loose()

    try:
        walk(_html_content_root(soup))
    except RecursionError as exc:
        raise LoaderError("HTML is nested too deeply to read") from exc
    flush_loose()
    return Article(title=title, blocks=sections.finish(), url=url)


def _html_content_root(soup: Any) -> Any:
    """<main> (or role=main, or the only <article>) when the page has one, else <body>."""
    main = soup.find("main") or soup.find(True, attrs={"role": "main"})
    if main is not None:
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body if soup.body is not None else soup


# --- PDF --------------------------------------------------------------------------------------


def parse_pdf(data: bytes, stem: str) -> Article:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoaderError("encrypted PDF (a password is needed)")
        pages = list(reader.pages)
    except LoaderError:
        raise
    except Exception as exc:  # pypdf raises many different types for broken files
        raise LoaderError(f"not a readable PDF ({_short(exc)})") from exc
    blocks: list[Block] = []
    for page in pages:
        try:
            page_text = page.extract_text() or ""
        except Exception:  # one broken page should not lose the others
            continue
        units = unwrap(page_text)
        if units:
            blocks.append(Block("\n".join(units)))
    if not blocks:
        raise LoaderError("PDF has no extractable text (scanned images need OCR first)")
    title = ""
    try:
        meta_title = reader.metadata.title if reader.metadata is not None else None
        title = str(meta_title or "").strip()
    except Exception:
        title = ""
    title = re.sub(r"^Microsoft Word - ", "", title)
    if not title or title.lower() in ("untitled", "unknown"):
        title = blocks[0].text.split("\n", 1)[0][:MAX_TITLE_CHARS]
    return Article(title=title or stem, blocks=blocks)


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --- DOCX -------------------------------------------------------------------------------------


def parse_docx(data: bytes, stem: str) -> Article:
    try:
        from docx import Document as open_docx

        doc = open_docx(io.BytesIO(data))
        sections = _Sections()
        _walk_docx(doc, sections)
        title = str(doc.core_properties.title or "").strip()
    except Exception as exc:  # python-docx raises zip, XML and key errors for broken files
        raise LoaderError(f"not a readable .docx file ({_short(exc)})") from exc
    title = title or sections.first_heading or stem
    return Article(title=title, blocks=sections.finish())


def _walk_docx(doc: Any, sections: _Sections) -> None:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for element in doc.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, doc)
            text = paragraph.text.strip()
            if not text:
                continue
            style = paragraph.style.name if paragraph.style is not None else ""
            style = (style or "").strip()
            heading = _HEADING_STYLE.match(style)
            if _TITLE_STYLE.match(style):
                sections.heading(0, text)
            elif heading and 1 <= int(heading.group(1)) <= MAX_HEADING_LEVEL:
                sections.heading(int(heading.group(1)), text)
            elif style.lower().startswith("list") or element.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None:
                sections.add(f"- {text}")
            else:
                sections.add(text)
        elif element.tag == qn("w:tbl"):
            for row in Table(element, doc).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                sections.add(" | ".join(cells))
