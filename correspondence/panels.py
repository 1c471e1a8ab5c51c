"""Correspondence's panels on a council's home page, in the order they show: information
requests, reports for political groups, the press office (found by council.discovery)."""

from django.db.models import Count, Q

from council import policy
from council.panels import register

from .models import GroupReport, InformationRequest, PressRelease
from .press import services as press

PressStatus = PressRelease.Status
GroupStatus = GroupReport.Status


@register
def requests_panel(request, standing):
    """The council home page's panel: a councillor's open requests; the officer's queue."""
    if not (policy.can_request_information(standing) or policy.can_view_request_queue(standing)):
        return None
    visible = policy.visible_information_requests(standing, InformationRequest.objects.all())
    counts = visible.aggregate(
        open=Count("pk", filter=Q(status__in=InformationRequest.OPEN)),
        overdue=Count(
            "pk", filter=Q(status=InformationRequest.Status.SUBMITTED, due_on__lt=standing.on)
        ),
        waiting_for_you=Count(
            "pk",
            filter=Q(status=InformationRequest.Status.CLARIFICATION, requester=standing.user),
        ),
    )
    return "correspondence/requests/home_panel.html", {"standing": standing, "counts": counts}


@register
def group_reports_panel(request, standing):
    """The council home page's panel (one query): an officer's drafts waiting to be issued; a
    councillor's reports for their group, shown only when there are some."""
    if not policy.can_view_group_reports(standing):
        return None
    visible = policy.visible_group_reports(standing, GroupReport.objects.all())
    counts = visible.aggregate(
        drafts=Count("pk", filter=Q(status=GroupStatus.DRAFT)),
        issued=Count("pk", filter=Q(status=GroupStatus.ISSUED)),
    )
    if not standing.is_officer and not counts["issued"]:
        return None
    return "correspondence/group_reports/home_panel.html", {"standing": standing, "counts": counts}


@register
def press_panel(request, standing):
    """The Proper Officer: releases waiting for approval, and approved ones to publish. Someone
    who drafts: their drafts and releases waiting. One or two queries."""
    if policy.can_approve_press_release(standing):
        counts = PressRelease.objects.filter(council=standing.council).aggregate(
            waiting=Count("pk", filter=Q(status__in=press.WAITING, approved_by__isnull=True)),
            to_publish=Count("pk", filter=Q(status=PressStatus.APPROVED)),
            held=Count("pk", filter=Q(status=PressStatus.HELD, approved_by__isnull=False)),
        )
    elif policy.can_draft_press_release(standing):
        counts = PressRelease.objects.filter(
            council=standing.council, author=standing.user
        ).aggregate(
            drafts=Count("pk", filter=Q(status=PressStatus.DRAFT)),
            waiting=Count("pk", filter=Q(status__in=press.WAITING)),
        )
    else:
        return None
    return "correspondence/press/home_panel.html", {"standing": standing, "counts": counts}
