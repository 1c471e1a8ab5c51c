"""Reads a council's existing Protocol on Member/Officer Relations (a Word document, a text file or
a Markdown file) into a draft of sections and the two lists of expectations. Pure Python: no
models, no database. The clerk sees the summary before anything is saved.

The rules are heuristics drawn from the shapes real protocols take: numbered headings ("3.1 All
councillors can expect:"), Markdown, bold or capitalised headings, plain short lines standing alone
as headings, a contents list with page numbers at the top, bullets of every kind. Text is never
dropped: what cannot be put under a heading is kept in `unplaced`. Only a contents list (heading
names with page numbers) is left out, because the headings themselves follow.

Over 600 lines on purpose: reading a file into lines, recognising each line and the parser that
places them share one set of small private types (`_Line`, `_Draft`), and none of the parts is
used without the others; the three parts are under their own headings below.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from council.lib.text import normalise_newlines

FROM_OFFICERS = "from_officers"  # what councillors can expect from (or of) officers
FROM_COUNCILLORS = "from_councillors"  # what officers can expect from (or of) councillors

ACCEPTED_EXTENSIONS = (".txt", ".md", ".docx")

MSG_TYPE = (
    "Upload a .txt, .md or .docx file. A PDF or an older Word (.doc) file cannot be read: open it "
    "in Word and save it as .docx."
)
MSG_EMPTY = "The file is empty. Choose the file again."
MSG_NO_TEXT = "The file has no text in it."
MSG_NOT_TEXT = (
    "This file is not plain text, although its name ends in {ext}. Save the protocol as plain "
    "text, or upload the Word document (.docx) itself."
)
# A web page or an XML file saved with a text file's name (as council/lib/uploads.py refuses them).
MARKUP_STARTS = ("<!doctype", "<html", "<script", "<svg", "<?xml")
MSG_NOT_DOCX = (
    "This file is not a Word document that can be read, although its name ends in .docx. Open it "
    "in Word and save it again as a .docx file."
)


class ProtocolImportError(ValueError):
    """A file that cannot be imported. The message is written for the clerk."""


@dataclass
class ParsedExpectation:
    direction: str  # FROM_OFFICERS or FROM_COUNCILLORS
    text: str


@dataclass
class ParsedSection:
    number: str  # "3", "3.1", or "" when the source had no number
    heading: str
    body: str  # paragraphs joined by a blank line; list items as lines starting "- "
    expectations: list[ParsedExpectation]


@dataclass
class ParsedProtocol:
    title: str
    sections: list[ParsedSection]
    unplaced: str  # text before the first heading; never silently dropped

    def expectation_count(self, direction: str) -> int:
        return sum(e.direction == direction for s in self.sections for e in s.expectations)

    def summary(self) -> list[str]:
        """Plain-English lines for the clerk's preview."""
        count = len(self.sections)
        lines = [
            f"{count} section{'' if count == 1 else 's'} found" if count else "No headings found"
        ]
        for direction, who in (
            (FROM_OFFICERS, "councillors can expect from officers"),
            (FROM_COUNCILLORS, "officers can expect from councillors"),
        ):
            n = self.expectation_count(direction)
            if n:
                lines.append(f"{n} thing{'' if n == 1 else 's'} {who}")
            else:
                lines.append(f"No list of what {who} was found")
        if self.unplaced.strip():
            lines.append(
                "Some text could not be placed under a heading: it is kept in a section of its own."
            )
        return lines


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


def text_from_upload(filename: str, data: bytes) -> str:
    """The text of an uploaded .txt, .md or .docx file, ready for parse_protocol."""
    ext = PurePath(filename or "").suffix.lower()
    if ext not in ACCEPTED_EXTENSIONS:
        raise ProtocolImportError(MSG_TYPE)
    if not data:
        raise ProtocolImportError(MSG_EMPTY)
    text = _text_from_docx(data) if ext == ".docx" else _decode_text(data, ext)
    # UTF-16 can spell a NUL, which PostgreSQL cannot store; a renamed web page is not text.
    if "\x00" in text or (ext != ".docx" and text.lstrip().lower().startswith(MARKUP_STARTS)):
        raise ProtocolImportError(MSG_NOT_TEXT.format(ext=ext))
    if not text.strip():
        raise ProtocolImportError(MSG_NO_TEXT)
    return text


def _decode_text(data: bytes, ext: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode": the byte-order mark says so, and its NUL bytes are expected.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ProtocolImportError(MSG_NOT_TEXT.format(ext=ext)) from exc
    if b"\x00" in data:
        raise ProtocolImportError(MSG_NOT_TEXT.format(ext=ext))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Windows editors save in cp1252; the few bytes it leaves undefined become "?".
        return data.decode("cp1252", errors="replace")


def _text_from_docx(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ProtocolImportError(MSG_NOT_DOCX) from exc
    return "\n\n".join(blocks)


def _docx_blocks(container):
    """Each paragraph in order as one block of text, with Markdown marks for what Word's styles
    say: Heading styles as "## ", list paragraphs as "- ", wholly bold paragraphs as **…**."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _docx_table(item)
        else:
            block = _docx_paragraph(item)
            if block:
                yield block


def _docx_paragraph(paragraph) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = paragraph.style.name if paragraph.style is not None else ""
    one_line = " ".join(text.split())
    if style == "Title":
        return "# " + one_line
    if style.startswith("Heading"):
        level = int(style[-1]) if style[-1:].isdigit() else 1
        return "#" * min(level + 1, 6) + " " + one_line
    ppr = paragraph._p.pPr
    if "List" in style or (ppr is not None and ppr.numPr is not None):
        return "- " + text
    runs = [run for run in paragraph.runs if run.text.strip()]
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    if runs and all(run.bold or (run.bold is None and style_bold) for run in runs):
        return "**" + one_line + "**"
    return text


def _docx_table(table):
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell appears once per grid column it spans
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell)
        rows.append(cells)
    if not rows:
        return
    headers = [" ".join(cell.text.split()) for cell in rows[0]]
    if headers and all(_intro_direction(h) for h in headers):
        # A table of the two lists side by side: each column is one list, under its heading.
        for col, header in enumerate(headers):
            yield header
            for cells in rows[1:]:
                if col < len(cells):
                    for paragraph in cells[col].paragraphs:
                        text = paragraph.text.strip()
                        if text:
                            yield "- " + _strip_bullet(text)
        return
    for cells in rows:
        for cell in cells:
            yield from _docx_blocks(cell)


def _strip_bullet(text: str) -> str:
    match = _BULLET.match(text) or _SYMBOL_BULLET.match(text)
    return match.group("text") if match else text


# ---------------------------------------------------------------------------------------------
# Recognising lines
# ---------------------------------------------------------------------------------------------

BLANK, BULLET, NUMBERED, MD, BOLD, TEXT = "blank", "bullet", "numbered", "md", "bold", "text"

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_SYMBOLS = "•·▪■□●○◦‣⁃➢➤►▸✓✔\uf0a7\uf0b7\uf076\uf0d8\uf0fc"
_BULLET = re.compile(r"^(?:[-*+–—]|o)\s+(?P<text>\S.*)$")
_SYMBOL_BULLET = re.compile(rf"^[{_SYMBOLS}]\s*(?P<text>.*)$")
_LETTER_BULLET = re.compile(
    r"^(?:\((?:[a-zA-Z]|[ivx]{1,4}|\d{1,2})\)|(?:[a-z]|[ivx]{1,4})[.)])\s+(?P<text>\S.*)$"
)
_INLINE_BULLETS = re.compile(rf"\s*[{_SYMBOLS}]\s*")
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})[.)]?\s+(?P<text>\S.*)$")
_MD = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?$")
_BOLD = re.compile(r"^(?:\*\*(?P<a>[^*\s].*?)\*\*|__(?P<b>[^_\s].*?)__)\s*(?::-?)?$")
_RULE = re.compile(r"^([-=_*])(?:\s*\1){2,}$")
_MONTH_DATE = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}\b", re.I
)
_CONTENTS = re.compile(r"^(?:table\s+of\s+)?contents(?:\s+page)?$|^index$", re.I)
_TOC_ENTRY = re.compile(
    r"^(?P<text>.*?[A-Za-z].*?)(?:\s*(?:\.{2,}|…+|_{2,}|-{2,})\s*|\s+)(?:page\s+)?\d{1,3}$", re.I
)
_TITLE_WORDS = re.compile(
    r"\b(?:protocol|relations|relationships?|council|policy|code|charter)\b", re.I
)
_PROTOCOL_WORDS = re.compile(r"\b(?:protocol|relations|relationships?|policy|code|charter)\b", re.I)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the"}
_SMALL_WORDS |= {"to", "with", "vs", "&"}

# Who expects what. Members are councillors; staff, employees and the clerk are officers.
_COUNCILLORS = r"(?:councillors?|members?|cllrs?)"
_OFFICERS = (
    r"(?:officers?|staff|employees?|(?:the\s+)?(?:town\s+|parish\s+|community\s+)?clerk"
    r"|(?:the\s+)?proper\s+officer)"
)
_WHO = rf"(?:{_COUNCILLORS}|{_OFFICERS})"
_INTRO = re.compile(
    rf"^(?:(?:what|in\s+return,?|in\s+turn,?|and)\s+)?(?:all\s+|the\s+|every\s+|each\s+)?"
    rf"(?P<who>{_WHO})\s+(?:can|may|should|will|are\s+entitled\s+to|have\s+a\s+right\s+to)\s+"
    rf"(?:reasonably\s+)?expect(?:\s+(?:the\s+following|that))?(?:\s+(?:from|of))?"
    rf"(?:\s+(?:all\s+|the\s+|their\s+)?{_WHO})?(?:\s+(?:to|that|will|the\s+following))?"
    rf"\s*(?::-?|–|—)?$",
    re.I,
)


def _intro_direction(text: str) -> str | None:
    """FROM_OFFICERS for "Councillors can expect (from officers):", FROM_COUNCILLORS for "Officers
    can expect (members to):", None for anything else."""
    text = _strip_emphasis(text)
    if len(text) > 100:
        return None
    match = _INTRO.match(text)
    if match is None:
        return None
    return FROM_OFFICERS if re.match(_COUNCILLORS, match["who"], re.I) else FROM_COUNCILLORS


@dataclass
class _Line:
    text: str
    kind: str = TEXT
    content: str = ""  # without its bullet, number, #s or ** marks
    number: str = ""
    level: int = 0


def _classify(text: str) -> _Line:
    if not text or _RULE.match(text):
        return _Line(text, BLANK) if not text else _Line(text, "rule")
    if match := _MD.match(text):
        return _Line(text, MD, match["text"], level=len(match["hashes"]))
    if match := _BOLD.match(text):
        inner = (match["a"] or match["b"]).strip()
        if "**" not in inner and "__" not in inner:
            return _Line(text, BOLD, inner)
    for pattern in (_BULLET, _SYMBOL_BULLET, _LETTER_BULLET):
        if (match := pattern.match(text)) and not text.startswith("**"):
            return _Line(text, BULLET, match["text"])
    if match := _NUMBERED.match(text):
        return _Line(text, NUMBERED, match["text"], number=match["num"])
    return _Line(text, TEXT, text)


def _strip_emphasis(text: str) -> str:
    text = text.strip()
    for mark in ("**", "__", "*", "_"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            text = text[len(mark) : -len(mark)].strip()
    return text


def _clean_heading(text: str) -> str:
    text = _strip_emphasis(text)
    text = re.sub(r"\s*(?::-?|–|—|\.)$", "", text)
    return _strip_emphasis(text)


def _split_number(text: str) -> tuple[str, str]:
    """("3.1", "Councillors can expect:") from "3.1 Councillors can expect:"."""
    text = _strip_emphasis(text)
    match = _NUMBERED.match(text)
    if match and not _MONTH_DATE.match(match["text"]):
        return match["num"], match["text"]
    return "", text


def _first_letter_upper(text: str) -> bool:
    for char in text:
        if char.isalpha():
            return char.isupper()
    return False


def _is_title_case(words: list[str]) -> bool:
    return all(
        w[0].isupper() or w.lower() in _SMALL_WORDS or not w[0].isalpha() for w in words if w
    )


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4:
        return False
    return sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _ends_with_colon(text: str) -> bool:
    return bool(re.search(r":-?$", text))


def _paragraph_like(text: str) -> bool:
    """Prose rather than a list item: long, or more than one sentence."""
    return len(text) > 300 or bool(re.search(r"[.!?]\s+[A-Z]", text))


def _split_items(raw: str) -> list[str]:
    """One item, or several when the source ran them together with "•" between them."""
    return [part.strip() for part in _INLINE_BULLETS.split(raw) if part.strip()]


def _clean_item(text: str) -> str:
    """Without the trailing ";", "and" or "; and" of a list written as one sentence."""
    return re.sub(r"(?:\s*[;,])?(?:\s+and)?\s*[;,]?\s*$", "", text).strip()


def _join_lines(lines: list[str]) -> str:
    """The lines of one paragraph: a wrapped line joins the next with a space; a short line (an
    address, a signature) keeps its line break."""
    out = lines[0]
    for before, line in zip(lines, lines[1:], strict=False):
        out += ("\n" if len(before) < 40 or _ends_with_colon(before) else " ") + line
    return out


# ---------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    number: str = ""
    heading: str = ""
    blocks: list[tuple[str, list]] = field(default_factory=list)  # ("p", lines) / ("b", items)
    expectations: list[tuple[str, list[str]]] = field(default_factory=list)  # (direction, [text])


def parse_protocol(text: str) -> ParsedProtocol:
    """The sections, expectations and left-over text of a protocol's plain text."""
    return _Parser(text).run()


class _Parser:
    def __init__(self, text: str):
        text = normalise_newlines(text).translate(
            {ord("\f"): "\n", ord("\v"): "\n", 0x2028: "\n", 0x2029: "\n"}
        )
        text = text.replace("\ufeff", "").replace("\u200b", "")
        self.lines = [_classify(_SPACES.sub(" ", raw).strip()) for raw in text.split("\n")]
        self._setext_headings()
        self.title = self._take_title()
        self._drop_contents()
        n = len(self.lines)
        self.next_nb: list[int | None] = [None] * n
        following = None
        for i in reversed(range(n)):
            self.next_nb[i] = following
            if self.lines[i].kind != BLANK:
                following = i
        self.doc_numbered = self._count_numbered_headings() >= 2
        self.plain = self._plain_headings()
        # state of the walk
        self.preamble = _Draft()
        self.target = self.preamble
        self.sections: list[_Draft] = []
        self.open_para: list[str] | None = None
        self.bullets: list[list[str]] | None = None
        self.last_item: list[str] | None = None
        self.last = ""  # "heading", "para" or "item"
        self.colon_before = False
        self.list_dir: str | None = None
        self.list_started = self.plain_list = self.list_numbered = False
        self.item_num = 0
        self.body_num = 0
        self.top_number = 0

    # -- before the walk ----------------------------------------------------------------------

    def _setext_headings(self) -> None:
        """Markdown's underlined headings ("Title" over "====="); other rules are blank lines."""
        for i, line in enumerate(self.lines):
            if line.kind != "rule":
                continue
            prev = self.lines[i - 1] if i else None
            alone = i < 2 or self.lines[i - 2].kind == BLANK
            if (
                prev
                and prev.kind == TEXT
                and len(prev.text) <= 80
                and alone
                and line.text[0] in "=-"
            ):
                self.lines[i - 1] = _Line(prev.text, MD, prev.text, level=1)
            self.lines[i] = _Line("", BLANK)

    def _title_text(self, line: _Line) -> str | None:
        if line.kind not in (TEXT, MD, BOLD):
            return None
        text = _strip_emphasis(line.content)
        if (
            not text
            or len(text) > 120
            or len(text.split()) > 14
            or re.search(r"[.,;:]$", text)
            or _CONTENTS.match(text)
            or _TOC_ENTRY.match(text)
            or _intro_direction(text)
            or _NUMBERED.match(text)
        ):
            return None
        return text

    def _take_title(self) -> str:
        lines = self.lines
        indexes = [i for i, line in enumerate(lines) if line.kind != BLANK]
        if not indexes:
            return ""
        first = indexes[0]
        text = self._title_text(lines[first])
        if text is None:
            return ""
        sole_h1 = lines[first].kind == MD and lines[first].level == 1
        sole_h1 = sole_h1 and sum(line.kind == MD and line.level == 1 for line in lines) == 1
        if not (_TITLE_WORDS.search(text) or sole_h1):
            return ""
        end = first + 1
        while end < len(lines) and lines[end].kind != BLANK:
            end += 1
        block = [self._title_text(line) for line in lines[first:end]]
        later_md = any(line.kind == MD for line in lines[first + 1 : end])
        if len(block) <= 3 and not later_md and all(p and _first_letter_upper(p) for p in block):
            parts = block  # "ANYTOWN TOWN COUNCIL" over "MEMBER/OFFICER PROTOCOL"
        else:
            parts, end = [text], first + 1  # the lines after it are a paragraph
        for k in range(first, end):
            lines[k] = _Line("", BLANK)
        k = next((i for i in range(end, len(lines)) if lines[i].kind != BLANK), None)
        if k is not None and self._standalone(k) and not _PROTOCOL_WORDS.search(" ".join(parts)):
            # "Anytown Town Council", then on a line of its own "Member/Officer Protocol"
            more = self._title_text(lines[k])
            if more and _first_letter_upper(more) and _PROTOCOL_WORDS.search(more):
                parts.append(more)
                lines[k] = _Line("", BLANK)
        return " — ".join(parts)

    def _toc_entry(self, line: _Line) -> bool:
        text = _strip_bullet(_strip_emphasis(line.text))
        if len(text) > 150:
            return False
        match = _TOC_ENTRY.match(text)
        return bool(match) and len(match["text"]) <= 100

    def _drop_contents(self) -> None:
        """Leave out a contents list near the top: a "Contents" line and the heading names with
        page numbers after it, or three or more such lines at the very start."""
        lines = self.lines
        indexes = [i for i, line in enumerate(lines) if line.kind != BLANK]
        if not indexes:
            return

        def run_from(k: int) -> list[int]:
            found = []
            for i in indexes:
                if i < k:
                    continue
                if not self._toc_entry(lines[i]):
                    break
                found.append(i)
            return found

        for position, i in enumerate(indexes[:12]):
            text = _clean_heading(_strip_heading_marks(lines[i]))
            if _CONTENTS.match(text):
                entries = run_from(i + 1)
                if entries:
                    for k in [i, *entries]:
                        lines[k] = _Line("", BLANK)
                return
            if position == 0:
                entries = run_from(i)
                if len(entries) >= 3:
                    for k in entries:
                        lines[k] = _Line("", BLANK)
                    return

    def _introduces_list(self, i: int) -> bool:
        j = self.next_nb[i]
        if j is None:
            return False
        nxt = self.lines[j]
        return nxt.kind == BULLET or (nxt.kind == NUMBERED and nxt.number.split(".")[-1] == "1")

    def _standalone(self, i: int) -> bool:
        before = i == 0 or self.lines[i - 1].kind == BLANK
        after = i + 1 >= len(self.lines) or self.lines[i + 1].kind == BLANK
        return before and after

    def _numbered_heading_ok(self, i: int, text: str) -> bool:
        """Whether the text after a number reads as a heading rather than a numbered paragraph."""
        words = text.split()
        if len(text) > 80 or len(words) > 12 or not _first_letter_upper(text):
            return False
        if _MONTH_DATE.match(text) or re.search(r"[,;]$", text):
            return False
        if text.endswith(".") and (len(words) > 4 or text.count(".") > 1):
            return False
        if _ends_with_colon(text) and self._introduces_list(i) and not _intro_direction(text):
            # "Each councillor has three jobs to do:" is a sentence; "Some General Principles:" is
            # a heading.
            return len(words) <= 4 or (len(words) <= 8 and _is_title_case(words))
        return True

    def _count_numbered_headings(self) -> int:
        count = 0
        for i, line in enumerate(self.lines):
            before = i == 0 or self.lines[i - 1].kind == BLANK
            if line.kind == NUMBERED and before and self._numbered_heading_ok(i, line.content):
                count += 1
            elif line.kind in (MD, BOLD) and _split_number(line.content)[0]:
                count += 1
        return count

    def _plain_candidate(self, i: int) -> bool:
        line = self.lines[i]
        text = line.text
        if line.kind != TEXT or not self._standalone(i):
            return False
        if len(text) > 80 or len(text.split()) > 10 or not _first_letter_upper(text):
            return False
        if re.search(r"[.,;!]$", text):
            return False
        return not (_ends_with_colon(text) and self._introduces_list(i))

    def _plain_headings(self) -> list[bool]:
        """Short lines standing alone that are followed by text: headings when the document has
        no numbered ones. A short line followed only by other short lines (a date, a signature)
        is not."""
        plain = [False] * len(self.lines)
        if self.doc_numbered:
            return plain
        for i in reversed(range(len(self.lines))):
            if not self._plain_candidate(i) or (j := self.next_nb[i]) is None:
                continue
            nxt = self.lines[j]
            if nxt.kind != TEXT:
                plain[i] = True
            else:
                strong = _intro_direction(nxt.text) or _is_caps(nxt.text)
                plain[i] = bool(plain[j] or strong or not self._plain_candidate(j))
        return plain

    # -- the walk ----------------------------------------------------------------------------

    def run(self) -> ParsedProtocol:
        prev_blank = True
        for i, line in enumerate(self.lines):
            if line.kind == BLANK:
                self.open_para = None
                prev_blank = True
                continue
            blank_before, prev_blank = prev_blank, False
            if line.kind == NUMBERED and self._numbered_item(i, line, blank_before):
                self._add_item(line.content, number=line.number)
                continue
            if self.plain[i] and self.list_dir and (self.plain_list or self.last == "heading"):
                # a short line straight after "Councillors can expect:" is an item, not a heading
                self._add_item(line.text, plain=True)
                continue
            heading = self._heading(i, line)
            if heading is not None:
                self._start_section(*heading)
                continue
            if line.kind == BULLET:
                self._add_item(line.content)
                continue
            if line.kind == TEXT and not (self.last == "para" and not blank_before):
                if self.list_dir and self._plain_item(line.text):
                    self._add_item(line.text, plain=True)
                    continue
                if not blank_before and self._continues_item(line.text):
                    self.last_item[0] = (self.last_item[0] + " " + line.text).strip()
                    continue
            self._add_paragraph_line(line.text)
        return self._result()

    def _heading(self, i: int, line: _Line) -> tuple[str, str, str | None] | None:
        """(number, heading, direction of the list it introduces) or None."""
        if line.kind == MD:
            number, text = _split_number(line.content)
            heading = _clean_heading(text)
            if heading and len(heading) <= 150:
                return number, heading, _intro_direction(text)
            return None
        if line.kind == NUMBERED:
            text = line.content
            if _MONTH_DATE.match(text):
                return None
            direction = _intro_direction(text)
            if direction or self._numbered_heading_ok(i, text):
                return line.number, _clean_heading(text), direction
            return None
        if line.kind == BOLD:
            number, text = _split_number(line.content)
            direction = _intro_direction(text)
            words = text.split()
            if direction:
                return number, _clean_heading(text), direction
            if len(text) > 100 or (text.endswith(".") and len(words) > 4):
                return None
            if _ends_with_colon(line.text) and self._introduces_list(i) and not number:
                return None
            return number, _clean_heading(text), None
        if line.kind != TEXT:
            return None
        text = line.text
        if _first_letter_upper(text) and (direction := _intro_direction(text)):
            return "", _clean_heading(text), direction
        if (
            _is_caps(text)
            and len(text) <= 100
            and len(text.split()) <= 14
            and not re.search(r"[.,;]$", text)
            and not (_ends_with_colon(text) and self._introduces_list(i))
        ):
            return "", _clean_heading(text), None
        if self.plain[i]:
            return "", _clean_heading(text), None
        return None

    def _numbered_item(self, i: int, line: _Line, blank_before: bool) -> bool:
        """Whether a numbered line is an item of a list rather than a heading or a paragraph."""
        number = line.number
        if "." in number:
            # 3.1.2 under "3.1 Councillors can expect:" is an item of that list
            return bool(self.list_dir and self.target.number) and number.startswith(
                self.target.number + "."
            )
        n = int(number)
        if self.list_dir:
            if self.list_started and not self.list_numbered:
                return False
            expected = self.item_num + 1 if self.list_started else 1
        elif self.last == "para" and self.colon_before:
            expected = 1
        elif self.last == "item" and self.body_num:
            expected = self.body_num + 1
        else:
            nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
            # a run of numbered lines with no blank lines between: 1. … 2. …
            return bool(nxt and nxt.kind == NUMBERED and nxt.number == str(n + 1))
        if n != expected:
            return False
        # "4. General" after items 1-3 under "3. Expectations" is the next heading
        j = self.next_nb[i]
        return not (
            self.doc_numbered
            and n == self.top_number + 1
            and blank_before
            and (j is None or j > i + 1)
            and self._numbered_heading_ok(i, line.content)
        )

    def _continues_item(self, text: str) -> bool:
        """A wrapped item goes on in the next line; after a full stop, a capital starts prose."""
        if self.last != "item":
            return False
        ended = re.search(r"[.!?][\"'”’)]?$", self.last_item[0])
        return not (ended and _first_letter_upper(text))

    def _plain_item(self, text: str) -> bool:
        """After "Councillors can expect:", lines with no bullet are items until prose begins."""
        if self.list_started and not self.plain_list:
            return False  # the text after a bulleted list, or a wrapped item
        return not (_ends_with_colon(text) or _paragraph_like(text))

    def _start_section(self, number: str, heading: str, direction: str | None) -> None:
        draft = _Draft(number=number, heading=heading)
        self.sections.append(draft)
        self.target = draft
        self.open_para = self.bullets = self.last_item = None
        self.last = "heading"
        self.colon_before = False
        self.list_dir = direction
        self.list_started = self.plain_list = self.list_numbered = False
        self.item_num = self.body_num = 0
        if number:
            self.top_number = int(number.split(".")[0])

    def _add_item(self, text: str, number: str = "", plain: bool = False) -> None:
        self.open_para = None
        item = [text]
        if self.list_dir:
            self.target.expectations.append((self.list_dir, item))
            self.list_started = True
            self.plain_list = self.plain_list or plain
            if number and "." not in number:
                self.list_numbered = True
                self.item_num = int(number)
        else:
            if self.bullets is None:
                self.bullets = []
                self.target.blocks.append(("b", self.bullets))
            self.bullets.append(item)
            if number and "." not in number:
                self.body_num = int(number)
        self.last_item = item
        self.last = "item"
        self.colon_before = False

    def _add_paragraph_line(self, text: str) -> None:
        if self.list_dir and self.list_started:
            self.list_dir = None  # prose after the list ends it
        self.bullets = None
        self.body_num = 0
        if self.open_para is None:
            self.open_para = []
            self.target.blocks.append(("p", self.open_para))
        self.open_para.append(text)
        self.last = "para"
        self.colon_before = _ends_with_colon(text)

    def _result(self) -> ParsedProtocol:
        sections = []
        for draft in self.sections:
            expectations = [
                ParsedExpectation(direction, cleaned)
                for direction, item in draft.expectations
                for part in _split_items(item[0])
                if (cleaned := _clean_item(part))
            ]
            sections.append(
                ParsedSection(draft.number, draft.heading, _render(draft.blocks), expectations)
            )
        return ParsedProtocol(self.title, sections, _render(self.preamble.blocks))


def _strip_heading_marks(line: _Line) -> str:
    return line.content if line.kind in (MD, BOLD) else line.text


def _render(blocks: list[tuple[str, list]]) -> str:
    parts = []
    for kind, content in blocks:
        if kind == "p":
            parts.append(_join_lines(content))
        else:
            items = [part for item in content for part in _split_items(item[0])]
            if items:
                parts.append("\n".join("- " + item for item in items))
    return "\n\n".join(part for part in parts if part.strip())
