"""Business actions for concerns (DESIGN §4 R16–R23): `concern_<verb>`, keyword-only, with the
acting user; lock → check the stage table → change → save with the actor in the history (R27) →
notices through the outbox.

R16 in notices: a notice about a concern says only that there is a matter to look at, with a link
that asks for sign-in and checks the policy. No names, kinds or details go in an email.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from council.audit import AuditKind, audit_record
from council.lib.working_days import add_working_days, working_days_before
from council.models import Committee, Council, Seat, User
from council.outbox import Notice, notification_create, notifications_create_in_batches
from council.policy import (
    Standing,
    chair_of,
    chairs_of,
    escalation_contact,
    proper_officer_for,
    standing_for,
)
from council.services import save_recorded
from protocol.models import Section

from .models import Concern, ConcernEvent, Hearing, PanelMember, Party
from .routing import party_of, route_concern

Stage = Concern.Stage
Audience = ConcernEvent.Audience

# R23: each stage is due this many working days after it starts.
STAGE_WORKING_DAYS = {
    Stage.TRIAGE: 5,
    Stage.INFORMAL: 20,
    Stage.FORMAL: 20,
    Stage.DECIDED: 10,  # the time to appeal
    Stage.APPEAL: 20,
    Stage.REFERRED: 60,  # chase the outside body for its outcome
}

PRIVACY_NOTICE = (
    "Only you and the people who handle your concern at each stage can see it. If it is raised "
    "with the person it is about, they are told that it has been raised and see only what is "
    "shared with them, never the handlers' notes. Nothing of it appears on any public page."
)
NOTICE_SUBJECT = "You have a new matter to look at"
NOTICE_BODY = "There is a matter for you on the council portal. Sign in to see it."

MSG_NOT_A_MEMBER = "{person} holds no role in this council today. Choose someone who does."
MSG_CLOSED = "This concern is closed."
MSG_OUTCOME_FOR_STAGE = "Choose an outcome that fits: {allowed}."
MSG_ALREADY_TOLD = "{person} was already told on {day}."
MSG_NOBODY_TO_TELL = "This concern is about the working relationship, not a person."


def _link(concern: Concern) -> str:
    return reverse("concerns:concern_detail", args=[concern.council.slug, concern.pk])


def _notice(concern: Concern, user: User, key: str, link: str = "") -> Notice:
    """R16: the same content-free notice for every concern event."""
    return Notice(
        user=user,
        council=concern.council,
        key=f"concern:{concern.pk}:{key}:{user.pk}",
        kind="concern",
        subject=NOTICE_SUBJECT,
        body=NOTICE_BODY,
        link=link or _link(concern),
    )


def _notify(concern: Concern, user: User, key: str, link: str = ""):
    """A concern's notice (_notice) through the outbox, once."""
    return notification_create(**_notice(concern, user, key, link))


def _event(concern, kind, actor, audience, text="") -> ConcernEvent:
    return ConcernEvent.objects.create(
        concern=concern, kind=kind, actor=actor, audience=audience, text=text.strip()
    )


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().select_related("council").get(pk=concern.pk)


def _move(concern: Concern, stage: str, today: date) -> None:
    """Move to a stage the workflow allows (Concern.why_not), with its due date in working days
    (R23)."""
    refusal = concern.why_not(stage)
    if refusal:
        raise ValidationError(refusal)
    concern.stage = stage
    concern.stage_started_on = today
    if stage in STAGE_WORKING_DAYS:
        concern.stage_due_on = add_working_days(
            today, STAGE_WORKING_DAYS[Stage(stage)], concern.council.nation
        ).due


def subject_party_of(council: Council, subject: User | None, on: date) -> str:
    if subject is None:
        return Party.RELATIONSHIP
    standing = standing_for(subject, council, on)
    if not standing.is_member:
        raise ValidationError({"subject": MSG_NOT_A_MEMBER.format(person=subject.name)})
    return party_of(standing)


def concern_route_preview(*, raiser: Standing, subject: User | None, kind: str):
    """The route the concern would take, for the page to show before it is raised."""
    party = subject_party_of(raiser.council, subject, raiser.on)
    return route_concern(raiser=raiser, subject=subject, subject_party=party, kind=kind)


def concern_raise(
    *,
    raiser: Standing,
    subject: User | None,
    kind: str,
    sections: Iterable[Section] = (),
    what_happened: str,
    outcome_hoped: str = "",
) -> Concern:
    """A councillor or an officer raises a concern. It is routed (R17–R21) and the handler told,
    without details (R16)."""
    if subject is not None and subject.pk == raiser.user.pk:
        raise ValidationError({"subject": "You cannot raise a concern about yourself."})
    council, today = raiser.council, raiser.on
    subject_party = subject_party_of(council, subject, today)
    routing = route_concern(raiser=raiser, subject=subject, subject_party=subject_party, kind=kind)
    with transaction.atomic():
        concern = Concern(
            council=council,
            raised_by=raiser.user,
            raiser_party=party_of(raiser),
            subject=subject,
            subject_party=subject_party,
            kind=kind,
            what_happened=what_happened.strip(),
            outcome_hoped=outcome_hoped.strip(),
            path=routing.path,
            route_explanation=routing.explanation,
            handler=routing.handler,
            stage=Stage.TRIAGE,
            raised_on=today,
            stage_started_on=today,
            stage_due_on=add_working_days(
                today, STAGE_WORKING_DAYS[Stage.TRIAGE], council.nation
            ).due,
            referred_to=routing.refer_to,
        )
        save_recorded(concern, acting_user=raiser.user)
        concern.sections.set([s for s in sections if s.version.council_id == council.pk])
        if routing.handler:
            concern.handled_by.add(routing.handler)
            _notify(concern, routing.handler, "raised")
        _event(concern, ConcernEvent.Kind.RAISED, raiser.user, Audience.RAISER)
        audit_record(
            kind=AuditKind.CONCERN_RAISED,
            acting_user=raiser.user,
            council=council,
            target=concern,
            data={"path": concern.path, "handler_id": concern.handler_id},
        )
    return concern


def concern_triage(
    *, concern: Concern, next_stage: str, note: str, acting_user: User, today: date | None = None
) -> Concern:
    """The handler decides the next step: informal resolution (the default, R18/R19), the formal
    procedure, or (R21) a referral outside the council."""
    today = today or timezone.localdate()
    with transaction.atomic():
        concern = _lock(concern)
        if concern.stage != Stage.TRIAGE:
            raise ValidationError("This concern has been triaged already.")
        _move(concern, next_stage, today)
        if concern.path == Concern.Path.COUNCILLOR_ABOUT_OFFICER and next_stage == Stage.INFORMAL:
            # R18: the chair raises it with the Proper Officer, the line manager, who takes it on.
            line_manager = proper_officer_for(concern.council, today)
            if line_manager and line_manager.pk not in (concern.subject_id, concern.raised_by_id):
                concern.handler = line_manager
        save_recorded(concern, acting_user=acting_user)
        if concern.handler:
            concern.handled_by.add(concern.handler)
            if concern.handler.pk != acting_user.pk:
                _notify(concern, concern.handler, f"stage-{next_stage}")
        _event(
            concern,
            ConcernEvent.Kind.TRIAGED,
            acting_user,
            Audience.RAISER,
            f"Next: {Stage(next_stage).label}. {note}",
        )
        audit_record(
            kind=AuditKind.CONCERN_TRIAGED,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
            data={"stage": next_stage, "handler_id": concern.handler_id},
        )
        _notify(concern, concern.raised_by, f"stage-{next_stage}")
    return concern


def concern_tell_subject(
    *, concern: Concern, message: str, acting_user: User, today: date | None = None
) -> Concern:
    """R16/R22: the person concerned is told, in writing, that the matter is raised with them.
    From then on they see the concern's summary and what is shared with them."""
    today = today or timezone.localdate()
    with transaction.atomic():
        concern = _lock(concern)
        if not concern.is_open:
            raise ValidationError(MSG_CLOSED)
        if concern.subject is None:
            raise ValidationError(MSG_NOBODY_TO_TELL)
        if concern.subject_told_on:
            raise ValidationError(
                MSG_ALREADY_TOLD.format(
                    person=concern.subject.name, day=f"{concern.subject_told_on:%-d %B %Y}"
                )
            )
        concern.subject_told_on = today
        save_recorded(concern, acting_user=acting_user)
        _event(concern, ConcernEvent.Kind.SUBJECT_TOLD, acting_user, Audience.BOTH, message)
        audit_record(
            kind=AuditKind.CONCERN_SUBJECT_TOLD,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
            data={"told_on": today},
        )
        _notify(concern, concern.subject, "told")
    return concern


def concern_add_note(
    *, concern: Concern, kind: str, audience: str, text: str, acting_user: User
) -> ConcernEvent:
    """A handler records a step: a conversation, a conciliation (by the monitoring officer or an
    independent person), or a private note. The audience says who may read it (R16)."""
    if not text.strip():
        raise ValidationError({"text": "Enter what happened."})
    with transaction.atomic():
        concern = _lock(concern)
        if not concern.is_open:
            raise ValidationError(MSG_CLOSED)
        if audience == Audience.BOTH and not concern.subject_told_on:
            raise ValidationError(
                {"audience": "The person concerned has not been told of this matter yet."}
            )
        event = _event(concern, kind, acting_user, audience, text)
        if audience in (Audience.RAISER, Audience.BOTH) and acting_user != concern.raised_by:
            _notify(concern, concern.raised_by, f"event-{event.pk}")
        if audience == Audience.BOTH and concern.subject:
            _notify(concern, concern.subject, f"event-{event.pk}")
    return event


def concern_refer(
    *, concern: Concern, referred_on: date, reference: str, acting_user: User
) -> Concern:
    """R21: record the referral outside the council; the council's own process stops here."""
    with transaction.atomic():
        concern = _lock(concern)
        if concern.stage != Stage.REFERRED:
            _move(concern, Stage.REFERRED, referred_on)  # R21: Concern.why_not
        concern.referred_on = referred_on
        concern.referral_reference = reference.strip()
        save_recorded(concern, acting_user=acting_user)
        _event(
            concern,
            ConcernEvent.Kind.REFERRED,
            acting_user,
            Audience.RAISER,
            f"Referred to {concern.referred_to} on {referred_on:%-d %B %Y}"
            + (f", reference {concern.referral_reference}." if concern.referral_reference else "."),
        )
        audit_record(
            kind=AuditKind.CONCERN_REFERRED,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
            data={"referred_on": referred_on},
        )
        _notify(concern, concern.raised_by, "referred")
    return concern


# Which outcomes close a concern from which stage.
CLOSING_OUTCOMES = {
    Stage.TRIAGE: {Concern.Outcome.RESOLVED_INFORMALLY},
    Stage.INFORMAL: {Concern.Outcome.RESOLVED_INFORMALLY},
    Stage.REFERRED: {Concern.Outcome.REFERRED},
}


def closing_outcomes(concern: Concern) -> set[str]:
    """The outcomes a handler may close a concern with at its stage. After a panel's decision,
    once the time to appeal has passed, only that decision."""
    if concern.stage == Stage.DECIDED:
        return {concern.outcome}
    return set(CLOSING_OUTCOMES.get(Stage(concern.stage), set()))


def concern_close(
    *,
    concern: Concern,
    outcome: str,
    reasons: str,
    actions_agreed: str = "",
    referral_outcome: str = "",
    acting_user: User,
    today: date | None = None,
) -> Concern:
    """Close a concern with its outcome record: resolved informally, or (R21) the outside body's
    outcome. Formal outcomes come from the panel's decision."""
    today = today or timezone.localdate()
    with transaction.atomic():
        concern = _lock(concern)
        allowed = closing_outcomes(concern)
        if outcome not in allowed:
            if not concern.is_open:
                raise ValidationError(MSG_CLOSED)
            labels = ", ".join(Concern.Outcome(o).label.lower() for o in allowed) or "none here"
            raise ValidationError({"outcome": MSG_OUTCOME_FOR_STAGE.format(allowed=labels)})
        if concern.stage == Stage.REFERRED and not referral_outcome.strip():
            raise ValidationError({"referral_outcome": "Enter the outside body's outcome."})
        _move(concern, Stage.CLOSED, today)
        concern.outcome = outcome
        concern.outcome_reasons = reasons.strip()
        concern.actions_agreed = actions_agreed.strip()
        concern.referral_outcome = referral_outcome.strip()
        concern.closed_on = today
        save_recorded(concern, acting_user=acting_user)
        audience = Audience.BOTH if concern.subject_told_on else Audience.RAISER
        _event(
            concern,
            ConcernEvent.Kind.CLOSED,
            acting_user,
            audience,
            f"{concern.get_outcome_display()}. {concern.outcome_reasons}",
        )
        audit_record(
            kind=AuditKind.CONCERN_CLOSED,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
            data={"outcome": outcome},
        )
        _notify(concern, concern.raised_by, "closed")
        if concern.subject_told_on and concern.subject:
            _notify(concern, concern.subject, "closed")
    return concern


def concern_withdraw(*, concern: Concern, acting_user: User, today: date | None = None) -> Concern:
    """The person who raised it withdraws it, at any open stage."""
    today = today or timezone.localdate()
    with transaction.atomic():
        concern = _lock(concern)
        if not concern.is_open:
            raise ValidationError(MSG_CLOSED)
        concern.stage = Stage.CLOSED
        concern.outcome = Concern.Outcome.WITHDRAWN
        concern.closed_on = today
        save_recorded(concern, acting_user=acting_user)
        audience = Audience.BOTH if concern.subject_told_on else Audience.RAISER
        _event(concern, ConcernEvent.Kind.WITHDRAWN, acting_user, audience)
        audit_record(
            kind=AuditKind.CONCERN_WITHDRAWN,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
        )
        if concern.handler:
            _notify(concern, concern.handler, "withdrawn")
    return concern


# ---------------------------------------------------------------------------------------------
# The formal procedure (R20, R22)
# ---------------------------------------------------------------------------------------------

MSG_PANEL_CHAIR_ALONE = (
    "The chair never decides a grievance, disciplinary or performance matter alone. Choose a "
    "panel of the personnel committee."
)
MSG_PANEL_TOO_SMALL = (
    "A panel needs at least {quorum} members (the council's quorum); you chose {count}."
)
MSG_PANEL_EXCLUDED = "{person} cannot sit on this panel: {why}."
MSG_PANEL_NOT_ON_COMMITTEE = (
    "{person} does not sit on the personnel committee. Record them as a substitute appointed by "
    "the council, with the minute of that decision."
)
MSG_HEARING_PENDING = "A hearing is already arranged and not yet decided."
MSG_MOVE_TOO_LATE = (
    "A hearing the companion cannot attend moves to a date within 5 working days of the first "
    "date: by {latest}."
)
MSG_APPEAL_TOO_LATE = "The time to appeal ended on {day}."
MSG_DECISION_OUTCOMES = "Choose upheld, partly upheld or not upheld."
PANEL_OUTCOMES = (
    Concern.Outcome.UPHELD,
    Concern.Outcome.PARTLY_UPHELD,
    Concern.Outcome.NOT_UPHELD,
)
COMPANION_OFFER = (
    "You may bring a companion to the hearing: a colleague, or a trade union representative. "
    "If your companion cannot come on this date, tell us and we will move it to a date within 5 "
    "working days."
)


def _panel_exclusions(concern: Concern, kind: str) -> dict[int, str]:
    """R17/R22: who may not sit on a panel, and why."""
    why: dict[int, str] = {}
    for user in concern.handled_by.all():
        why[user.pk] = "they handled an earlier stage"
    if kind == Hearing.Kind.APPEAL:
        earlier = PanelMember.objects.filter(
            hearing__concern=concern, hearing__kind=Hearing.Kind.HEARING
        ).values_list("user_id", flat=True)
        for pk in earlier:
            why[pk] = "they sat on the panel of the first hearing"
    why[concern.raised_by_id] = "they raised the concern"
    if concern.subject_id:
        why[concern.subject_id] = "the concern is about them"
    return why


def personnel_committee_members(council: Council, on: date) -> list[User]:
    seats = (
        Seat.objects.current(on)
        .filter(committee__council=council, committee__kind=Committee.Kind.PERSONNEL)
        .select_related("user")
        .order_by("user__name")
    )
    return list(dict.fromkeys(s.user for s in seats))


def panel_candidates(*, concern: Concern, kind: str, on: date) -> tuple[list[User], int]:
    """The personnel committee members who may sit on this panel, and how many more the quorum
    needs beyond them (0 when the committee can form a panel on its own)."""
    excluded = _panel_exclusions(concern, kind)
    eligible = [u for u in personnel_committee_members(concern.council, on) if u.pk not in excluded]
    return eligible, max(0, concern.council.panel_quorum - len(eligible))


def panel_check(
    *, concern: Concern, kind: str, members: list[User], substitutes: dict[User, str], on: date
) -> None:
    """R20: a panel of the personnel committee with the council's quorum, never the chair alone;
    R17/R22: without the subject, the raiser, earlier handlers (and, on appeal, the first
    panel). Substitutes count only with the minute of their appointment."""
    everyone = [*members, *substitutes]
    chair = chair_of(concern.council, on)
    if chair is not None and [u.pk for u in everyone] == [chair.pk]:
        raise ValidationError({"members": MSG_PANEL_CHAIR_ALONE})
    excluded = _panel_exclusions(concern, kind)
    errors = [
        MSG_PANEL_EXCLUDED.format(person=u.name, why=excluded[u.pk])
        for u in everyone
        if u.pk in excluded
    ]
    committee = {u.pk for u in personnel_committee_members(concern.council, on)}
    errors += [
        MSG_PANEL_NOT_ON_COMMITTEE.format(person=u.name) for u in members if u.pk not in committee
    ]
    errors += [
        f"Enter the minute appointing {u.name} as a substitute."
        for u, minute in substitutes.items()
        if not minute.strip()
    ]
    if errors:
        raise ValidationError({"members": errors})
    if len({u.pk for u in everyone}) < concern.council.panel_quorum:
        raise ValidationError(
            {
                "members": MSG_PANEL_TOO_SMALL.format(
                    quorum=concern.council.panel_quorum, count=len(everyone)
                )
            }
        )


def concern_start_formal(
    *, concern: Concern, acting_user: User, today: date | None = None
) -> Concern:
    """Move to the formal procedure (R19/R22): the person concerned must have been told."""
    today = today or timezone.localdate()
    with transaction.atomic():
        concern = _lock(concern)
        _move(concern, Stage.FORMAL, today)  # R18, R21, R22: Concern.why_not
        save_recorded(concern, acting_user=acting_user)
        _event(
            concern,
            ConcernEvent.Kind.FORMAL,
            acting_user,
            Audience.BOTH,
            "The matter goes to the formal procedure. A panel of the personnel committee will "
            "hear it.",
        )
        audit_record(
            kind=AuditKind.CONCERN_FORMAL,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
        )
        for person in (concern.raised_by, concern.subject):
            if person is not None:  # a formal stage always has a subject (Concern.why_not)
                _notify(concern, person, "formal")
    return concern


def hearing_arrange(
    *,
    concern: Concern,
    held_on: date,
    members: list[User],
    substitutes: dict[User, str] | None = None,
    companion: str = "",
    acting_user: User,
    today: date | None = None,
) -> Hearing:
    """Arrange the hearing (formal stage) or the appeal hearing (appeal stage), with its panel."""
    today = today or timezone.localdate()
    substitutes = substitutes or {}
    with transaction.atomic():
        concern = _lock(concern)
        kind = {Stage.FORMAL: Hearing.Kind.HEARING, Stage.APPEAL: Hearing.Kind.APPEAL}.get(
            Stage(concern.stage)
        )
        if kind is None:
            raise ValidationError(
                f"A hearing is arranged at the formal or appeal stage; this concern is at "
                f"'{concern.get_stage_display()}'."
            )
        if concern.hearings.filter(kind=kind, decided_on__isnull=True).exists():
            raise ValidationError(MSG_HEARING_PENDING)
        if held_on < today:
            raise ValidationError({"held_on": "The hearing date cannot be in the past."})
        panel_check(concern=concern, kind=kind, members=members, substitutes=substitutes, on=today)
        hearing = Hearing(
            concern=concern, kind=kind, first_held_on=held_on, held_on=held_on, companion=companion
        )
        save_recorded(hearing, acting_user=acting_user)
        for user in members:
            save_recorded(PanelMember(hearing=hearing, user=user), acting_user=acting_user)
        for user, minute in substitutes.items():
            save_recorded(
                PanelMember(hearing=hearing, user=user, substitute_minute=minute.strip()),
                acting_user=acting_user,
            )
        names = ", ".join(u.name for u in [*members, *substitutes])
        _event(
            concern,
            ConcernEvent.Kind.HEARING,
            acting_user,
            Audience.BOTH,
            f"{hearing.get_kind_display()} on {held_on:%A %-d %B %Y}. Panel: {names}. "
            f"{COMPANION_OFFER}",
        )
        audit_record(
            kind=AuditKind.CONCERN_HEARING_ARRANGED,
            acting_user=acting_user,
            council=concern.council,
            target=hearing,
            data={
                "concern_id": concern.pk,
                "kind": kind,
                "held_on": held_on,
                "panel_ids": [u.pk for u in [*members, *substitutes]],
            },
        )
        told: list[User | None] = [concern.raised_by, concern.subject, *members, *substitutes]
        for person in {u for u in told if u is not None}:
            _notify(concern, person, f"hearing-{hearing.pk}")
    return hearing


def hearing_move(*, hearing: Hearing, held_on: date, companion: str, acting_user: User) -> Hearing:
    """R22: a hearing the companion cannot attend moves to a date within 5 working days."""
    with transaction.atomic():
        hearing = (
            Hearing.objects.select_for_update()
            .select_related("concern__council")
            .get(pk=hearing.pk)
        )
        if hearing.decided_on:
            raise ValidationError("This hearing has been decided.")
        latest = add_working_days(hearing.first_held_on, 5, hearing.concern.council.nation).due
        if not hearing.first_held_on <= held_on <= latest:
            raise ValidationError(
                {"held_on": MSG_MOVE_TOO_LATE.format(latest=f"{latest:%A %-d %B %Y}")}
            )
        hearing.held_on = held_on
        hearing.companion = companion.strip() or hearing.companion
        save_recorded(hearing, acting_user=acting_user)
        _event(
            hearing.concern,
            ConcernEvent.Kind.HEARING,
            acting_user,
            Audience.BOTH,
            f"{hearing.get_kind_display()} moved to {held_on:%A %-d %B %Y} so that "
            f"{hearing.companion or 'the companion'} can attend.",
        )
        audit_record(
            kind=AuditKind.CONCERN_HEARING_MOVED,
            acting_user=acting_user,
            council=hearing.concern.council,
            target=hearing,
            data={"concern_id": hearing.concern_id, "held_on": held_on},
        )
        for user in {hearing.concern.raised_by, hearing.concern.subject}:
            if user is not None:
                _notify(hearing.concern, user, f"hearing-{hearing.pk}-moved-{held_on}")
    return hearing


def hearing_decide(
    *,
    hearing: Hearing,
    outcome: str,
    reasons: str,
    acting_user: User,
    today: date | None = None,
) -> Hearing:
    """R20/R22: record the panel's decision and reasons; both people get it in writing. A first
    hearing's decision opens the time to appeal; an appeal's decision closes the concern."""
    today = today or timezone.localdate()
    if outcome not in PANEL_OUTCOMES:
        raise ValidationError({"outcome": MSG_DECISION_OUTCOMES})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the panel's reasons."})
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        concern = _lock(hearing.concern)
        if hearing.decided_on:
            raise ValidationError("This hearing has been decided.")
        hearing.outcome, hearing.reasons, hearing.decided_on = outcome, reasons.strip(), today
        save_recorded(hearing, acting_user=acting_user)
        if hearing.kind == Hearing.Kind.HEARING:
            _move(concern, Stage.DECIDED, today)
            concern.stage_due_on = add_working_days(
                today, concern.council.appeal_working_days, concern.council.nation
            ).due
        else:
            _move(concern, Stage.CLOSED, today)
            concern.closed_on = today
        concern.outcome = outcome
        concern.outcome_reasons = reasons.strip()
        save_recorded(concern, acting_user=acting_user)
        panel = ", ".join(m.user.name for m in hearing.panel.select_related("user"))
        text = (
            f"The panel ({panel}) decided: {concern.get_outcome_display()}. Reasons: "
            f"{concern.outcome_reasons}"
        )
        if hearing.kind == Hearing.Kind.HEARING:
            text += (
                f" Either of you may appeal by {concern.stage_due_on:%A %-d %B %Y}, to a panel of "
                "members not involved before."
            )
        _event(concern, ConcernEvent.Kind.DECIDED, acting_user, Audience.BOTH, text)
        audit_record(
            kind=AuditKind.CONCERN_HEARING_DECIDED,
            acting_user=acting_user,
            council=concern.council,
            target=hearing,
            data={"concern_id": concern.pk, "kind": hearing.kind, "outcome": outcome},
        )
        for user in {concern.raised_by, concern.subject}:
            if user is not None:
                _notify(concern, user, f"decided-{hearing.pk}")
    return hearing


def concern_appeal(
    *, concern: Concern, grounds: str, acting_user: User, today: date | None = None
) -> Concern:
    """R22: the person who raised it, or the person it is about, appeals within the set time."""
    today = today or timezone.localdate()
    if not grounds.strip():
        raise ValidationError({"grounds": "Say why you are appealing."})
    with transaction.atomic():
        concern = _lock(concern)
        if concern.stage == Stage.DECIDED and today > concern.stage_due_on:
            raise ValidationError(
                MSG_APPEAL_TOO_LATE.format(day=f"{concern.stage_due_on:%-d %B %Y}")
            )
        _move(concern, Stage.APPEAL, today)
        save_recorded(concern, acting_user=acting_user)
        _event(concern, ConcernEvent.Kind.APPEALED, acting_user, Audience.BOTH, grounds)
        audit_record(
            kind=AuditKind.CONCERN_APPEALED,
            acting_user=acting_user,
            council=concern.council,
            target=concern,
        )
        if concern.handler:
            _notify(concern, concern.handler, "appeal")
        other = concern.subject if acting_user == concern.raised_by else concern.raised_by
        if other is not None:
            _notify(concern, other, "appeal")
    return concern


# ---------------------------------------------------------------------------------------------
# What each open matter waits for, reminders and escalation (R23)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """What an open concern waits for, and from whom, for the queues."""

    what: str
    whom: str


def waiting_for(concern: Concern, today: date) -> Waiting:
    """Read from the concern's stage and hearings (prefetch `hearings__panel__user` for lists).
    Says nothing of what the concern is about (R16): the chair's page shows it for matters the
    chair does not handle."""
    handler = concern.handler.name if concern.handler else "the Proper Officer"
    stage = concern.stage
    if stage == Stage.TRIAGE:
        return Waiting("Triage: choosing the next step", handler)
    if stage == Stage.INFORMAL:
        if concern.subject_id and not concern.subject_told_on:
            return Waiting("Raising it with the person concerned, in writing", handler)
        return Waiting("Informal resolution: a conversation or conciliation", handler)
    if stage in (Stage.FORMAL, Stage.APPEAL):
        pending = [h for h in concern.hearings.all() if h.decided_on is None]
        if not pending:
            return Waiting("A hearing to be arranged, with a panel", handler)
        panel = ", ".join(m.user.name for m in pending[0].panel.all())
        return Waiting(
            f"The panel's decision after the hearing on {pending[0].held_on:%-d %B %Y}",
            f"The panel: {panel}",
        )
    if stage == Stage.DECIDED:
        if today <= concern.stage_due_on:
            return Waiting(
                f"An appeal, if either person makes one by {concern.stage_due_on:%-d %B %Y}",
                "The two people",
            )
        return Waiting("Closing it: the time to appeal has ended", handler)
    if stage == Stage.REFERRED:
        if not concern.referred_on:
            return Waiting("The referral to be sent", handler)
        return Waiting("The outside body's outcome", concern.referred_to)
    return Waiting("Nothing: it is closed", "")


REMINDER_WORKING_DAYS = 2


def reminders_send(*, today: date | None = None) -> int:
    """R23: remind the handler REMINDER_WORKING_DAYS before a stage is due; once it is overdue,
    tell the handler and escalate to the chair (policy.escalation_contact). Each notice once:
    its outbox key names the stage and its due date, so a new stage earns new reminders. The
    notices say only that there is a matter to look at (R16)."""
    today = today or timezone.localdate()
    waiting = list(
        Concern.objects.filter(stage__in=Concern.OPEN, stage_due_on__lte=today + timedelta(days=7))
        .exclude(stage=Stage.DECIDED, stage_due_on__gte=today)  # the parties' time to appeal
        .select_related("council", "handler")
        .order_by("council_id", "stage_due_on", "pk")
    )
    # The chair and vice-chair of every council with an overdue concern, in one query.
    chairs = chairs_of({c.council_id for c in waiting if c.stage_due_on < today}, today)
    return notifications_create_in_batches(
        n for c in waiting for n in _reminders(c, today, chairs.get(c.council_id, (None, None)))
    )


def _reminders(
    concern: Concern, today: date, chairs: tuple[User | None, User | None]
) -> list[Notice]:
    """The reminders one concern is due on a day."""
    due = f"{concern.stage}:{concern.stage_due_on}"
    if concern.stage_due_on >= today:
        reminder = working_days_before(
            concern.stage_due_on, REMINDER_WORKING_DAYS, concern.council.nation
        )
        if reminder <= today and concern.handler:
            return [_notice(concern, concern.handler, f"due-soon:{due}")]
        return []
    notices = []
    if concern.handler:
        notices.append(_notice(concern, concern.handler, f"overdue:{due}"))
    contact = escalation_contact(concern.council, concern, today, chairs=chairs)
    if contact is not None and contact.pk != concern.handler_id:
        link = reverse("concerns:escalations", args=[concern.council.slug])
        notices.append(_notice(concern, contact, f"escalated:{due}", link=link))
    return notices


# ---------------------------------------------------------------------------------------------
# Outcome records: which parts of the protocol cause friction, without names
# ---------------------------------------------------------------------------------------------


@dataclass
class SectionFriction:
    number: str
    heading: str
    closed: int
    by_outcome: dict[str, int]


def outcome_counts(council: Council) -> tuple[list[SectionFriction], dict[str, int]]:
    """For the clerk: closed concerns counted per protocol section (by its number, which stays
    across versions) and per outcome, and the total per outcome. Counts only: no names, no
    details (R16). Two queries, whatever the number of concerns."""
    closed = Concern.objects.filter(council=council, stage=Stage.CLOSED)
    totals = dict(
        closed.values_list("outcome").annotate(n=Count("pk")).order_by().values_list("outcome", "n")
    )
    rows = (
        Concern.sections.through.objects.filter(concern__in=closed)
        .values("section__number", "concern__outcome")
        .annotate(n=Count("concern_id", distinct=True), heading=Max("section__heading"))
        .order_by()
    )
    by_number: dict[str, SectionFriction] = {}
    for row in rows:
        entry = by_number.setdefault(
            row["section__number"],
            SectionFriction(row["section__number"], row["heading"], 0, {}),
        )
        entry.closed += row["n"]
        outcome = row["concern__outcome"]
        entry.by_outcome[outcome] = entry.by_outcome.get(outcome, 0) + row["n"]
    return sorted(by_number.values(), key=lambda e: (-e.closed, e.number)), totals
