"""R9, the working-day deadlines of information requests: the reminders before a request is due
and the escalation once it is overdue (each sent once, run daily by Celery beat), and the clerk's
"How quickly we decide" figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from council import policy
from council.lib.working_days import (
    working_days_before,
)
from council.models import Council, User
from council.outbox import Notice, notifications_create_in_batches

from ..models import InformationRequest
from .services import _notice

Status = InformationRequest.Status
REMINDER_WORKING_DAYS = 2  # R9: the handling officer is reminded this many working days ahead


def reminder_day(info_request: InformationRequest) -> date:
    """The working day REMINDER_WORKING_DAYS before the due date."""
    return working_days_before(
        info_request.due_on, REMINDER_WORKING_DAYS, info_request.council.nation
    )


def reminders_send(*, today: date | None = None) -> int:
    """Remind the handling officer 2 working days before the due date, and tell the Proper Officer
    when a request is overdue. Each notice once (its outbox key names the request and the due
    date, so a due date moved by a clarification earns one new reminder)."""
    today = today or timezone.localdate()
    waiting = list(
        InformationRequest.objects.filter(
            status=Status.SUBMITTED, due_on__lte=today + timedelta(days=7)
        )
        .select_related("council", "handler", "requester")
        .order_by("council_id", "due_on", "pk")
    )
    proper_officers = policy.proper_officers_for(
        {r.council_id for r in waiting if r.due_on < today}, today
    )
    return notifications_create_in_batches(
        n for r in waiting for n in _reminders(r, today, proper_officers.get(r.council_id))
    )


def _reminders(
    info_request: InformationRequest, today: date, proper_officer: User | None
) -> list[Notice]:
    """The reminder one request is due on a day, if any."""
    due = f"{info_request.due_on:%A %-d %B %Y}"
    if info_request.due_on >= today and reminder_day(info_request) <= today:
        if info_request.handler:
            return [
                _notice(
                    info_request,
                    info_request.handler,
                    f"due-soon:{info_request.due_on}",
                    "request_due_soon",
                    f"Request due {due}: {info_request.summary}",
                    f"{info_request.requester.name}'s request is due for a decision by {due}.",
                )
            ]
    elif info_request.due_on < today and proper_officer:
        return [
            _notice(
                info_request,
                proper_officer,
                "overdue",
                "request_overdue",
                f"Overdue request: {info_request.summary}",
                (
                    f"{info_request.requester.name}'s request was due for a decision by "
                    f"{due} and has not been decided. It is handled by "
                    f"{info_request.handler.name if info_request.handler else 'nobody'}."
                ),
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------
# Timeliness (R9), for the clerk's page
# ---------------------------------------------------------------------------------------------


@dataclass
class Timeliness:
    open_by_status: dict[str, int]
    overdue: list[InformationRequest]
    decided: int
    median_working_days: float | None
    on_time_share: float | None
    since: date


def timeliness(*, council: Council, today: date | None = None) -> Timeliness:
    """Open requests by state, the overdue ones, and over the last 12 months the median working
    days to a decision and the share decided on time. Three queries, however many requests."""
    today = today or timezone.localdate()
    since = today - timedelta(days=365)
    requests = InformationRequest.objects.filter(council=council)
    counts = dict(requests.open().values_list("status").annotate(n=Count("id")).order_by())
    labels = dict(Status.choices)
    open_by_status = {labels[s]: counts.get(s, 0) for s in InformationRequest.OPEN}
    overdue = list(requests.overdue(today).select_related("requester", "handler")[:200])
    decided = list(
        requests.decided()
        .filter(decided_on__gte=since)
        .values_list("decision_working_days", "decided_on", "due_on")
    )
    days = [d for d, _, _ in decided if d is not None]
    on_time = sum(1 for _, decided_on, due_on in decided if decided_on <= due_on)
    return Timeliness(
        open_by_status=open_by_status,
        overdue=overdue,
        decided=len(decided),
        median_working_days=statistics.median(days) if days else None,
        on_time_share=(on_time / len(decided)) if decided else None,
        since=since,
    )
