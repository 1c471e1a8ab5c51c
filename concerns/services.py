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
from council.models import Council, User
from council.outbox import Notice, notification_create, notifications_create_in_batches
from council.policy import (
    Standing,
    chairs_of,
    escalation_contact,
    proper_officer_for,
    standing_for,
)
from council.services import locked, save_recorded
from protocol.models import Section

from .models import Concern, ConcernEvent, Party
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


def _notice(concern: Concern, user: User, key: str, link: str = "") -> Notice:
    """R16: the same content-free notice for every concern event."""
    return Notice(
        user=user,
        council=concern.council,
        key=f"concern:{concern.pk}:{key}:{user.pk}",
        kind="concern",
        subject=NOTICE_SUBJECT,
        body=NOTICE_BODY,
        link=link or concern.get_absolute_url(),
    )


def _notify(concern: Concern, user: User, key: str, link: str = ""):
    """A concern's notice (_notice) through the outbox, once."""
    return notification_create(**_notice(concern, user, key, link))


def _event(concern, kind, actor, audience, text="") -> ConcernEvent:
    return ConcernEvent.objects.create(
        concern=concern, kind=kind, actor=actor, audience=audience, text=text.strip()
    )


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
        concern = locked(concern)
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
        concern = locked(concern)
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
        concern = locked(concern)
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
        concern = locked(concern)
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
        concern = locked(concern)
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
        concern = locked(concern)
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
