"""Concerns and grievances (R16, R17): who raises, handles, hears and sees them."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol, runtime_checkable

from django.db.models import Q

from council.models import (
    Council,
    Role,
    User,
)

from .officers import chair_of, vice_chair_of
from .standing import Standing

RoleKind = Role.Kind

# -- Concerns (R16, R17) -------------------------------------------------------------------------
# As with requests, these read a concern's attributes (`council_id`, `raised_by_id`, `subject_id`,
# `subject_told_on`, `handler_id`, and the `handled_by` relation); concerns.models has the class.


@runtime_checkable
class ConcernLike(Protocol):
    council_id: int
    raised_by_id: int
    subject_id: int | None
    handler_id: int | None
    subject_told_on: date | None
    handled_by: Any  # the people who handled earlier stages (a many-to-many manager)
    hearings: Any  # its hearings, whose panels may read it


CONCERN_EVENT_AUDIENCES = {
    # R16: who reads which events. Handlers read everything, including their private notes.
    "handler": {"handlers", "raiser", "both"},
    "panel": {"raiser", "both"},  # R20: the panel reads the case, not the handlers' notes
    "raiser": {"raiser", "both"},
    "subject": {"both"},
}


# R22: the two people a panel's decision is about may appeal it.
APPEALING_PARTS = ("raiser", "subject")


def can_raise_concern(standing: Standing) -> bool:
    """Councillors and officers may raise a concern (R2: every councillor alike)."""
    return standing.is_councillor_or_officer


def can_view_concern_queue(standing: Standing) -> bool:
    """The triage queue is for those who may be given concerns to handle: the Proper Officer, the
    chair and the vice-chair (R17). Each sees only the concerns they have a part in."""
    return standing.is_proper_officer or standing.is_chair or standing.is_vice_chair


def concern_part(standing: Standing, concern: ConcernLike) -> str | None:
    """R16: a person's part in a concern: "handler" (now or at an earlier stage), "raiser",
    "subject" (only once told), or None: nothing to see."""
    if concern.council_id != standing.council.id or not standing.is_member:
        return None
    if (
        concern.handler_id == standing.user.pk
        or concern.handled_by.filter(pk=standing.user.pk).exists()
    ):
        return "handler"
    if concern.raised_by_id == standing.user.pk:
        return "raiser"
    if concern.hearings.filter(panel__user=standing.user).exists():
        return "panel"
    if concern.subject_id == standing.user.pk and concern.subject_told_on is not None:
        return "subject"
    return None


def can_handle_concern(standing: Standing, concern: ConcernLike) -> bool:
    """The current handler acts on a concern; R17: never one about themselves or raised by them
    (routing never makes them so; this guards a change of roles since)."""
    return (
        concern.council_id == standing.council.id
        and standing.is_member
        and concern.handler_id == standing.user.pk
        and concern.subject_id != standing.user.pk
        and concern.raised_by_id != standing.user.pk
    )


def can_view_concern_history(standing: Standing, concern: ConcernLike) -> bool:
    """R16/R27: a concern's history is for its handlers only."""
    return concern_part(standing, concern) == "handler"


def can_appeal_concern(standing: Standing, concern: ConcernLike) -> bool:
    """R22: the person who raised it, or the person it is about, may appeal a panel's decision."""
    return concern_part(standing, concern) in APPEALING_PARTS


def can_withdraw_concern(standing: Standing, concern: ConcernLike) -> bool:
    return concern.council_id == standing.council.id and concern.raised_by_id == standing.user.pk


def visible_concerns(standing: Standing, concerns):
    """R16: the concerns a person may see in a council: those they raised, those they handle or
    handled, and those about them once they have been told."""
    if not standing.is_member:
        return concerns.none()
    me = standing.user
    ids = (
        concerns.filter(council=standing.council)
        .filter(
            Q(raised_by=me)
            | Q(handler=me)
            | Q(handled_by=me)
            | Q(subject=me, subject_told_on__isnull=False)
            | Q(hearings__panel__user=me)
        )
        .values("pk")
    )
    return concerns.filter(pk__in=ids)


def concerns_in_copy(viewer: Standing | None, concerns):
    """R16 in a subject access copy. The person's own copy (`viewer` None) holds what each
    concern's page shows them. A copy of someone else's data (the Proper Officer answering their
    request) holds only the concerns the viewer handles or handled, whose page shows the viewer
    everything: never one about the viewer, nor one the viewer has no hand in."""
    if viewer is None:
        return concerns
    if not viewer.is_member:
        return concerns.none()
    me = viewer.user
    handled = concerns.filter(council=viewer.council).filter(Q(handler=me) | Q(handled_by=me))
    return concerns.filter(pk__in=handled.values("pk"))


def concern_traces_in_copy(viewer: Standing | None) -> bool:
    """R16: the notices and audit events of a concern hold none of its text but tell that it
    exists and when it moved. Only the person's own copy lists them: in a copy of someone else's
    data they would tell the viewer of concerns their page would not show (one about them)."""
    return viewer is None


def escalation_contact(
    council: Council,
    concern: ConcernLike,
    on: date,
    *,
    chairs: tuple[User | None, User | None] | None = None,
) -> User | None:
    """R23 with R17: who is told that a concern is overdue: the chair, or the vice-chair when the
    concern is about the chair or raised by the chair (or there is no chair); never its subject.
    A sweep over many concerns passes `chairs`, the council's (chair, vice-chair) on the day."""
    for person in chairs or (chair_of(council, on), vice_chair_of(council, on)):
        if person is not None and person.pk not in (concern.subject_id, concern.raised_by_id):
            return person
    return None


def can_view_escalations(standing: Standing) -> bool:
    """R23: the chair sees escalated and overdue matters at a glance; the vice-chair too, for
    those the chair may not see (R17)."""
    return standing.is_chair or standing.is_vice_chair


def escalated_concerns(standing: Standing, open_concerns):
    """R23: of a council's open concerns, those escalated to this person (they handle them) and
    the overdue ones for which they are the escalation_contact(). The chair's page shows that an
    overdue matter exists, its stage and handler, not what it is about (R16)."""
    if not can_view_escalations(standing):
        return open_concerns.none()
    me = standing.user
    mine = open_concerns.filter(council=standing.council)
    overdue = Q(stage_due_on__lt=standing.on) & ~Q(subject=me) & ~Q(raised_by=me)
    if not standing.is_chair:  # the vice-chair: matters about, or raised by, the chair
        chair = chair_of(standing.council, standing.on)
        if chair is not None:
            overdue &= Q(subject=chair) | Q(raised_by=chair)
    return mine.filter(Q(handler=me) | overdue)


def can_view_hearings(standing: Standing) -> bool:
    """R20: the personnel committee sees the hearings it must hold; the Proper Officer arranges
    them."""
    return standing.is_proper_officer or standing.sits_on_personnel_committee


def can_view_concern_outcomes(standing: Standing) -> bool:
    """The clerk sees, without names, which protocol sections closed concerns involved."""
    return standing.is_proper_officer


# -- Correspondence (R10–R12) ----------------------------------------------------------------
