"""The permission policy: the one place that answers "may this person do this, here, today?".

Views, templates and tests all ask these functions; nothing else decides a permission.

A person's rights in a council come from their *standing* there on a given day: the roles and
committee seats whose dates cover that day. Standing is worked out afresh on every request, so a
right ends by itself when a term or appointment ends (R1).

Conventions:
- `can_<verb>(standing, obj=None)` predicates return a bool. One condition per line, each naming
  its rule.
- `get_<thing>_for_user(...)` lookups scope by council and standing *before* fetching, and raise
  Http404 alike for "not there" and "not yours", so nobody learns what exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from allauth.mfa.models import Authenticator
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Committee,
    Council,
    Document,
    GroupMembership,
    Role,
    Seat,
    Spokesperson,
    User,
)

RoleKind = Role.Kind


@dataclass(frozen=True)
class Standing:
    """Who a person is in one council on one day."""

    user: User
    council: Council
    on: date
    roles: tuple[Role, ...] = ()
    seats: tuple[Seat, ...] = ()
    kinds: frozenset[str] = field(default=frozenset())

    # -- roles ----------------------------------------------------------------------------------
    @property
    def is_member(self) -> bool:
        """Holds any current role here (R1: none once every term has ended)."""
        return bool(self.kinds)

    @property
    def is_councillor(self) -> bool:
        return RoleKind.COUNCILLOR in self.kinds

    @property
    def is_proper_officer(self) -> bool:
        # R4: an acting Proper Officer's role is only in `kinds` between its dates, so the
        # acting rights end with them.
        return RoleKind.PROPER_OFFICER in self.kinds

    @property
    def is_acting_proper_officer(self) -> bool:
        return any(r.kind == RoleKind.PROPER_OFFICER and r.acting for r in self.roles)

    @property
    def is_officer(self) -> bool:
        """One of the council's staff (the Proper Officer, the RFO or another officer)."""
        return bool(self.kinds & Role.OFFICER_KINDS)

    @property
    def is_councillor_or_officer(self) -> bool:
        return self.is_councillor or self.is_officer

    # -- seats ----------------------------------------------------------------------------------
    def _holds(self, position: str, committee_kind: str | None = None) -> bool:
        return any(
            s.position == position
            and (committee_kind is None or s.committee.kind == committee_kind)
            for s in self.seats
        )

    @property
    def is_chair(self) -> bool:
        """Chair of the council: the chair of full council, while also a councillor (R1)."""
        return self.is_councillor and self._holds(Seat.Position.CHAIR, Committee.Kind.FULL_COUNCIL)

    @property
    def is_vice_chair(self) -> bool:
        return self.is_councillor and self._holds(
            Seat.Position.VICE_CHAIR, Committee.Kind.FULL_COUNCIL
        )

    @property
    def is_committee_chair(self) -> bool:
        """Chairs a committee (the full council's chair included) today, while a councillor."""
        return self.is_councillor and self._holds(Seat.Position.CHAIR)

    @property
    def sits_on_personnel_committee(self) -> bool:
        """R20: panels for hearings are drawn from the personnel committee."""
        return any(s.committee.kind == Committee.Kind.PERSONNEL for s in self.seats)

    @property
    def committee_ids(self) -> frozenset[int]:
        """Committees on which this person holds a seat today (R5 uses this)."""
        return frozenset(s.committee_id for s in self.seats)

    @property
    def titles(self) -> list[str]:
        """What to call this person here today, e.g. ["Councillor", "Chair"]."""
        titles = [r.title for r in self.roles]
        if self.is_chair:
            titles.append("Chair of the council")
        if self.is_vice_chair:
            titles.append("Vice-chair of the council")
        return titles


def standing_for(user, council: Council, on: date | None = None) -> Standing:
    """Work out a person's standing in a council on a day (two queries)."""
    on = on or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return Standing(user=user, council=council, on=on)
    roles = tuple(Role.objects.current(on).filter(council=council, user=user))
    if not roles:
        return Standing(user=user, council=council, on=on)
    seats = tuple(
        Seat.objects.current(on)
        .filter(committee__council=council, user=user)
        .select_related("committee")
    )
    return Standing(
        user=user,
        council=council,
        on=on,
        roles=roles,
        seats=seats,
        kinds=frozenset(r.kind for r in roles),
    )


def current_roles_for_request(request: HttpRequest, on: date | None = None) -> tuple[Role, ...]:
    """Every current role of the signed-in person, in every council, with its council: one query,
    remembered for the rest of the request (the standing and the council switcher both read it)."""
    on = on or timezone.localdate()
    cached = getattr(request, "_portal_roles", None)
    if cached is not None and cached[0] == on:
        return cached[1]
    roles: tuple[Role, ...] = ()
    if request.user.is_authenticated:
        roles = tuple(
            Role.objects.current(on)
            .filter(user=request.user)
            .select_related("council")
            # For the two-factor check (needs_two_factor_setup), in the same query.
            .annotate(
                has_authenticator=Exists(Authenticator.objects.filter(user_id=OuterRef("user_id")))
            )
            .order_by("council__name", "council_id", "kind", "starts_on")
        )
    request._portal_roles = (on, roles)  # type: ignore[attr-defined]
    return roles


def current_seats_for_request(request: HttpRequest, on: date | None = None) -> tuple[Seat, ...]:
    """Every current seat of the signed-in person, in every council, with its committee: one
    query, remembered for the rest of the request (the standing and the two-factor check both
    read it, so a council page runs it once whichever asks first)."""
    on = on or timezone.localdate()
    cached = getattr(request, "_portal_seats", None)
    if cached is not None and cached[0] == on:
        return cached[1]
    seats: tuple[Seat, ...] = ()
    if request.user.is_authenticated:
        seats = tuple(
            Seat.objects.current(on)
            .filter(user=request.user)
            .select_related("committee")
            # Within a council, Seat's own order (committee name, position, start); explicit, so
            # that sorting by council needs no join to the council's table (issue 7).
            .order_by(
                "committee__council_id", "committee__name", "committee_id", "position", "starts_on"
            )
        )
    request._portal_seats = (on, seats)  # type: ignore[attr-defined]
    return seats


def get_standing_for_request(request: HttpRequest, council_slug: str) -> Standing:
    """The signed-in person's standing in the council named in the URL. A council that does not
    exist and one where the person holds no current role give the same 404."""
    on = timezone.localdate()
    roles = tuple(
        r for r in current_roles_for_request(request, on) if r.council.slug == council_slug
    )
    if not roles:
        raise Http404("No such council page.")
    council = roles[0].council
    seats = tuple(
        s for s in current_seats_for_request(request, on) if s.committee.council_id == council.id
    )
    return Standing(
        user=request.user,  # type: ignore[arg-type]
        council=council,
        on=on,
        roles=roles,
        seats=seats,
        kinds=frozenset(r.kind for r in roles),
    )


def councils_for_user(user, on: date | None = None) -> list[Council]:
    """The councils in which a person holds a current role, for the council switcher."""
    if not user.is_authenticated:
        return []
    on = on or timezone.localdate()
    council_ids = Role.objects.current(on).filter(user=user).values("council_id")
    return list(Council.objects.filter(id__in=council_ids))


def councils_for_request(request: HttpRequest) -> list[Council]:
    """councils_for_user() for the signed-in person, from the roles the request already read."""
    councils: dict[int, Council] = {}
    for role in current_roles_for_request(request):
        councils.setdefault(role.council_id, role.council)
    return list(councils.values())


# ---------------------------------------------------------------------------------------------
# Predicates. R2: none of them looks at a councillor's political group, and the chair's only
# extras are those named in DESIGN §4 (none yet in the foundation: escalations come with concerns).
# ---------------------------------------------------------------------------------------------


def can_view_council_home(standing: Standing) -> bool:
    """Any current role gives a home page in the council (R1)."""
    return standing.is_member


def can_manage_people(standing: Standing) -> bool:
    """Adding people and appointing them is the Proper Officer's job (R3)."""
    return standing.is_proper_officer


def can_manage_structure(standing: Standing) -> bool:
    """Committees, seats and political groups are kept by the Proper Officer (R3)."""
    return standing.is_proper_officer


def can_edit_council_settings(standing: Standing) -> bool:
    """The council's own details (response time, monitoring officer) are kept by the Proper
    Officer (R3)."""
    return standing.is_proper_officer


def can_view_structure(standing: Standing) -> bool:
    """Committees, their members and political groups are for councillors and officers (R2: all
    councillors alike)."""
    return standing.is_councillor_or_officer


def can_view_register(standing: Standing) -> bool:
    """The document register's titles and classifications are for councillors and officers; the
    content of a document is a separate question (can_download_document)."""
    return standing.is_councillor_or_officer


def can_manage_documents(standing: Standing) -> bool:
    """Uploading, classifying and replacing documents is for officers."""
    return standing.is_officer


def can_download_document(standing: Standing, document: Document) -> bool:
    """Whether a person may open a document's content."""
    # The document must belong to the council in which the standing was worked out.
    if document.council_id != standing.council.id:
        return False
    # Officers keep the register and may open everything in it.
    if standing.is_officer:
        return True
    # Anyone with a role here may open a public document.
    if document.classification == Document.Classification.PUBLIC:
        return standing.is_member
    # Everything else reaches a councillor only through an information request (R5–R8).
    return False


def can_edit_protocol(standing: Standing) -> bool:
    """R24: the Proper Officer drafts protocol versions and records their adoption; nobody else
    edits."""
    return standing.is_proper_officer


def can_acknowledge_protocol(standing: Standing) -> bool:
    """R26: councillors and officers acknowledge the adopted protocol."""
    return standing.is_councillor_or_officer


def can_assign_work(standing: Standing) -> bool:
    """R3: only the Proper Officer (or whoever acts as such today, R4) gives work to staff;
    councillors' requests and instructions go to the Proper Officer."""
    return standing.is_proper_officer


# -- Councillors' information requests (R3, R5–R8) ---------------------------------------------
# `council` imports no other app (DESIGN §2), so these predicates describe the request and its
# document rows by the attributes they read (correspondence.models has the real classes).


@runtime_checkable
class InformationRequestLike(Protocol):
    council_id: int
    requester_id: int
    handler_id: int | None
    received_on: date

    @property
    def releases(self) -> bool: ...


@runtime_checkable
class RequestedDocumentLike(Protocol):
    request: InformationRequestLike
    granted: bool | None


def can_request_information(standing: Standing) -> bool:
    """R2: every councillor may ask, whatever their group or status."""
    return standing.is_councillor


def can_view_request_queue(standing: Standing) -> bool:
    """R3: requests go to the Proper Officer; other officers see the ones delegated to them."""
    return standing.is_officer


def can_view_request_log(standing: Standing) -> bool:
    """R8: the log of who opened which released document is for the Proper Officer."""
    return standing.is_proper_officer


def can_view_request_timeliness(standing: Standing) -> bool:
    """R9: how quickly requests are decided is the Proper Officer's to watch."""
    return standing.is_proper_officer


def can_view_information_request(standing: Standing, info_request: InformationRequestLike) -> bool:
    """The councillor who asked, the Proper Officer, and the officer handling it. Nobody else:
    another councillor never learns what a colleague asked for."""
    if info_request.council_id != standing.council.id:
        return False
    if info_request.requester_id == standing.user.pk and standing.is_councillor:
        return True
    return can_decide_information_request(standing, info_request)


def can_decide_information_request(
    standing: Standing, info_request: InformationRequestLike
) -> bool:
    """R3/R7: the Proper Officer, or the officer the Proper Officer delegated the request to."""
    if info_request.council_id != standing.council.id:
        return False
    if standing.is_proper_officer:
        return True
    return standing.is_officer and info_request.handler_id == standing.user.pk


def can_delegate_information_request(
    standing: Standing, info_request: InformationRequestLike
) -> bool:
    """R3: only the Proper Officer passes a request to another officer."""
    return info_request.council_id == standing.council.id and can_assign_work(standing)


def can_act_as_requester(standing: Standing, info_request: InformationRequestLike) -> bool:
    """Clarifying or withdrawing a request is for the councillor who made it, while a councillor."""
    return (
        info_request.council_id == standing.council.id
        and info_request.requester_id == standing.user.pk
        and standing.is_councillor
    )


def can_open_released_document(
    standing: Standing, requested_document: RequestedDocumentLike
) -> bool:
    """R8/R1: a released document reaches the councillor who asked for it, and nobody else
    through the request, only while the term in which they asked lasts."""
    info_request = requested_document.request
    if not can_act_as_requester(standing, info_request):
        return False
    if not info_request.releases or requested_document.granted is not True:
        return False
    # R1: the term that covered the day of the request must still be running today. A councillor
    # re-elected after a gap asks again.
    return any(
        r.kind == RoleKind.COUNCILLOR and r.starts_on <= info_request.received_on
        for r in standing.roles
    )


def visible_information_requests(standing: Standing, requests):
    """Scope a queryset of a council's requests to what this person may see: everything for the
    Proper Officer; the ones delegated to an officer; a councillor's own."""
    requests = requests.filter(council=standing.council)
    if standing.is_proper_officer:
        return requests
    if standing.is_officer:
        return requests.filter(handler=standing.user)
    if standing.is_councillor:
        return requests.filter(requester=standing.user)
    return requests.none()


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
# These read an item's `council_id`, `author_id` and `councillor_id`; correspondence.models has
# the class. Who may sign, and what may go to whom, are rules in correspondence/letters.py.


@runtime_checkable
class CorrespondenceLike(Protocol):
    council_id: int
    author_id: int
    councillor_id: int | None
    recipients: Any


def can_view_correspondence(standing: Standing) -> bool:
    """Councillors and officers have a correspondence page (each sees what visible_correspondence
    allows)."""
    return standing.is_councillor_or_officer


def can_write_correspondence(standing: Standing) -> bool:
    """Officers write, send and record the council's letters and emails, and keep the register
    (R11: official correspondence goes out under an officer's name)."""
    return standing.is_officer


def visible_correspondence(standing: Standing, items):
    """Officers see the council's register; a councillor sees every item they wrote, that is
    theirs (R10: the councillor whose correspondence it is), or that names them as a recipient
    or a copy. Nobody else sees anything."""
    if not standing.is_member:
        return items.none()
    mine = items.filter(council=standing.council)
    if standing.is_officer:
        return mine
    if not standing.is_councillor:
        return items.none()
    me = standing.user
    ids = (
        mine.exclude(status="draft")  # a draft is the officer's until it goes out
        .filter(Q(author=me) | Q(councillor=me) | Q(recipients__user=me))
        .values("pk")
    )
    return items.filter(pk__in=ids)


def can_copy_correspondence(standing: Standing, item: CorrespondenceLike) -> bool:
    """Officers copy (forward) an item after it is sent; R10 and R12 then apply to the copy."""
    return item.council_id == standing.council.id and standing.is_officer


# -- The press (R13, R14) -----------------------------------------------------------------------


def is_spokesperson(standing: Standing) -> bool:
    """Appointed by the council to speak for it today (R13)."""
    return (
        standing.is_member
        and Spokesperson.objects.current(standing.on)
        .filter(council=standing.council, user=standing.user)
        .exists()
    )


def can_view_press_office(standing: Standing) -> bool:
    """Councillors and officers see the press page: their drafts if they may draft, and the
    releases published."""
    return standing.is_councillor_or_officer


def can_draft_press_release(standing: Standing) -> bool:
    """R13: an officer, the chair, a committee chair or a council-appointed spokesperson drafts
    press releases."""
    return (
        standing.is_officer
        or standing.is_chair
        or standing.is_committee_chair
        or is_spokesperson(standing)
    )


def can_approve_press_release(standing: Standing) -> bool:
    """R13: only the Proper Officer approves a release for publication."""
    return standing.is_proper_officer


def can_manage_press_office(standing: Standing) -> bool:
    """The Proper Officer keeps the list of spokespeople and the pre-election periods."""
    return standing.is_proper_officer


def can_log_press_enquiry(standing: Standing) -> bool:
    """Officers log press enquiries with their factual replies (R13)."""
    return standing.is_officer


def visible_press_releases(standing: Standing, releases):
    """Drafts and releases waiting for approval: the Proper Officer sees all of them; anyone
    else who may draft sees their own. (Published ones are public: PressRelease.published.)"""
    mine = releases.filter(council=standing.council)
    if can_approve_press_release(standing):
        return mine
    if can_draft_press_release(standing):
        return mine.filter(author=standing.user)
    return releases.none()


# -- Political group reports (R15) -----------------------------------------------------------


def can_view_group_reports(standing: Standing) -> bool:
    """Councillors and officers have a group reports page (each sees what visible_group_reports
    allows)."""
    return standing.is_councillor_or_officer


def can_prepare_group_report(standing: Standing) -> bool:
    """Officers prepare reports for political groups (R15)."""
    return standing.is_officer


def visible_group_reports(standing: Standing, reports):
    """Officers see every report; a councillor sees the issued reports for a group they belong to
    today. Other groups learn only that a report exists, from the notice (R15)."""
    mine = reports.filter(council=standing.council)
    if standing.is_officer:
        return mine
    if not standing.is_councillor:
        return reports.none()
    groups = (
        GroupMembership.objects.current(standing.on)
        .filter(user=standing.user, group__council=standing.council)
        .values("group_id")
    )
    return mine.filter(status="issued", group_id__in=groups)


def can_export_personal_data(standing: Standing, person: User) -> bool:
    """UK GDPR art. 15 (subject access): who may download everything a council holds about a
    person of the council (the lookup, get_person_for_user, has checked that they are one)."""
    # Everyone may have a copy of what is held about them.
    if person.pk == standing.user.pk:
        return True
    # R3: the Proper Officer answers subject access requests made to the council.
    return standing.is_proper_officer


def can_view_history(standing: Standing, obj) -> bool:
    """R27: those allowed to see an object can see its history."""
    if isinstance(obj, Council):
        return can_edit_council_settings(standing)
    if isinstance(obj, User | Role):
        return can_manage_people(standing)
    if isinstance(obj, Document):
        return can_view_register(standing)
    return can_view_structure(standing)


# Two-factor authentication (issue 8) is required of those who see the most: the Proper Officer
# (acting ones too, between their dates), the other officers, the chairs and vice-chairs (of the
# council, which are those of full council, and of any committee), and every member of the
# personnel committee, who hear staff matters (R20).


def roles_require_two_factor(roles) -> bool:
    """Two-factor is required of anyone whose current roles include an officer's (the Proper
    Officer, the RFO or another officer)."""
    return any(r.kind in Role.OFFICER_KINDS for r in roles)


def seats_require_two_factor(seats) -> bool:
    """Two-factor is required of anyone whose current seats include a chair's or a vice-chair's,
    or any seat on a personnel committee."""
    return any(
        s.position in (Seat.Position.CHAIR, Seat.Position.VICE_CHAIR)
        or s.committee.kind == Committee.Kind.PERSONNEL
        for s in seats
    )


def two_factor_required_by(roles, seats) -> bool:
    """Two-factor is required of a person with these current roles and seats. Seats count only
    in a council where they hold a role today: a seat left open after a term ended gives no
    rights there (R1), so it asks for nothing either."""
    councils = {r.council_id for r in roles}
    return roles_require_two_factor(roles) or seats_require_two_factor(
        s for s in seats if s.committee.council_id in councils
    )


def must_use_two_factor(user, on: date | None = None) -> bool:
    """Two-factor authentication is required of this person today (two queries)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True  # site operators: see needs_two_factor_setup
    on = on or timezone.localdate()
    roles = tuple(Role.objects.current(on).filter(user=user))
    if roles_require_two_factor(roles):
        return True
    seats = Seat.objects.current(on).filter(user=user).select_related("committee")
    return two_factor_required_by(roles, seats)


def needs_two_factor_setup(request: HttpRequest) -> bool:
    """Must use two-factor today and has no authenticator yet. Read from the request's current
    roles, which carry "has an authenticator?", and, only when those do not settle it, from its
    current seats, which a council page reads anyway: the check costs no query of its own there."""
    roles = current_roles_for_request(request)
    user = request.user
    if user.is_staff or user.is_superuser:
        # Site operators are officers here: /admin/ can change anyone's roles and passwords, so
        # it needs the second factor too, whatever roles they hold (one query without any).
        if roles:
            return not roles[0].has_authenticator  # type: ignore[attr-defined]
        return not Authenticator.objects.filter(user=user).exists()
    # No role: nothing to protect (R1). An authenticator: allauth asks for it at each sign-in.
    if not roles or roles[0].has_authenticator:  # type: ignore[attr-defined]
        return False
    if roles_require_two_factor(roles):
        return True
    return two_factor_required_by(roles, current_seats_for_request(request))


def proper_officer_for(council: Council, on: date | None = None) -> User | None:
    """R3/R4: whom councillors' requests go to on a day: the Proper Officer, or the acting one
    while their dates cover the day."""
    return proper_officers_for([council.pk], on).get(council.pk)


def proper_officers_for(council_ids: Iterable[int], on: date | None = None) -> dict[int, User]:
    """proper_officer_for of many councils, in one query: by council id, without the councils
    that have none on the day."""
    roles = (
        Role.objects.current(on)
        .filter(council__in=list(council_ids), kind=RoleKind.PROPER_OFFICER)
        .select_related("user")
        # Within a council: the Proper Officer before an acting one (R4), then the earliest.
        .order_by("council_id", "acting", "starts_on", "pk")
    )
    found: dict[int, User] = {}
    for role in roles:
        found.setdefault(role.council_id, role.user)
    return found


def _full_council_seat_holders(
    council_ids: Iterable[int], positions: Iterable[str], on: date | None
) -> dict[tuple[int, str], User]:
    """Who holds each position on each council's full council on a day, while a councillor of
    that council: by (council id, position). One query, however many councils."""
    on = on or timezone.localdate()
    councillor = Role.objects.current(on).filter(
        council=OuterRef("committee__council"), kind=RoleKind.COUNCILLOR, user=OuterRef("user")
    )
    seats = (
        Seat.objects.current(on)
        .filter(
            committee__council__in=list(council_ids),
            committee__kind=Committee.Kind.FULL_COUNCIL,
            position__in=list(positions),
        )
        .filter(Exists(councillor))
        .annotate(council_id=F("committee__council_id"))
        .select_related("user")
        # Explicit: Seat's default ordering sorts by committee, and so by council name, joining
        # two more tables; planning that join cost more than running the query (issue 7).
        .order_by("starts_on", "pk")
    )
    found: dict[tuple[int, str], User] = {}
    for seat in seats:
        found.setdefault((seat.council_id, seat.position), seat.user)
    return found


def chair_of(council: Council, on: date | None = None) -> User | None:
    """The chair of the council on a day: the chair of full council, while a councillor."""
    return _full_council_seat_holders([council.pk], [Seat.Position.CHAIR], on).get(
        (council.pk, Seat.Position.CHAIR)
    )


def vice_chair_of(council: Council, on: date | None = None) -> User | None:
    """The vice-chair of the council on a day, who takes the chair's part when the chair cannot
    (R17)."""
    return _full_council_seat_holders([council.pk], [Seat.Position.VICE_CHAIR], on).get(
        (council.pk, Seat.Position.VICE_CHAIR)
    )


def chairs_of(
    council_ids: Iterable[int], on: date | None = None
) -> dict[int, tuple[User | None, User | None]]:
    """chair_of and vice_chair_of of many councils, in one query: (chair, vice-chair) by council
    id, for every council asked about."""
    council_ids = list(council_ids)
    chair, vice_chair = Seat.Position.CHAIR, Seat.Position.VICE_CHAIR
    holders = _full_council_seat_holders(council_ids, (chair, vice_chair), on)
    return {pk: (holders.get((pk, chair)), holders.get((pk, vice_chair))) for pk in council_ids}


# ---------------------------------------------------------------------------------------------
# Lookups: scoped to the standing's council before fetching; "not here" and "not yours" alike 404.
# ---------------------------------------------------------------------------------------------

# How each kind of object reaches its council.
COUNCIL_PATH = {
    Committee: "council",
    Seat: "committee__council",
    Document: "council",
    Role: "council",
}


def get_in_council(standing: Standing, model, pk: int, *, select_related=()):
    """Fetch an object of the standing's council, or 404."""
    from .models import GroupMembership, PoliticalGroup

    paths = {**COUNCIL_PATH, PoliticalGroup: "council", GroupMembership: "group__council"}
    qs = model.objects.filter(**{paths[model]: standing.council})
    if select_related:
        qs = qs.select_related(*select_related)
    return get_object_or_404(qs, pk=pk)


def get_person_for_user(standing: Standing, user_id: int) -> User:
    """A person who holds (or held, or will hold) a role in the standing's council, or 404."""
    people = User.objects.filter(roles__council=standing.council).distinct()
    return get_object_or_404(people, pk=user_id)
