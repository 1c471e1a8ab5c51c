"""Who must use two-factor authentication (issue 8)."""

from __future__ import annotations

from datetime import date

from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils import timezone

from council.models import (
    Committee,
    Role,
    Seat,
)

from .standing import current_roles_for_request, current_seats_for_request

RoleKind = Role.Kind


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
