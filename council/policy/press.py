"""The press office (R13, R14)."""

from __future__ import annotations

from council.models import (
    Role,
    Spokesperson,
)

from .standing import Standing

RoleKind = Role.Kind


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
