"""The formal procedure for concerns (R20, R22): the personnel committee's panels (never the
chair alone, nobody with a part in the matter), hearings with notice and a companion, the
panel's decision, and the appeal to a fresh panel. Each action is `<thing>_<verb>`, keyword-only,
with the acting user, in the shape services.py describes."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from council.audit import AuditKind, audit_record
from council.lib.working_days import add_working_days
from council.models import Committee, Council, Seat, User
from council.policy import chair_of
from council.services import locked, save_recorded

from .models import Concern, ConcernEvent, Hearing, PanelMember
from .services import Audience, Stage, _event, _move, _notify

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
        concern = locked(concern)
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
        concern = locked(concern)
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
        concern = locked(hearing.concern)
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
        concern = locked(concern)
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
