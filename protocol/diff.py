"""What changed between two versions of a protocol, section by section (R24). Sections are
matched by their number, which is how people cite them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from council.lib.text import normalise_newlines

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"


@dataclass
class Piece:
    op: str  # "same", "ins" or "del"
    text: str


@dataclass
class SectionChange:
    number: str
    heading: str
    status: str
    anchor: str
    heading_before: str = ""
    body: list[Piece] = field(default_factory=list)
    expectations_added: list[str] = field(default_factory=list)
    expectations_removed: list[str] = field(default_factory=list)


def word_diff(before: str, after: str) -> list[Piece]:
    """Words kept, inserted and deleted, for <ins>/<del> markup."""
    a, b = before.split(" "), after.split(" ")
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("ins", " ".join(b[j1:j2])))
    return pieces


def _expectations(section) -> list[str]:
    return [
        f"{e.get_direction_display()}: {normalise_newlines(e.text)}"
        for e in section.expectations.all()
    ]


def compare(before, after) -> list[SectionChange]:
    """Every section of either version, in the newer version's order (removed ones where they
    stood), with what happened to it. Both versions' sections must be prefetched with their
    expectations."""
    old = {s.number: s for s in before.sections.all()} if before else {}
    changes: list[SectionChange] = []
    seen = set()
    for s in after.sections.all():
        seen.add(s.number)
        o = old.get(s.number)
        if o is None:
            changes.append(
                SectionChange(
                    s.number,
                    s.heading,
                    ADDED,
                    s.anchor,
                    body=[Piece("ins", s.body)] if s.body else [],
                    expectations_added=_expectations(s),
                )
            )
            continue
        now, then = _expectations(s), _expectations(o)
        # Compared as text, whatever line breaks were stored (council.lib.text).
        body, body_before = normalise_newlines(s.body), normalise_newlines(o.body)
        same = o.heading == s.heading and body_before == body and now == then
        changes.append(
            SectionChange(
                s.number,
                s.heading,
                UNCHANGED if same else CHANGED,
                s.anchor,
                heading_before=o.heading if o.heading != s.heading else "",
                body=[] if body_before == body else word_diff(body_before, body),
                expectations_added=[e for e in now if e not in then],
                expectations_removed=[e for e in then if e not in now],
            )
        )
    for number, o in old.items():
        if number not in seen:
            changes.append(
                SectionChange(
                    number,
                    o.heading,
                    REMOVED,
                    o.anchor,
                    body=[Piece("del", o.body)] if o.body else [],
                    expectations_removed=_expectations(o),
                )
            )
    return changes
