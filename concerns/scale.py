"""Concerns at scale (`manage.py generate_scale`): 50 per council over about five years, with
their timelines, handlers, hearings and panels.

Each concern is routed by the rules of concerns/routing.py (R17–R19, R21: never handled by the
person it is about or who raised it) and moved through the stage table as concerns/services.py
moves it (`_Case` mirrors the services, without their queries), so the fields agree with what
the portal would have written: tests/cross/test_scale_generator.py replays one concern of each
(stage, timeline) through the real services and compares the two, so they cannot drift apart.

Most are closed; every council has the same seven open ones (`_open_cases`): overdue ones for
the chair's escalations page and the reminders (R23), one due in two working days, a hearing
arranged, a referral, and a decision open to appeal.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from council.models import Council, User
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
)
from protocol.models import Section

from .formal import COMPANION_OFFER, PANEL_OUTCOMES
from .models import Concern, ConcernEvent, Hearing, PanelMember, Party
from .routing import OMBUDSMAN_WALES
from .services import STAGE_WORKING_DAYS

CONCERNS_PER_COUNCIL = 50
HISTORY_DAYS = 1825
Stage, Path, Kind, Outcome = Concern.Stage, Concern.Path, Concern.Kind, Concern.Outcome
Audience, Event = ConcernEvent.Audience, ConcernEvent.Kind
OTHER_KINDS = [k for k in Kind if k != Kind.CODE_OF_CONDUCT]

# What happened, and what the person raising it hoped for.
ACCOUNTS = [
    ("I was spoken to dismissively in front of members of the public at the last meeting.",
     "An apology, and for it not to happen again."),
    ("I was asked several times in one week to move a payment ahead of the agreed schedule.",
     "For requests to go through the clerk, as the protocol says."),
    ("Instructions about the hall bookings were given directly to the caretaker.",
     "For instructions to come through the Proper Officer."),
    ("My emails about the allotments were forwarded to a resident without my knowledge.",
     "To be told before my correspondence is shared."),
    ("Comments about my work were posted on social media.", "For them to be taken down."),
    ("Agreed actions from the last three meetings have not been carried out.",
     "A timetable for the outstanding actions."),
]  # fmt: skip
NOTES = [
    "A conversation with both, with the clerk present.",
    "Conciliation by the monitoring officer.",
    "We talked it through and agreed how instructions reach staff.",
]
REASONS = [
    "The panel found that the remarks were made and were not acceptable.",
    "The panel found part of the account supported by the minutes.",
    "The panel found no evidence that the protocol was broken.",
]


def _party(sc: ScaleCouncil, user: User | None) -> str:
    """routing.party_of, for the scale cast: the clerk, chair and vice-chair keep their parts
    for the whole history (their terms and seats cover it)."""
    if user is None:
        return Party.RELATIONSHIP
    if user == sc.clerk:
        return Party.PROPER_OFFICER
    if user == sc.chair:
        return Party.CHAIR
    if user == sc.vice_chair:
        return Party.VICE_CHAIR
    if user in (sc.rfo, sc.officer):
        return Party.OFFICER
    return Party.COUNCILLOR


def _refer_to(council: Council) -> str:
    """R21: the body outside the council that decides a Code of Conduct complaint."""
    if council.nation == Council.Nation.WALES:
        return OMBUDSMAN_WALES
    body = "the monitoring officer of " + (council.principal_authority or "the principal authority")
    if council.monitoring_officer_name:
        body += f" ({council.monitoring_officer_name})"
    return body


def route(sc: ScaleCouncil, raiser: User, subject: User | None, kind: str):
    """routing.route_concern's table, in memory: (path, handler, explanation, refer_to)."""
    raiser_party, subject_party = _party(sc, raiser), _party(sc, subject)
    councillor_raises = raiser_party in Party.councillors()
    about_councillor = subject_party in Party.councillors()
    po, chair, vice = "the Proper Officer", "the chair", "the vice-chair"
    refer_to = ""
    if kind == Kind.CODE_OF_CONDUCT:
        refer_to = _refer_to(sc.council)
        path, order = Path.CODE_OF_CONDUCT, (po, chair, vice)
        why = f"A Code of Conduct complaint is decided outside the council, by {refer_to}. "
        why += "{handler} records the referral and its outcome."
    elif subject_party == Party.PROPER_OFFICER:
        path, order = Path.ABOUT_PROPER_OFFICER, (chair, vice)
        why = "This goes to {handler} because it is about the Proper Officer."
    elif subject_party == Party.OFFICER and councillor_raises:
        path, order = Path.COUNCILLOR_ABOUT_OFFICER, (chair, vice)
        why = (
            "A councillor's concern about an officer goes to {handler}, who raises it with the "
            "Proper Officer as the officer's line manager, informally first."
        )
    elif subject_party == Party.OFFICER:
        path, order = Path.OFFICER_ABOUT_OFFICER, (po, chair, vice)
        why = "A concern about an officer goes to {handler}, as their line manager."
    elif about_councillor and not councillor_raises:
        path, order = Path.OFFICER_ABOUT_COUNCILLOR, (po, chair, vice)
        why = (
            "An officer's concern about a councillor goes to {handler}, who seeks to resolve it "
            "informally before the formal grievance procedure."
        )
    elif about_councillor:
        path, order = Path.COUNCILLOR_ABOUT_COUNCILLOR, (chair, vice, po)
        why = "A concern between councillors goes to {handler}."
    else:
        path, order = Path.GENERAL, (po, chair, vice)
        why = "A concern about the working relationship goes to {handler}."
    people = {po: sc.clerk, chair: sc.chair, vice: sc.vice_chair}
    skipped = []
    for title in order:
        person = people[title]
        if person == subject:
            skipped.append(f"it is about {title}")
        elif person == raiser:
            skipped.append(f"{title} raised it")
        else:
            text = why.format(handler=f"{title} ({person.name})")
            text = text[0].upper() + text[1:]
            if skipped:
                text += f" Not {order[0]}, because {'; '.join(skipped)}."
            return path, person, text, refer_to
    raise ValueError("nobody can handle this concern")  # never: three people, two excluded


@dataclass
class _Case:
    """One concern as it moves through its stages, with what hangs off it."""

    sc: ScaleCouncil
    rng: random.Random
    concern: Concern
    handled_by: list[User] = field(default_factory=list)
    events: list[tuple[str, User, str, str, datetime]] = field(default_factory=list)
    hearings: list[tuple[Hearing, list[tuple[User, str]], User]] = field(default_factory=list)
    sections: list[int] = field(default_factory=list)

    @classmethod
    def raise_(cls, sc, rng, raiser, subject, kind, day, sections) -> _Case:
        """services.concern_raise: routed, due for triage in working days (R23)."""
        path, handler, explanation, refer_to = route(sc, raiser, subject, kind)
        what, hoped = rng.choice(ACCOUNTS)
        at = moment(day, rng)
        concern = Concern(
            council=sc.council,
            raised_by=raiser,
            raiser_party=_party(sc, raiser),
            subject=subject,
            subject_party=_party(sc, subject),
            kind=kind,
            what_happened=what,
            outcome_hoped=hoped,
            path=path,
            route_explanation=explanation,
            handler=handler,
            stage=Stage.TRIAGE,
            raised_on=day,
            stage_started_on=day,
            stage_due_on=due_after(day, STAGE_WORKING_DAYS[Stage.TRIAGE], sc.nation),
            referred_to=refer_to,
            created_at=at,
        )
        case = cls(sc, rng, recorded(concern, raiser, at), handled_by=[handler])
        case.sections = rng.sample(sections, min(len(sections), rng.randint(0, 2)))
        case.events.append((Event.RAISED, raiser, Audience.RAISER, "", at))
        return case

    @property
    def told(self) -> bool:
        """Whether the person concerned has been told (R16)."""
        return self.concern.subject_told_on is not None

    def _event(self, kind, actor, audience, text, day) -> None:
        """A step of the timeline, later than the one before."""
        at = moment(day, self.rng, after=self.events[-1][4])
        self.events.append((kind, actor, audience, text, at))

    def _not_before_last(self, day: date) -> date:
        """A step's day: never before the day of the step before it, so that the dates a step
        records (told, closed, decided) are the day its event says, as the services write them."""
        return max(day, timezone.localtime(self.events[-1][4]).date())

    def _move(self, stage: str, day: date) -> None:
        """concerns.services._move: the stage, when it started and when it is due (R23)."""
        refusal = self.concern.why_not(stage)
        if refusal:  # the generator itself broke the stage table: fail loudly
            raise ValueError(refusal)
        self.concern.stage = stage
        self.concern.stage_started_on = day
        if stage in STAGE_WORKING_DAYS:
            self.concern.stage_due_on = due_after(day, STAGE_WORKING_DAYS[stage], self.sc.nation)

    def _handles(self, user: User) -> None:
        """R17: remember everyone who handled a stage."""
        if user not in self.handled_by:
            self.handled_by.append(user)

    def triage(self, stage: str, day: date) -> None:
        """services.concern_triage, with R18's hand-over to the Proper Officer."""
        day = self._not_before_last(day)
        c, acting = self.concern, self.concern.handler
        self._move(stage, day)
        if c.path == Path.COUNCILLOR_ABOUT_OFFICER and stage == Stage.INFORMAL:
            if self.sc.clerk.pk not in (c.subject_id, c.raised_by_id):
                c.handler = self.sc.clerk
        self._handles(c.handler)
        note = self.rng.choice(NOTES)
        self._event(
            Event.TRIAGED, acting, Audience.RAISER, f"Next: {Stage(stage).label}. {note}", day
        )

    def tell(self, day: date) -> None:
        """R16/R22: the person concerned is told in writing."""
        day = self._not_before_last(day)
        self.concern.subject_told_on = day
        text = "A concern has been raised with you; you may respond in writing."
        self._event(Event.SUBJECT_TOLD, self.concern.handler, Audience.BOTH, text, day)

    def note(self, kind: str, day: date) -> None:
        """A conversation, conciliation or private note, with its audience (R16)."""
        day = self._not_before_last(day)
        audience = Audience.BOTH if self.told else Audience.RAISER
        if kind == Event.NOTE:
            audience = Audience.HANDLERS  # a private note (R16)
        self._event(kind, self.concern.handler, audience, self.rng.choice(NOTES), day)

    def refer(self, day: date) -> None:
        """R21: the referral outside the council."""
        day = self._not_before_last(day)
        c = self.concern
        c.referred_on = day
        c.referral_reference = f"CC/{day:%Y}/{self.rng.randint(1, 999):03d}"
        text = f"Referred to {c.referred_to} on {day:%-d %B %Y}, reference {c.referral_reference}."
        self._event(Event.REFERRED, c.handler, Audience.RAISER, text, day)

    def formal(self, day: date) -> None:
        """concerns.formal.concern_start_formal (R22: the subject was told first)."""
        day = self._not_before_last(day)
        self._move(Stage.FORMAL, day)
        text = "The matter goes to the formal procedure. A panel of the personnel committee will "
        self._event(Event.FORMAL, self.concern.handler, Audience.BOTH, text + "hear it.", day)

    def panel(self, kind: str, on: date) -> list[tuple[User, str]] | None:
        """R20/R22: a quorum of the personnel committee without the subject, the raiser, earlier
        handlers or (on appeal) the first panel; substitutes appointed by minute if need be."""
        c, sc = self.concern, self.sc
        excluded = {u.pk for u in self.handled_by} | {c.raised_by_id, c.subject_id}
        if kind == Hearing.Kind.APPEAL:
            excluded |= {u.pk for h in self.hearings for u, _ in h[1]}
        members = [u for u in sc.personnel_members_on(on) if u.pk not in excluded]
        quorum = sc.council.panel_quorum
        panel = [(u, "") for u in self.rng.sample(members, min(quorum, len(members)))]
        if len(panel) < quorum:
            committee = {u.pk for u in sc.personnel_members_on(on)}
            others = [
                u
                for u in sc.councillors_on(on)
                if u.pk not in excluded | committee and u != sc.chair
            ]
            if len(others) < quorum - len(panel):
                return None
            minute = f"{on:%y}/{self.rng.randint(10, 199):03d}"
            panel += [(u, minute) for u in self.rng.sample(others, quorum - len(panel))]
        return panel

    def hearing(
        self, kind: str, arranged: date, held_on: date, panel, *, may_move: bool = True
    ) -> Hearing:
        """concerns.formal.hearing_arrange: sometimes moved within 5 working days for the
        companion (concerns.formal.hearing_move), unless the date must stay."""
        companion = self.rng.choice(["", "", "A colleague", "A trade union representative"])
        moved = companion and self.rng.random() < 0.3 and may_move
        at = moment(arranged, self.rng, after=self.events[-1][4])
        hearing = Hearing(
            concern=self.concern,
            kind=kind,
            first_held_on=held_on,
            held_on=due_after(held_on, self.rng.randint(1, 5), self.sc.nation)
            if moved
            else held_on,
            companion=companion,
            created_at=at,
        )
        handler = self.concern.handler
        self.hearings.append((recorded(hearing, handler, at), panel, handler))
        names = ", ".join(u.name for u, _ in panel)
        text = f"{hearing.get_kind_display()} on {held_on:%A %-d %B %Y}. Panel: {names}. "
        self._event(Event.HEARING, handler, Audience.BOTH, text + COMPANION_OFFER, arranged)
        if moved:  # concerns.formal.hearing_move: both people are told the new date
            text = (
                f"{hearing.get_kind_display()} moved to {hearing.held_on:%A %-d %B %Y} so that "
                f"{companion} can attend."
            )
            self._event(Event.HEARING, handler, Audience.BOTH, text, arranged)
        return hearing

    def decide(self, hearing: Hearing, day: date) -> None:
        """concerns.formal.hearing_decide: a first decision opens the time to appeal; an appeal's
        closes the concern."""
        day = self._not_before_last(day)
        c = self.concern
        outcome = self.rng.choice(PANEL_OUTCOMES)
        reasons = self.rng.choice(REASONS)
        hearing.outcome, hearing.reasons, hearing.decided_on = outcome, reasons, day
        if hearing.kind == Hearing.Kind.HEARING:
            self._move(Stage.DECIDED, day)
            c.stage_due_on = due_after(day, c.council.appeal_working_days, self.sc.nation)
        else:
            self._move(Stage.CLOSED, day)
            c.closed_on = day
        c.outcome, c.outcome_reasons = outcome, reasons
        text = f"The panel decided: {Outcome(outcome).label}. Reasons: {reasons}"
        self._event(Event.DECIDED, c.handler, Audience.BOTH, text, day)

    def appeal(self, day: date) -> None:
        """R22: the raiser or the subject appeals within the time allowed."""
        day = self._not_before_last(day)
        c = self.concern
        self._move(Stage.APPEAL, day)
        by = self.rng.choice([c.raised_by, c.subject])
        text = "The panel did not consider what I said at the hearing."
        self._event(Event.APPEALED, by, Audience.BOTH, text, day)

    def close(self, outcome: str, day: date, referral_outcome: str = "") -> None:
        """services.concern_close (or, after a decision, closing once the time to appeal has
        passed)."""
        day = self._not_before_last(day)
        c = self.concern
        self._move(Stage.CLOSED, day)
        c.outcome = outcome
        c.closed_on = day
        if outcome == Outcome.RESOLVED_INFORMALLY:
            c.outcome_reasons = self.rng.choice(NOTES)
            c.actions_agreed = "Instructions to staff go through the clerk."
        c.referral_outcome = referral_outcome
        audience = Audience.BOTH if self.told else Audience.RAISER
        text = f"{Outcome(outcome).label}. {c.outcome_reasons}".strip()
        self._event(Event.CLOSED, c.handler, audience, text, day)

    def withdraw(self, day: date) -> None:
        """services.concern_withdraw: closed at once, whatever the stage."""
        day = self._not_before_last(day)
        c = self.concern
        c.stage, c.outcome, c.closed_on = Stage.CLOSED, Outcome.WITHDRAWN, day
        audience = Audience.BOTH if self.told else Audience.RAISER
        self._event(Event.WITHDRAWN, c.raised_by, audience, "", day)


def _after(day: date, rng, low: int, high: int, nation: str) -> date:
    """A working day between `low` and `high` working days after `day`."""
    return due_after(day, rng.randint(low, high), nation)


def _to_decision(case: _Case, raised: date) -> date:
    """Triage → informal (told in writing, R22) → formal → hearing → decision; the decision
    day."""
    rng, nation = case.rng, case.sc.nation
    day = _after(raised, rng, 1, 6, nation)
    case.triage(Stage.INFORMAL, day)
    case.tell(day)
    case.note(Event.CONCILIATION, _after(day, rng, 1, 5, nation))
    day = _after(day, rng, 6, 20, nation)
    case.formal(day)
    arranged = _after(day, rng, 1, 3, nation)
    panel = case.panel(Hearing.Kind.HEARING, arranged)
    if panel is None:  # never: a committee of five loses at most the raiser and the subject
        raise ValueError("no panel for a first hearing")
    held = _after(arranged, rng, 5, 15, nation)
    hearing = case.hearing(Hearing.Kind.HEARING, arranged, held, panel)
    case.decide(hearing, hearing.held_on)
    return hearing.held_on


def _closed_case(sc: ScaleCouncil, rng, today: date, sections) -> _Case:
    """A concern of the last five years that has been closed, by one of the usual routes."""
    nation = sc.nation
    scenario = rng.choices(
        ("informal", "triage", "withdrawn", "referred", "formal", "appeal"),
        weights=(42, 18, 16, 16, 6, 2),
    )[0]
    # Old enough for every step to be over before today.
    oldest = {"formal": 200, "appeal": 300, "referred": 150}.get(scenario, 90)
    raised = days_ago(today, rng, oldest, HISTORY_DAYS)
    people = sc.councillors_on(raised) + sc.officers_on(raised)
    raiser = rng.choice(people)
    others = [u for u in people if u != raiser]
    if scenario == "referred":  # R21: a Code of Conduct complaint about a councillor
        subject = rng.choice([u for u in sc.councillors_on(raised) if u != raiser])
        kind = Kind.CODE_OF_CONDUCT
    else:
        need_subject = scenario in ("formal", "appeal")
        subject = None if not need_subject and rng.random() < 0.1 else rng.choice(others)
        kind = rng.choice(OTHER_KINDS)
    case = _Case.raise_(sc, rng, raiser, subject, kind, raised, sections(sc, raised))
    if scenario == "referred":
        day = _after(raised, rng, 1, 6, nation)
        case.triage(Stage.REFERRED, day)
        case.refer(day)
        day = _after(day, rng, 20, 80, nation)
        body = case.concern.referred_to
        text = f"{body[0].upper()}{body[1:]} found no breach of the Code of Conduct."
        # The outside body's outcome is recorded as the concern closes (services.concern_close),
        # in the closing step: no event of its own.
        case.close(Outcome.REFERRED, day, referral_outcome=text)
    elif scenario == "triage":
        case.close(Outcome.RESOLVED_INFORMALLY, _after(raised, rng, 1, 6, nation))
    elif scenario in ("informal", "withdrawn"):
        day = _after(raised, rng, 1, 7, nation)  # sometimes after the triage was due
        if scenario == "informal" or rng.random() < 0.5:
            case.triage(Stage.INFORMAL, day)
            if subject and rng.random() < 0.5:
                case.tell(day)
            case.note(rng.choice((Event.CONVERSATION, Event.NOTE)), _after(day, rng, 1, 5, nation))
            day = _after(day, rng, 3, 25, nation)
        if scenario == "withdrawn":
            case.withdraw(day)
        else:
            case.close(Outcome.RESOLVED_INFORMALLY, day)
    else:
        decided = _to_decision(case, raised)
        appeal_ends = case.concern.stage_due_on
        panel = None
        if scenario == "appeal":
            appealed = _after(decided, rng, 1, 9, nation)
            arranged = _after(appealed, rng, 1, 3, nation)
            case.appeal(appealed)
            panel = case.panel(Hearing.Kind.APPEAL, arranged)
        if panel is not None:
            held = _after(arranged, rng, 5, 15, nation)
            hearing = case.hearing(Hearing.Kind.APPEAL, arranged, held, panel)
            case.decide(hearing, hearing.held_on)
        elif scenario == "appeal":
            case.withdraw(_after(appealed, rng, 1, 3, nation))  # nobody could hear it
        else:
            case.close(case.concern.outcome, due_after(appeal_ends, 1, nation))
    return case


def _open_cases(sc: ScaleCouncil, rng, today: date, sections) -> list[_Case]:
    """The seven open concerns of every council (councillor j is sc.councillors[j - 1])."""
    nation = sc.nation
    cases = []

    def j(n: int) -> User:
        """Councillor j of the council."""
        return sc.councillors[n - 1]

    def new(raiser, subject, kind, raised):
        """Raise a concern on a day and keep it."""
        case = _Case.raise_(sc, rng, raiser, subject, kind, raised, sections(sc, raised))
        cases.append(case)
        return case

    # 1. A councillor about an officer, with the chair for triage and 3 working days overdue
    #    (R18, R23): the chair's escalations page and the overdue reminders show it.
    new(j(5), sc.officer, Kind.CONDUCT, working_day_before(today, 8, nation))
    # 2. An officer about a councillor, informal with the clerk, 5 working days overdue (R19):
    #    the clerk's queue, and the chair's page without details (R16).
    triaged = working_day_before(today, 25, nation)
    case = new(sc.rfo, j(6), Kind.UNDUE_PRESSURE, working_day_before(triaged, 2, nation))
    case.triage(Stage.INFORMAL, triaged)
    case.tell(triaged)
    case.note(Event.CONVERSATION, due_after(triaged, 3, nation))
    # 3. Formal, with a hearing arranged in the coming weeks for a panel (R20): the hearings page.
    raised = working_day_before(today, 30, nation)
    case = new(sc.officer, j(8), Kind.BULLYING, raised)
    case.triage(Stage.INFORMAL, due_after(raised, 1, nation))
    case.tell(due_after(raised, 1, nation))
    case.note(Event.CONCILIATION, due_after(raised, 5, nation))
    case.formal(working_day_before(today, 8, nation))
    arranged = working_day_before(today, 3, nation)
    held = today + timedelta(days=rng.randint(5, 15))
    case.hearing(Hearing.Kind.HEARING, arranged, held, case.panel(Hearing.Kind.HEARING, arranged))
    # 4. Between councillors, with the chair, triage due in 2 working days (its reminder today).
    new(j(7), j(9), Kind.CONDUCT, start_for_due(due_after(today, 2, nation), 5, nation))
    # 5. A Code of Conduct complaint, referred outside (R21), waiting for the outcome.
    raised = working_day_before(today, 6, nation)
    case = new(j(4), j(10), Kind.CODE_OF_CONDUCT, raised)
    case.triage(Stage.REFERRED, due_after(raised, 2, nation))
    case.refer(due_after(raised, 2, nation))
    # 6. About the chair: the vice-chair handles it (R17), informal and 3 working days overdue;
    #    the vice-chair's escalations page shows it, the chair's does not.
    triaged = working_day_before(today, 23, nation)
    case = new(j(3), sc.chair, Kind.CONDUCT, working_day_before(triaged, 3, nation))
    case.triage(Stage.INFORMAL, triaged)
    case.tell(triaged)
    # 7. The Proper Officer about a councillor: with the chair (R19, R17); the panel decided
    #    3 working days ago and the time to appeal runs for 7 more.
    raised = working_day_before(today, 45, nation)
    case = new(sc.clerk, j(7), Kind.CONDUCT, raised)
    day = due_after(raised, 2, nation)
    case.triage(Stage.INFORMAL, day)
    case.tell(day)
    case.formal(due_after(day, 10, nation))
    arranged = due_after(day, 12, nation)
    held = working_day_before(today, 3, nation)
    # Not moved: the decision is three working days old.
    panel = case.panel(Hearing.Kind.HEARING, arranged)
    hearing = case.hearing(Hearing.Kind.HEARING, arranged, held, panel, may_move=False)
    case.decide(hearing, held)
    return cases


def _sections_in_force(chunk: ScaleChunk):
    """The sections of the version in force on a day, per council (one query per chunk): a
    concern may cite them (the one link between apps DESIGN §2 allows)."""
    rows = (
        Section.objects.filter(version__council_id__in=[sc.council.pk for sc in chunk.councils])
        .exclude(version__adopted_on__isnull=True)
        .order_by("version__council_id", "version__adopted_on", "position")
        .values_list("version__council_id", "version__adopted_on", "id")
    )
    by_council: dict[int, list[tuple[date, list[int]]]] = {}
    for council_id, adopted_on, section_id in rows:
        versions = by_council.setdefault(council_id, [])
        if not versions or versions[-1][0] != adopted_on:
            versions.append((adopted_on, []))
        versions[-1][1].append(section_id)

    def sections(sc: ScaleCouncil, on: date) -> list[int]:
        """The sections of the version in force on a day (none before the first)."""
        in_force: list[int] = []
        for adopted_on, ids in by_council.get(sc.council.pk, ()):
            if adopted_on <= on:
                in_force = ids
        return in_force

    return sections


@register
def build_concerns(chunk: ScaleChunk) -> Counter:
    """Concerns with their events, handlers, cited sections, hearings and panels, for a chunk."""
    counts: Counter = Counter()
    sections = _sections_in_force(chunk)
    cases: list[_Case] = []
    for sc in chunk.councils:
        rng = chunk.rng(sc, "concerns")
        opened = _open_cases(sc, rng, chunk.today, sections)
        closed = [
            _closed_case(sc, rng, chunk.today, sections)
            for _ in range(CONCERNS_PER_COUNCIL - len(opened))
        ]
        closed.sort(key=lambda c: c.concern.raised_on)
        cases += closed + opened
    for case in cases:
        case.concern.updated_at = case.events[-1][4]
    insert(Concern, [c.concern for c in cases], counts)

    HandledBy, Cited = Concern.handled_by.through, Concern.sections.through
    insert(
        HandledBy,
        [HandledBy(concern=c.concern, user=u) for c in cases for u in c.handled_by],
        counts,
    )
    insert(
        Cited,
        [Cited(concern_id=c.concern.pk, section_id=s) for c in cases for s in c.sections],
        counts,
    )
    insert(
        ConcernEvent,
        [
            ConcernEvent(concern=c.concern, kind=k, actor=a, audience=aud, text=t, at=at)
            for c in cases
            for k, a, aud, t, at in c.events
        ],
        counts,
    )
    hearings = [h for c in cases for h in c.hearings]
    insert(Hearing, [h for h, _, _ in hearings], counts)
    insert(
        PanelMember,
        [
            recorded(PanelMember(hearing=h, user=u, substitute_minute=minute), by, h.created_at)
            for h, panel, by in hearings
            for u, minute in panel
        ],
        counts,
    )
    return counts
