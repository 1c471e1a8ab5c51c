"""The protocol importer (protocol/importer.py): files in every shape a clerk may have become
sections and the two lists of expectations, and no text is lost on the way.

The fixtures in protocol_fixtures/ beside this file are short protocols of invented councils,
written for these tests in the shapes real councils' protocols come in."""

import io
import re
import string
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document

from protocol.importer import (
    FROM_COUNCILLORS,
    FROM_OFFICERS,
    ParsedProtocol,
    ProtocolImportError,
    parse_protocol,
    text_from_upload,
)

FIXTURES = Path(__file__).parent / "protocol_fixtures"

# ---------------------------------------------------------------------------------------------
# Nothing lost: every word of the file is somewhere in what the parser gives back
# ---------------------------------------------------------------------------------------------

PUNCTUATION = string.punctuation + "•–—‘’“”…"
# A contents line: "Contents", or a heading's name followed by its page number.
CONTENTS_LINE = re.compile(r"^\s*(?:contents|.*\S(?:\s*\.{2,}\s*|\s+)\d{1,3})\s*$", re.I)


def words(text: str) -> Counter:
    """The words of a text, lower-cased, without bullet marks, heading numbers, "(a)" or "ii."."""
    found: Counter = Counter()
    for token in text.split():
        word = token.strip(PUNCTUATION).lower()
        if not any(c.isalpha() for c in word) or re.fullmatch(r"[a-z]|[ivx]{1,4}", word):
            continue
        found[word] += 1
    return found


def source_words(text: str, contents: bool = False) -> Counter:
    lines = text.splitlines()
    if contents:  # a contents list at the top is left out on purpose
        lines = [line for n, line in enumerate(lines) if n > 40 or not CONTENTS_LINE.match(line)]
    return words("\n".join(lines))


def output_words(parsed: ParsedProtocol) -> Counter:
    parts = [parsed.title, parsed.unplaced]
    for section in parsed.sections:
        parts += [section.heading, section.body, *(e.text for e in section.expectations)]
    return words("\n".join(parts))


def assert_nothing_lost(text: str, parsed: ParsedProtocol, contents: bool = False) -> None:
    source, output = source_words(text, contents), output_words(parsed)
    missing = source - output
    # Only the "and" of an item ending "; and" may go.
    assert set(missing) <= {"and"}, f"words lost: {dict(missing)}"
    assert not output - source, f"words added: {dict(output - source)}"


def headings(parsed: ParsedProtocol) -> list[tuple[str, str]]:
    return [(s.number, s.heading) for s in parsed.sections]


def items(parsed: ParsedProtocol, direction: str) -> list[str]:
    return [e.text for s in parsed.sections for e in s.expectations if e.direction == direction]


def section(parsed: ParsedProtocol, heading: str):
    return next(s for s in parsed.sections if s.heading == heading)


# ---------------------------------------------------------------------------------------------
# The fixtures, one shape each
# ---------------------------------------------------------------------------------------------

# For each fixture: the title, the sections (number, heading), for each direction the count, the
# first and the last item and the heading they sit under, the unplaced text (a phrase from it, or
# "" for none), and phrases that must be in a section's body.
EXPECTED = {
    "a_numbered.txt": {
        "title": "Hollowmere Parish Council — Protocol on Member/Officer Relations",
        "sections": [
            ("1", "Purpose"),
            ("2", "Who does what"),
            ("2.2", "Councillors"),
            ("2.3", "Officers"),
            ("3", "Expectations"),
            ("3.1", "Councillors can expect"),
            ("3.2", "Officers can expect from councillors"),
            ("4", "General principles"),
        ],
        FROM_OFFICERS: (
            5,
            "a clear and prompt answer to any question about council business",
            "to be told early about anything likely to become contentious.",
            "Councillors can expect",
        ),
        FROM_COUNCILLORS: (
            5,
            "respect for their professional judgement",
            "criticism raised in private, never at a public meeting.",
            "Officers can expect from councillors",
        ),
        "unplaced": "",
        "body": {
            "Councillors": [
                "2.2.1 Each councillor has three jobs to do:",
                "\n- to speak up for the people of the parish; and\n",
            ],
            "General principles": ["favour.\n\nWhen a disagreement"],
        },
    },
    "b_markdown.md": {
        "title": "Brackenfold Town Council: Working Together Protocol",
        "sections": [
            ("1", "Introduction"),
            ("2", "Roles"),
            ("2.1", "Councillors"),
            ("2.2", "Officers"),
            ("3", "Expectations"),
            ("", "Councillors can expect from officers"),
            ("", "Officers can expect from councillors"),
            ("4", "If something goes wrong"),
        ],
        FROM_OFFICERS: (
            4,
            "Advice that is accurate, timely and free of political bias",
            "Discretion about matters raised in confidence",
            "Councillors can expect from officers",
        ),
        FROM_COUNCILLORS: (
            5,
            "Clear instructions given through a decision of the council or a committee",
            "An understanding that officers cannot campaign for anyone",
            "Officers can expect from councillors",
        ),
        "unplaced": "",
        "body": {
            "Introduction": ['**Note:** the word "officer"'],
            "Councillors": ["Councillors are elected to:\n\n- set the council's priorities"],
            # a wrapped paragraph is joined into one
            "Officers": ["manage its services. They serve the whole council"],
        },
    },
    "c_bold.txt": {
        "title": "Little Wexcombe Parish Council – Councillor and Staff Protocol",
        "sections": [
            ("", "About this protocol"),
            ("", "Roles"),
            ("", "What councillors can expect from staff"),
            ("", "What staff can expect from councillors"),
            ("", "Raising concerns"),
        ],
        FROM_OFFICERS: (
            7,  # one line holds three items separated by "•"
            "Honest advice, even when it is not welcome",
            "Notice of any change to the Clerk's working hours",
            "What councillors can expect from staff",
        ),
        FROM_COUNCILLORS: (
            4,
            "A fair share of the council's attention and resources",
            "No contact about council business on the Clerk's days off, except in an emergency",
            "What staff can expect from councillors",
        ),
        "unplaced": "",
        "body": {
            "Roles": ["\n\n- Councillors should not direct the assistant's work; that is for"],
        },
    },
    "d_caps.txt": {
        "title": "SALTINGS BAY TOWN COUNCIL — MEMBER AND OFFICER PROTOCOL",
        "sections": [
            ("", "INTRODUCTION"),
            ("", "THE TOWN CLERK"),
            ("", "WHAT EACH SIDE CAN EXPECT"),
            ("", "Members can expect from officers"),
            ("", "Officers can expect members to"),
            ("", "SORTING OUT DISAGREEMENTS"),
        ],
        FROM_OFFICERS: (
            5,
            "Impartial advice on every item of council business",
            "Confidentiality where a member has asked for it and the law allows",
            "Members can expect from officers",
        ),
        FROM_COUNCILLORS: (
            6,
            "Treat them with courtesy and consideration",
            "Keep to the council's code of conduct",
            "Officers can expect members to",
        ),
        "unplaced": "",
        "body": {
            # a numbered list that is not an expectations list stays in the body as "- " lines
            "THE TOWN CLERK": ["looks after:\n\n- giving independent advice", "- managing"],
        },
    },
    "e_unnumbered.txt": {
        "title": "Orchard Green Community Council — Protocol on Councillor and Officer Relations",
        "sections": [
            ("", "Purpose of this Protocol"),
            ("", "Roles"),
            ("", "What Councillors Can Expect of Officers"),
            ("", "What Officers Can Expect of Councillors"),
            ("", "Putting Things Right"),
        ],
        FROM_OFFICERS: (
            4,
            "Advice that is frank, well-informed and impartial",
            "Fair treatment, whichever part of the community a councillor represents",
            "What Councillors Can Expect of Officers",
        ),
        FROM_COUNCILLORS: (
            4,
            "Recognition that officers answer to the full council, not to one councillor",
            "Support for their training and development",
            "What Officers Can Expect of Councillors",
        ),
        "unplaced": "",
        "contents": True,
        "body": {
            # short lines at the end are not headings: nothing follows them
            "Putting Things Right": ["14 March 2024\n\nNext review due March 2027"],
        },
    },
    "f_preamble.txt": {
        "title": "Kestrel Down Parish Council",
        "sections": [
            ("1", "Introduction"),
            ("2", "Expectations"),
            ("2.1", "Councillors can expect the Clerk to"),
            ("2.2", "The Clerk can expect councillors to"),
            ("3", "Reviewing this protocol"),
        ],
        FROM_OFFICERS: (
            4,
            # the item wraps onto a second line
            "reply to an email or letter within five working days, or send a note saying when a "
            "full reply will follow",
            "treat all councillors alike.",
            "Councillors can expect the Clerk to",
        ),
        FROM_COUNCILLORS: (
            4,
            "read the papers before each meeting",
            "never ask the Clerk to act for them in a personal or party matter.",
            "The Clerk can expect councillors to",
        ),
        "unplaced": "This document is the council's protocol on relations between councillors",
        "body": {
            "Introduction": ["Responsible Financial Officer. Good relations"],
        },
    },
}


def test_every_fixture_has_its_expectations_written_down():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_read_into_sections_and_expectations(name):
    expected = EXPECTED[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    parsed = parse_protocol(text)

    assert parsed.title == expected["title"]
    assert headings(parsed) == expected["sections"]
    for direction in (FROM_OFFICERS, FROM_COUNCILLORS):
        count, first, last, under = expected[direction]
        found = items(parsed, direction)
        assert len(found) == count, found
        assert (found[0], found[-1]) == (first, last)
        assert {e.direction for e in section(parsed, under).expectations} == {direction}
        assert len(section(parsed, under).expectations) == count
    if expected["unplaced"]:
        assert expected["unplaced"] in parsed.unplaced
    else:
        assert parsed.unplaced == ""
    for heading, phrases in expected["body"].items():
        for phrase in phrases:
            assert phrase in section(parsed, heading).body
    assert_nothing_lost(text, parsed, contents=expected.get("contents", False))


def test_the_summary_is_plain_english():
    parsed = parse_protocol((FIXTURES / "f_preamble.txt").read_text(encoding="utf-8"))
    assert parsed.summary() == [
        "5 sections found",
        "4 things councillors can expect from officers",
        "4 things officers can expect from councillors",
        "Some text could not be placed under a heading: it is kept in a section of its own.",
    ]
    assert parsed.expectation_count(FROM_OFFICERS) == 4


def test_the_summary_says_when_a_list_was_not_found():
    parsed = parse_protocol("1. Purpose\n\nThe only section.\n\n2. Officers can expect:\n- tea\n")
    assert parsed.summary() == [
        "2 sections found",
        "No list of what councillors can expect from officers was found",
        "1 thing officers can expect from councillors",
    ]


def test_a_contents_list_is_left_out_but_its_headings_are_found():
    parsed = parse_protocol((FIXTURES / "e_unnumbered.txt").read_text(encoding="utf-8"))
    everything = parsed.unplaced + "".join(s.heading + s.body for s in parsed.sections)
    assert "...." not in everything
    assert "Contents" not in [s.heading for s in parsed.sections]


def test_items_end_without_a_trailing_semicolon_or_and():
    parsed = parse_protocol((FIXTURES / "a_numbered.txt").read_text(encoding="utf-8"))
    found = items(parsed, FROM_OFFICERS)
    assert "courtesy in every meeting and every message" in found
    assert not [item for item in found if item.endswith((";", " and"))]


# ---------------------------------------------------------------------------------------------
# Smaller shapes, in a few lines each
# ---------------------------------------------------------------------------------------------


def test_lines_without_bullets_after_an_intro_are_items_until_prose_begins():
    text = (
        "Protocol of Testing\n\n"
        "1. Expectations\n\n"
        "Officers can expect from councillors:\n"
        "Patience\n"
        "Clear requests\n\n"
        "These lists are reviewed each year. The clerk keeps the signed copy.\n"
    )
    parsed = parse_protocol(text)
    assert items(parsed, FROM_COUNCILLORS) == ["Patience", "Clear requests"]
    assert section(parsed, "Officers can expect from councillors").body.startswith("These lists")


def test_a_numbered_list_is_followed_by_the_next_numbered_heading():
    text = (
        "3. Expectations\n\n"
        "Councillors can expect:\n"
        "1. Answers\n"
        "2. Papers on time\n"
        "3. Courtesy\n\n"
        "4. General principles\n\n"
        "Both sides keep to the code.\n"
    )
    parsed = parse_protocol(text)
    assert items(parsed, FROM_OFFICERS) == ["Answers", "Papers on time", "Courtesy"]
    assert headings(parsed)[-1] == ("4", "General principles")


def test_windows_line_ends_tabs_and_word_bullets_are_read():
    text = (
        "Member Officer Protocol\r\n\r\n"
        "3\tExpectations\r\n\r\n"
        "3.1\tCouncillors can expect:\r\n"
        "\t•\tanswers\r\n"
        "\t\uf0b7\tpapers\r\n\r\n"
        "3.2 Staff can expect:\r\n"
        "o   patience\r\n"
        "(a) clear requests\r\n"
    )
    parsed = parse_protocol(text)
    assert headings(parsed) == [
        ("3", "Expectations"),
        ("3.1", "Councillors can expect"),
        ("3.2", "Staff can expect"),
    ]
    assert items(parsed, FROM_OFFICERS) == ["answers", "papers"]
    assert items(parsed, FROM_COUNCILLORS) == ["patience", "clear requests"]


def test_an_item_ending_with_a_full_stop_is_not_continued_by_a_new_sentence():
    text = (
        "1. Expectations\n\n"
        "Officers can expect members to:\n"
        "- be patient when an answer\n"
        "  takes time.\n"
        "Members may also ask for training.\n"
    )
    parsed = parse_protocol(text)
    assert items(parsed, FROM_COUNCILLORS) == ["be patient when an answer takes time."]
    assert parsed.sections[-1].body == "Members may also ask for training."


def test_underlined_markdown_headings_are_headings():
    parsed = parse_protocol("Our Protocol\n============\n\nPurpose\n-------\nA short text.\n")
    assert parsed.title == "Our Protocol"
    assert headings(parsed) == [("", "Purpose")]


def test_text_with_no_headings_is_all_kept_unplaced():
    text = "We have no headings at all.\n\nJust two paragraphs of text, written plainly.\n"
    parsed = parse_protocol(text)
    assert parsed.sections == []
    assert parsed.unplaced == (
        "We have no headings at all.\n\nJust two paragraphs of text, written plainly."
    )
    assert parsed.summary()[0] == "No headings found"


def test_an_empty_text_gives_an_empty_protocol():
    parsed = parse_protocol("")
    assert (parsed.title, parsed.sections, parsed.unplaced) == ("", [], "")


# ---------------------------------------------------------------------------------------------
# Word documents
# ---------------------------------------------------------------------------------------------

DOCX_OFFICERS = [
    "Replies within a week",
    "Advice without favour",
    "Papers a week before each meeting",
]
DOCX_COUNCILLORS = ["Courtesy at every meeting", "Requests made through the Chair"]


def make_docx(path: Path) -> Path:
    document = Document()
    document.add_paragraph("Fernley Parish Council Protocol", style="Title")
    document.add_paragraph("A note written before the first heading.")
    document.add_heading("1. Purpose", level=1)
    document.add_paragraph("This protocol explains how the councillors and the Clerk work.")
    document.add_heading("2. Expectations", level=1)
    document.add_heading("2.1 Councillors can expect from officers", level=2)
    for text in DOCX_OFFICERS:
        document.add_paragraph(text, style="List Bullet")
    document.add_heading("2.2 Officers can expect from councillors", level=2)
    for text in DOCX_COUNCILLORS:
        document.add_paragraph(text, style="List Bullet")
    bold = document.add_paragraph()
    bold.add_run("Reviewing the protocol").bold = True
    mixed = document.add_paragraph("The council reviews it ")
    mixed.add_run("every two years").bold = True
    mixed.add_run(", or sooner.")
    document.save(path)
    return path


def test_a_word_document_is_read_with_its_headings_lists_and_bold_headings(tmp_path):
    data = make_docx(tmp_path / "fernley.docx").read_bytes()
    text = text_from_upload("Fernley.DOCX", data)
    assert "## 1. Purpose" in text
    assert "- Replies within a week" in text
    assert "**Reviewing the protocol**" in text
    parsed = parse_protocol(text)
    assert parsed.title == "Fernley Parish Council Protocol"
    assert headings(parsed) == [
        ("1", "Purpose"),
        ("2", "Expectations"),
        ("2.1", "Councillors can expect from officers"),
        ("2.2", "Officers can expect from councillors"),
        ("", "Reviewing the protocol"),
    ]
    assert items(parsed, FROM_OFFICERS) == DOCX_OFFICERS
    assert items(parsed, FROM_COUNCILLORS) == DOCX_COUNCILLORS
    assert parsed.unplaced == "A note written before the first heading."
    # a paragraph with only some words in bold is ordinary text
    assert section(parsed, "Reviewing the protocol").body == (
        "The council reviews it every two years, or sooner."
    )
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert_nothing_lost(paragraphs, parsed)


def test_a_word_table_of_the_two_lists_side_by_side_is_read_column_by_column(tmp_path):
    document = Document()
    document.add_heading("Expectations", level=1)
    table = document.add_table(rows=3, cols=2)
    rows = [
        ("Councillors can expect from officers", "Officers can expect from councillors"),
        ("Prompt answers", "Respect"),
        ("Honest advice", "Reasonable deadlines"),
    ]
    for row, (left, right) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = left, right
    other = document.add_table(rows=1, cols=2)
    other.rows[0].cells[0].text, other.rows[0].cells[1].text = "Meeting", "Every month"
    document.save(tmp_path / "table.docx")

    parsed = parse_protocol(text_from_upload("table.docx", (tmp_path / "table.docx").read_bytes()))
    assert items(parsed, FROM_OFFICERS) == ["Prompt answers", "Honest advice"]
    assert items(parsed, FROM_COUNCILLORS) == ["Respect", "Reasonable deadlines"]
    # an ordinary table's cells are kept as text
    assert "Meeting" in parsed.sections[-1].body and "Every month" in parsed.sections[-1].body


# ---------------------------------------------------------------------------------------------
# Reading files, and refusing the ones we cannot read
# ---------------------------------------------------------------------------------------------


def test_text_files_are_decoded_as_utf8_with_or_without_a_bom_or_as_windows_text():
    assert text_from_upload("p.txt", "Café rules".encode()) == "Café rules"
    assert text_from_upload("p.md", b"\xef\xbb\xbf# Caf\xc3\xa9") == "# Café"
    assert text_from_upload("p.txt", "Café – rules".encode("cp1252")) == "Café – rules"
    assert text_from_upload("p.txt", "Café".encode("utf-16")) == "Café"  # with its BOM


def test_a_file_of_another_kind_is_refused_naming_the_kinds_accepted():
    with pytest.raises(ProtocolImportError, match=r"Upload a \.txt, \.md or \.docx file"):
        text_from_upload("protocol.pdf", b"%PDF-1.4 some pdf")
    with pytest.raises(ProtocolImportError, match=r"Upload a \.txt, \.md or \.docx file"):
        text_from_upload("protocol", b"no extension")


@pytest.mark.parametrize(
    "data",
    [b"this is not a zip file at all", b"PK\x03\x04 broken", b"zip without a document"],
)
def test_a_file_named_docx_that_is_not_a_word_document_is_refused(data):
    if data == b"zip without a document":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hello")
        data = buffer.getvalue()
    with pytest.raises(ProtocolImportError, match="not a Word document"):
        text_from_upload("protocol.docx", data)


def test_an_empty_file_or_one_with_no_text_is_refused(tmp_path):
    with pytest.raises(ProtocolImportError, match="The file is empty"):
        text_from_upload("protocol.txt", b"")
    with pytest.raises(ProtocolImportError, match="no text"):
        text_from_upload("protocol.md", b" \n\n\t\n")
    Document().save(tmp_path / "blank.docx")
    with pytest.raises(ProtocolImportError, match="no text"):
        text_from_upload("blank.docx", (tmp_path / "blank.docx").read_bytes())


def test_binary_data_named_txt_is_refused():
    with pytest.raises(ProtocolImportError, match="not plain text"):
        text_from_upload("protocol.txt", b"GIF89a\x00\x01\x02\x00")


def test_the_error_is_a_value_error():
    assert issubclass(ProtocolImportError, ValueError)
