"""Standing: who a person is in one council on one day (R1), worked out from the roles and
seats whose dates cover that day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.utils import timezone

from council.models import (
    Committee,
    Council,
    Role,
    Seat,
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
