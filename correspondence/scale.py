"""Information requests and the correspondence register at scale (`manage.py generate_scale`).

Requests (R3, R5–R9): 100 per council over about five years, most decided or withdrawn long
ago, and in every council the same six open ones (OPEN_REQUESTS), so that each Proper Officer's
queue has overdue requests, one due in two working days (its reminder is due today) and later
ones. Due dates are worked out in working days exactly as the services do, and
tests/cross/test_scale_generator.py replays one request of each (status, timeline) through the
real services and compares the two.

Correspondence (R10–R12): 200 items per council, mostly sent, some drafts and recorded ones, a
few confidential (never to anyone outside the council, R12), with their "to" and "copy" lines.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from council.models import Document, User
from council.scale import (
    ScaleChunk,
    ScaleCouncil,
    days_ago,
    due_after,
    insert,
    moment,
    recorded,
    register,
    start_for_due,
    working_day_before,
    working_days_from,
)

from .models import (
    Correspondence,
    DocumentAccess,
    InformationRequest,
    Party,
    Recipient,
    RequestedDocument,
    RequestEvent,
    Route,
)

REQUESTS_PER_COUNCIL = 100
ITEMS_PER_COUNCIL = 200
HISTORY_DAYS = 1825  # about five years
Status = InformationRequest.Status
Event = RequestEvent.Kind

# The open requests of every council: (what it shows, status, due date from today, handler).
# "overdue-3" is due three working days ago; "in-2" in two working days (its reminder is due
# today, R9); "today" was received today; "paused" waits for the councillor to clarify.
OPEN_REQUESTS = [
    ("overdue-3", Status.SUBMITTED, "clerk"),
    ("overdue-8", Status.SUBMITTED, "rfo"),
    ("in-2", Status.SUBMITTED, "clerk"),
    ("today", Status.SUBMITTED, "clerk"),
    ("in-6", Status.SUBMITTED, "officer"),
    ("paused", Status.CLARIFICATION, "clerk"),
]

INFORMATION = [
    ("Grass-cutting costs", "What we spent on grass cutting in each of the last three years."),
    ("Street lighting repairs", "How many street lights were reported broken this year."),
    ("Hall bookings", "How often the village hall was booked last quarter, by month."),
    ("Allotment waiting list", "How long the allotment waiting list is, and how it is kept."),
    ("Play area inspections", "When the play area was last inspected and what was found."),
    ("Insurance renewal", "What the council's insurance cover costs this year."),
]
PURPOSES = [
    "To prepare for the next meeting.",
    "A resident asked me about this and I need to answer them.",
    "To check the budget before the finance meeting.",
    "To understand the background before the council decides.",
    "To follow up a complaint raised at my surgery.",
]
JUSTIFICATIONS = [
    "I need to know whether the tenant next to the complainant is in arrears to answer their "
    "complaint to the working party, which I chair.",
    "The personnel committee asked me to check the figures before its next meeting.",
]
REASONS = {
    Status.GRANTED: [
        "You sit on the committee this relates to, so your need to know is presumed.",
        "You need this to answer a resident's question about a council service.",
    ],
    Status.PARTLY_GRANTED: [
        "The schedule is released; the legal advice is privileged and not needed for your "
        "question.",
        "The figures are released; the personal details of others are not needed.",
    ],
    Status.REFUSED: [
        "Wishing to know is not a need to know for your duties as a councillor.",
        "The advice is legally privileged and you are not on a committee dealing with it.",
    ],
}
QUESTIONS = ["Do you mean the whole parish, or only the recreation ground?", "Which years?"]
ANSWERS = ["The recreation ground only.", "The last three years, please."]

TOPICS = [
    "the bus shelter on Mill Lane",
    "the allotment waiting list",
    "the village hall roof",
    "grass cutting on the green",
    "the play area tender",
    "street lighting",
    "the footpath by the school",
    "the war memorial",
    "dog bins on the recreation ground",
    "the Christmas lights",
    "parking on the high street",
    "the precept for next year",
]
SUBJECTS = [
    "Your question about {topic}",
    "Re: {topic}",
    "An update on {topic}",
    "The council's response on {topic}",
]
BODY = (
    "Thank you for your message about {topic}. The council considered it at its last meeting "
    "and asked me to reply. We have written to the responsible authority and will report back "
    "when we hear from them. Please contact the office if you have any questions."
)
OTHER_BODIES = [
    ("The highways authority", "County Hall, Market Street"),
    ("The county council's planning department", "County Hall, Market Street"),
    ("The Environment Agency", "Horizon House, Deanery Road"),
    ("The police and crime commissioner", "Police Headquarters, Station Road"),
    ("The bus operator", "The Depot, Mill Lane"),
]
CONFIDENTIAL_REASONS = [
    ("legal advice", "The summary of the solicitor's advice is legally privileged."),
    ("a staffing matter", "The details of the staffing matter are confidential to members."),
    ("a contract being negotiated", "The tender prices are commercially confidential."),
]


# ---------------------------------------------------------------------------------------------
# Information requests
# ---------------------------------------------------------------------------------------------


@dataclass
class _Request:
    """A request and the rows that hang off it, inserted once it has its id."""

    request: InformationRequest
    documents: list[tuple[Document, bool | None]] = field(default_factory=list)
    events: list[tuple[str, User, str, datetime]] = field(default_factory=list)
    accesses: list[tuple[Document, datetime]] = field(default_factory=list)


def _route(sc: ScaleCouncil, requester: User, documents: list[Document], on: date) -> str:
    """R5–R7, as correspondence.requests.services.request_route decides it from the dated seats."""
    if any(d.classification == Document.Classification.PERSONAL_DATA for d in documents):
        return Route.JUSTIFICATION
    seats = sc.committee_ids_on(requester, on)
    if documents and all(d.committee_id in seats for d in documents):
        return Route.PRESUMED
    return Route.OFFICER_DECIDES


def _ask(
    sc: ScaleCouncil,
    rng: random.Random,
    requester: User,
    received: date,
    documents: list[Document],
    *,
    information_only: bool = False,
) -> _Request:
    """A submitted request, acknowledged with its due date (R9) and sent to the Proper Officer
    (R3); the caller moves it on."""
    topic, information = rng.choice(INFORMATION)
    if information_only:
        documents = []
    summary = (
        documents[0].title
        if len(documents) == 1
        else f"{documents[0].title} and {len(documents) - 1} more"
        if documents
        else topic
    )
    route = _route(sc, requester, documents, received)
    at = moment(received, rng)
    days = sc.council.response_working_days
    info_request = InformationRequest(
        council=sc.council,
        requester=requester,
        handler=sc.clerk,
        summary=summary[:200],
        information="" if documents and rng.random() < 0.7 else information,
        purpose=rng.choice(PURPOSES),
        justification=rng.choice(JUSTIFICATIONS) if route == Route.JUSTIFICATION else "",
        route=route,
        status=Status.SUBMITTED,
        received_on=received,
        working_days=days,
        due_on=due_after(received, days, sc.nation),
        created_at=at,
        updated_at=at,
    )
    recorded(info_request, requester, at)
    row = _Request(info_request, documents=[(d, None) for d in documents])
    row.events.append((Event.SUBMITTED, requester, "", at))
    return row


def _last(row: _Request) -> datetime:
    """When the request's latest step happened."""
    return row.events[-1][3]


def _delegate(row: _Request, sc: ScaleCouncil, officer: User, day: date, rng) -> None:
    """R3: the Proper Officer passes it on."""
    row.request.handler = officer
    at = moment(day, rng, after=_last(row))
    row.events.append((Event.DELEGATED, sc.clerk, f"To {officer.name}.", at))


def _documents_by(sc: ScaleCouncil, day: date) -> list[Document]:
    """The register's documents that existed on a day."""
    return [d for d in sc.documents if d.created_at.date() <= day]


def _pick_documents(rng, available: list[Document]) -> list[Document]:
    """None (information described in words), or one to three documents."""
    if not available or rng.random() < 0.2:
        return []
    n = min(len(available), rng.choices((1, 2, 3), weights=(6, 3, 1))[0])
    return rng.sample(available, n)


def _open_requests(sc: ScaleCouncil, rng, today: date) -> list[_Request]:
    """The six open requests of OPEN_REQUESTS."""
    nation, days = sc.nation, sc.council.response_working_days
    handlers = {"clerk": sc.clerk, "rfo": sc.rfo, "officer": sc.officer}
    rows = []
    for shows, status, handler in OPEN_REQUESTS:
        if shows.startswith("overdue-"):
            due = working_day_before(today, int(shows.split("-")[1]), nation)
            received = start_for_due(due, days, nation)
        elif shows.startswith("in-"):
            received = start_for_due(due_after(today, int(shows[3:]), nation), days, nation)
        elif shows == "today":
            received = today
        else:  # paused: asked yesterday (a working day) to clarify a request of last week
            received = working_day_before(today, 4, nation)
        requesters = [u for u in sc.current_councillors if sc.role_of(u, received)]
        requester = rng.choice(requesters)
        available = _documents_by(sc, received)
        documents = _pick_documents(rng, available) or available[-1:]
        if shows == "in-6":  # R6: one needs a justification, when there is personal data
            personal = [d for d in available if d.classification == "personal_data"]
            documents = personal[:1] or documents
        row = _ask(sc, rng, requester, received, documents)
        if handler != "clerk" and sc.role_of(handlers[handler], received):
            _delegate(row, sc, handlers[handler], received, rng)
        if status == Status.CLARIFICATION:
            asked = working_day_before(today, 1, nation)
            row.request.status = Status.CLARIFICATION
            row.request.paused_on = asked
            at = moment(asked, rng, after=_last(row))
            row.events.append((Event.CLARIFICATION_ASKED, row.request.handler, QUESTIONS[0], at))
        row.request.updated_at = _last(row)
        rows.append(row)
    return rows


def _closed_request(sc: ScaleCouncil, rng, today: date) -> _Request:
    """A request of the last five years, decided (or withdrawn) long ago."""
    nation, days = sc.nation, sc.council.response_working_days
    received = days_ago(today, rng, 60, HISTORY_DAYS)
    requesters = sc.councillors_on(received)
    requester = rng.choice(requesters)
    documents = _pick_documents(rng, _documents_by(sc, received))
    row = _ask(sc, rng, requester, received, documents, information_only=not documents)
    info_request = row.request
    if rng.random() < 0.15:
        others = [u for u in sc.officers_on(received) if u != sc.clerk]
        if others:
            _delegate(row, sc, rng.choice(others), received, rng)
    handler = info_request.handler
    paused, resumed = 0, received
    if rng.random() < 0.1:  # R9: asked to clarify; the clock paused until the answer
        asked = due_after(received, rng.randint(1, 3), nation)
        resumed = due_after(asked, rng.randint(1, 5), nation)
        paused = working_days_from(asked, resumed, nation)
        at = moment(asked, rng, after=_last(row))
        row.events.append((Event.CLARIFICATION_ASKED, handler, rng.choice(QUESTIONS), at))
        row.events.append((Event.CLARIFIED, requester, rng.choice(ANSWERS), moment(resumed, rng)))
        info_request.paused_working_days = paused
        info_request.due_on = due_after(received, days + paused, nation)

    roll = rng.random()
    if roll < 0.15:
        day = max(due_after(received, rng.randint(1, 5), nation), resumed)
        info_request.status = Status.WITHDRAWN
        row.events.append((Event.WITHDRAWN, requester, "", moment(day, rng, after=_last(row))))
    else:
        can_part = len(documents) >= 2 or bool(documents and info_request.information)
        if info_request.route == Route.PRESUMED or roll < 0.6:
            outcome = Status.GRANTED
        elif roll < 0.72 and can_part:
            outcome = Status.PARTLY_GRANTED
        else:
            outcome = Status.REFUSED
        # Most are decided in time; about one in ten late.
        day = due_after(received, rng.randint(1, 13) + paused, nation)
        day = max(day, due_after(resumed, 1, nation)) if paused else day
        reasons = rng.choice(REASONS[outcome])
        info_request.status = outcome
        info_request.decided_on = day
        info_request.decided_by = handler
        info_request.decision_reasons = reasons
        info_request.decision_working_days = max(
            0, working_days_from(received, day, nation) - paused
        )
        if outcome == Status.GRANTED:
            row.documents = [(d, True) for d, _ in row.documents]
        elif outcome == Status.REFUSED:
            row.documents = [(d, False) for d, _ in row.documents]
        else:
            released = rng.randint(1, max(1, len(documents) - 1)) if documents else 0
            row.documents = [(d, i < released) for i, (d, _) in enumerate(row.documents)]
        label = Status(outcome).label
        at = moment(day, rng, after=_last(row))
        row.events.append((Event.DECIDED, handler, f"{label}. {reasons}", at))
        granted = [d for d, g in row.documents if g]
        if granted and rng.random() < 0.25:
            _open_released(row, sc, rng, granted, day, today)
    info_request.updated_at = _last(row)
    return row


def _open_released(row: _Request, sc, rng, granted: list[Document], day: date, today: date):
    """R8: the councillor confirms the purpose once, then opens released documents (each
    opening logged), only during the term in which they asked."""
    confirm_day = min(day + timedelta(days=rng.randint(0, 10)), today)
    requester = row.request.requester
    if sc.role_of(requester, confirm_day) is None:
        return
    at = moment(confirm_day, rng, after=_last(row))
    row.request.purpose_confirmed_at = at
    row.events.append(
        (
            Event.PURPOSE_CONFIRMED,
            requester,
            "I will use this information only for my duties as a councillor.",
            at,
        )
    )
    for document in granted:
        for _ in range(rng.randint(1, 2)):
            opened = min(confirm_day + timedelta(days=rng.randint(0, 30)), today)
            if sc.role_of(requester, opened):
                row.accesses.append((document, moment(opened, rng, after=at)))


@register
def build_requests(chunk: ScaleChunk) -> Counter:
    """Information requests with their documents, timeline and access log, for a chunk."""
    counts: Counter = Counter()
    rows: list[_Request] = []
    for sc in chunk.councils:
        rng = chunk.rng(sc, "requests")
        closed = [
            _closed_request(sc, rng, chunk.today)
            for _ in range(REQUESTS_PER_COUNCIL - len(OPEN_REQUESTS))
        ]
        closed.sort(key=lambda r: r.request.received_on)
        rows += closed + _open_requests(sc, rng, chunk.today)
    insert(InformationRequest, [r.request for r in rows], counts)

    documents, events, accesses = [], [], []
    for row in rows:
        info_request = row.request
        at, requester = info_request.created_at, info_request.requester
        for document, granted in row.documents:
            requested = RequestedDocument(request=info_request, document=document, granted=granted)
            documents.append(recorded(requested, requester, at))
        events += [
            RequestEvent(request=info_request, kind=kind, actor=actor, text=text, at=when)
            for kind, actor, text, when in row.events
        ]
        accesses += [
            DocumentAccess(request=info_request, document=document, user=requester, at=when)
            for document, when in row.accesses
        ]
    insert(RequestedDocument, documents, counts)
    insert(RequestEvent, events, counts)
    insert(DocumentAccess, accesses, counts)
    return counts


# ---------------------------------------------------------------------------------------------
# The correspondence register
# ---------------------------------------------------------------------------------------------


def _outsider(rng, party: str, kind: str, index: int) -> dict:
    """Someone outside the council: an email address for an email, a postal one for a letter."""
    if party == Party.OTHER_BODY:
        name, address = rng.choice(OTHER_BODIES)
    else:
        name = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(('Resident', 'Walker', 'Green'))}"
        address = f"{rng.randint(1, 90)} High Street"
    email = f"{party}-{index:05d}-{rng.randrange(10_000):04d}@outside.example.org"
    return {
        "party": party,
        "name": name,
        "email": email if kind == Correspondence.Kind.EMAIL or rng.random() < 0.3 else "",
        "address": address if kind == Correspondence.Kind.LETTER else "",
    }


def _recipients(sc, rng, item: Correspondence, day: date, author: User) -> list[dict]:
    """To and copy lines: councillors and officers in post that day (each once), and, unless the
    item is confidential (R12), people outside the council."""
    people = {
        Party.COUNCILLOR: [u for u in sc.councillors_on(day) if u != author],
        Party.OFFICER: [u for u in sc.officers_on(day) if u != author],
    }
    lines = [Recipient.Line.TO] * rng.choices((1, 2), weights=(8, 2))[0]
    lines += [Recipient.Line.CC] * rng.choices((0, 1, 2), weights=(55, 30, 15))[0]
    chosen = []
    for line in lines:
        party = rng.choices(
            (Party.COUNCILLOR, Party.OFFICER, Party.RESIDENT, Party.OTHER_BODY, Party.COMPLAINANT),
            weights=(45, 10, 20, 20, 5),
        )[0]
        if item.confidential and party in Party.outside():
            party = Party.COUNCILLOR  # R12: nothing confidential leaves the council
        if party in people:
            if not people[party]:
                continue
            user = people[party].pop(rng.randrange(len(people[party])))
            chosen.append({"line": line, "party": party, "user": user})
        else:
            chosen.append({"line": line, **_outsider(rng, party, item.kind, sc.index)})
    return chosen


def _item(sc: ScaleCouncil, rng, today: date) -> tuple[Correspondence, list[dict]]:
    """One item of the register, with its recipient lines."""
    S, K = Correspondence.Status, Correspondence.Kind
    roll = rng.random()
    if roll < 0.08:
        status, day = S.DRAFT, days_ago(today, rng, 0, 30)
    else:
        status, day = (S.RECORDED if roll < 0.15 else S.SENT), days_ago(today, rng, 0, HISTORY_DAYS)
    kind = K.EMAIL if rng.random() < 0.65 else K.LETTER
    officers = sc.officers_on(day)
    author = sc.clerk if rng.random() < 0.7 else rng.choice(officers)
    by_councillor = status == S.RECORDED and rng.random() < 0.25
    if by_councillor:  # a councillor's own letter, recorded in the register (not official)
        author = rng.choice(sc.councillors_on(day))
    topic = rng.choice(TOPICS)
    confidential = not by_councillor and rng.random() < 0.03
    reason, statement = rng.choice(CONFIDENTIAL_REASONS) if confidential else ("", "")
    chair_signs = not by_councillor and rng.random() < 0.03
    at = moment(day, rng)
    item = Correspondence(
        council=sc.council,
        kind=kind,
        status=status,
        subject=rng.choice(SUBJECTS).format(topic=topic),
        body=BODY.format(topic=topic),
        author=author,
        official=not by_councillor,
        # R11: an officer signs; the chair only as a recorded exception, never an obligation.
        signatory=None if by_councillor else sc.chair if chair_signs else author,
        signatory_exception="A representation to a Government minister, agreed at full council."
        if chair_signs
        else "",
        creates_obligation=not by_councillor and not chair_signs and rng.random() < 0.1,
        confidential=confidential,
        confidential_reason=reason,
        confidential_statement=statement,
        sent_on=None if status == S.DRAFT else day,
        sent_by=None if status == S.DRAFT else sc.clerk if by_councillor else author,
        created_at=at,
    )
    recorded(item, sc.clerk if by_councillor else author, at)
    lines = _recipients(sc, rng, item, day, author)
    if not lines:  # everyone else was away that day: write to the clerk's office
        lines = [{"line": Recipient.Line.TO, **_outsider(rng, Party.RESIDENT, kind, sc.index)}]
        if confidential:
            lines = [{"line": Recipient.Line.TO, "party": Party.OFFICER, "user": sc.clerk}]
    councillors = [
        r["user"] for r in lines if r["line"] == Recipient.Line.TO and r["party"] == "councillor"
    ]
    # R10: whose correspondence it is: the councillor who wrote it, or the first addressed.
    item.councillor = author if by_councillor else (councillors[0] if councillors else None)
    if status == S.SENT and rng.random() < 0.03:  # forwarded later: a copy added after sending
        later = min(day + timedelta(days=rng.randint(1, 20)), today)
        have = {r["user"].pk for r in lines if "user" in r} | {author.pk}
        extra = [u for u in sc.councillors_on(later) if u.pk not in have]
        if extra:
            user = rng.choice(extra)
            lines.append(
                {
                    "line": Recipient.Line.CC,
                    "party": Party.COUNCILLOR,
                    "user": user,
                    "added_on": later,
                    "at": moment(later, rng, after=item.created_at),
                    "forwarded": True,
                }
            )
    return item, lines


@register
def build_letters(chunk: ScaleChunk) -> Counter:
    """The correspondence register: items and their recipient lines, for a chunk."""
    counts: Counter = Counter()
    items: list[tuple[Correspondence, list[dict]]] = []
    for sc in chunk.councils:
        rng = chunk.rng(sc, "letters")
        mine = [_item(sc, rng, chunk.today) for _ in range(ITEMS_PER_COUNCIL)]
        mine.sort(key=lambda pair: pair[0].created_at)
        items += mine
    insert(Correspondence, [item for item, _ in items], counts)

    recipients = []
    for item, lines in items:
        added_by = item.sent_by or item.author
        day = item.sent_on or item.created_at.date()
        for line in lines:
            user = line.get("user")
            on = line.get("added_on", day)
            recipient = Recipient(
                item=item,
                line=line["line"],
                party=line["party"],
                user=user,
                name=user.name if user else line["name"],
                email=user.email if user else line["email"],
                address="" if user else line["address"],
                added_on=on,
                added_by=added_by,
                forwarded=line.get("forwarded", False),
            )
            recipients.append(recorded(recipient, added_by, line.get("at", item.created_at)))
    insert(Recipient, recipients, counts)
    return counts
