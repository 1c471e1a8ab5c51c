"""Councillors' information requests (R3, R5–R8)."""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from council.models import (
    Role,
)

from .standing import Standing
from .structure import can_assign_work

RoleKind = Role.Kind

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
