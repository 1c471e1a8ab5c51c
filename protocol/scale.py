"""The protocol at scale (`manage.py generate_scale`): five versions per council, four superseded
and one adopted (R24), each of the model protocol's 40 sections with a few expectations, and
acknowledgements of the version in force (R26).

Review dates follow the council's number, so that a run always has review reminders (R25) due
today at each threshold: see REVIEW_BUCKETS.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from council.scale import (
    ScaleChunk,
    ScaleCouncil,
    days_ago,
    insert,
    moment,
    recorded,
    register,
)

from . import model_text
from .models import Acknowledgement, Expectation, ProtocolVersion, Section

VERSIONS = 5
EXPECTATIONS_PER_DIRECTION = 4  # of each direction, per version: "a few"
ACKNOWLEDGED_SHARE = 0.6


def review_on_for(index: int, today: date, rng) -> date:
    """R25: council number modulo 10 decides the review date of the version in force, so that
    reminders fall due today for some councils at every stage: 1 → in 90 days, 2 → in 30,
    3 → in 7, 4 → today, 5 → overdue by whole weeks (a weekly reminder today); the rest are
    reviewed between 100 and 1,000 days from now (nothing due)."""
    bucket = index % 10
    if bucket == 1:
        return today + timedelta(days=90)
    if bucket == 2:
        return today + timedelta(days=30)
    if bucket == 3:
        return today + timedelta(days=7)
    if bucket == 4:
        return today
    if bucket == 5:
        return today - timedelta(days=7 * rng.randint(1, 8))
    return today + timedelta(days=rng.randint(100, 1000))


def _expectations() -> list[tuple[int, str, str]]:
    """The model's first few expectations in each direction: (section position, direction,
    text)."""
    taken: Counter = Counter()
    chosen = []
    for position, section in enumerate(model_text.MODEL_SECTIONS, start=1):
        for direction, text in section["expectations"]:
            if taken[direction] < EXPECTATIONS_PER_DIRECTION:
                taken[direction] += 1
                chosen.append((position, direction, text))
    return chosen


def _body(section: dict, position: int, number: int, adopted_on: date) -> str:
    """The model's text, with a sentence that differs between versions in one section of five,
    so that "what changed" between two versions has something to show."""
    if position % 5 != number % 5:
        return section["body"]
    return f"{section['body']}\n\nThis section was revised at the review of {adopted_on:%B %Y}."


def _versions(sc: ScaleCouncil, rng, today: date) -> list[ProtocolVersion]:
    """Five versions, adopted a year or so apart; the last one is in force."""
    review_on = review_on_for(sc.index, today, rng)
    last_adopted = min(days_ago(today, rng, 60, 700), review_on - timedelta(days=180))
    adopted = [last_adopted]
    for _ in range(VERSIONS - 1):
        adopted.insert(0, adopted[0] - timedelta(days=rng.randint(250, 420)))
    versions = []
    for number, adopted_on in enumerate(adopted, start=1):
        in_force = number == VERSIONS
        created = moment(adopted_on - timedelta(days=rng.randint(14, 60)), rng)
        version = ProtocolVersion(
            council=sc.council,
            number=number,
            title=model_text.MODEL_TITLE,
            status=ProtocolVersion.Status.ADOPTED
            if in_force
            else ProtocolVersion.Status.SUPERSEDED,
            adopted_on=adopted_on,
            minute_reference=f"{adopted_on:%y}/{rng.randint(10, 199):03d}",
            review_on=review_on if in_force else adopted_on + timedelta(days=730),
            superseded_on=None if in_force else adopted[number],
            source="The portal's model protocol"
            if number == 1
            else f"A copy of version {number - 1}",
            created_by=sc.clerk,
            created_at=created,
        )
        versions.append(recorded(version, sc.clerk, created))
    return versions


@register
def build_protocols(chunk: ScaleChunk) -> Counter:
    """Versions, sections, expectations and acknowledgements for a chunk of councils."""
    counts: Counter = Counter()
    today = chunk.today
    rngs = {sc.index: chunk.rng(sc, "protocol") for sc in chunk.councils}
    versions = [v for sc in chunk.councils for v in _versions(sc, rngs[sc.index], today)]
    insert(ProtocolVersion, versions, counts)

    sections = []
    for version in versions:
        at = version.created_at
        for position, s in enumerate(model_text.MODEL_SECTIONS, start=1):
            section = Section(
                version=version,
                position=position,
                number=s["number"],
                heading=s["heading"],
                body=_body(s, position, version.number, version.adopted_on),
            )
            sections.append(recorded(section, version.created_by, at))
    insert(Section, sections, counts)

    chosen = _expectations()
    per_version = len(model_text.MODEL_SECTIONS)
    expectations = []
    for i, version in enumerate(versions):
        mine = sections[i * per_version : (i + 1) * per_version]
        positions: Counter = Counter()
        for position, direction, text in chosen:
            section = mine[position - 1]
            positions[(position, direction)] += 1
            expectation = Expectation(
                section=section,
                direction=direction,
                position=positions[(position, direction)],
                text=text,
            )
            expectations.append(recorded(expectation, version.created_by, version.created_at))
    insert(Expectation, expectations, counts)

    # R26: most of the councillors and officers in post read the version in force.
    acknowledgements = []
    in_force = {v.council_id: v for v in versions if v.status == ProtocolVersion.Status.ADOPTED}
    for sc in chunk.councils:
        rng = rngs[sc.index]
        version = in_force[sc.council.pk]
        for user in [*sc.officers, *sc.current_councillors]:
            if rng.random() >= ACKNOWLEDGED_SHARE:
                continue
            day = min(version.adopted_on + timedelta(days=rng.randint(1, 60)), today)
            if sc.role_of(user, day) is None:
                continue
            at = moment(day, rng)
            ack = Acknowledgement(version=version, user=user, acknowledged_at=at)
            acknowledgements.append(recorded(ack, user, at))
    insert(Acknowledgement, acknowledgements, counts)
    return counts
