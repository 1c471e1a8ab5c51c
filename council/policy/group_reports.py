"""Reports for political groups (R15)."""

from __future__ import annotations

from council.models import (
    GroupMembership,
    Role,
)

from .standing import Standing

RoleKind = Role.Kind

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
