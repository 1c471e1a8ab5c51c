"""The correspondence register (R10–R12)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from django.db.models import Q

from council.models import (
    Role,
)

from .standing import Standing

RoleKind = Role.Kind

# These read an item's `council_id`, `author_id` and `councillor_id`; correspondence.models has
# the class. Who may sign, and what may go to whom, are rules in correspondence/letters/services.py.


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
