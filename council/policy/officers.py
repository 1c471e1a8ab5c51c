"""Who holds the council's offices on a day: the Proper Officer (R3, R4), the chair and the
vice-chair."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from council.models import (
    Committee,
    Council,
    Role,
    Seat,
    User,
)

RoleKind = Role.Kind


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
