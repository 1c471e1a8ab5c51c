"""Reports that an officer prepares for one political group (DESIGN §4 R15).

R15 lives in two places here, and nowhere else:
- `recommending_phrases()` finds the words that recommend, so that the form (and `report_save`)
  can stop a report that advises the group what to do. The model has no recommendation field.
- `report_issue()` tells every other group of the council that a report exists: for which group,
  on what subject and when, never what it says.

Each action takes keyword-only arguments and the acting user, and follows the house shape: lock
and check the state (a ValidationError says what to do) → change → save with the acting user in
the history row (R27) → notices through the outbox, once each (unique keys).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from council.audit import AuditKind, audit_record
from council.models import Council, GroupMembership, Notification, PoliticalGroup, Role, User
from council.outbox import notification_create
from council.services import locked, save_recorded

from ..models import GroupReport

Status = GroupReport.Status

# R15: words that give advice rather than facts or options. Each entry is a regular expression
# matched case-insensitively on word boundaries; a space matches any run of whitespace. The list
# is deliberately broad ("should" also describes facts: "the roof should last ten years"), which
# is why the officer may confirm that a flagged text does not recommend, rather than being
# blocked. Longer forms come first so that "recommendation" is reported as such, not "recommend".
RECOMMENDING_PHRASES: tuple[str, ...] = (
    r"recommendations?",
    r"recommend(?:s|ed|ing)?",
    r"we (?:would )?advise",
    r"advise[sd]? that",
    r"should",
    r"ought to",
    r"the best option",
    r"we (?:would )?suggest",
    r"propose[sd]? that",
    r"preferred option",
)

_RECOMMENDING = re.compile(
    r"\b(?:" + "|".join(p.replace(" ", r"\s+") for p in RECOMMENDING_PHRASES) + r")\b",
    re.IGNORECASE,
)

KIND = "group_report"  # the notices' kind in the outbox

MSG_RECOMMENDS = (
    "This text seems to recommend: {phrases}. A report for a group gives facts and options only. "
    "Rewrite it, or tick the box to confirm it does not recommend."
)
MSG_GROUP_ELSEWHERE = "Choose one of this council's political groups."
MSG_NOT_A_DRAFT = (
    "This report was issued on {day}. An issued report cannot be changed: the groups have "
    "been told about it."
)
MSG_ALREADY_ISSUED = (
    "This report was already issued on {day}, and every other group was told then. Nothing "
    "more was sent."
)

TOLD_SUBJECT = "A report was prepared for the {group} group"
TOLD_BODY = 'A report was prepared for the {group} group on "{subject}", issued {day}.'
TOLD_WHY = (
    "Every group is told when officers prepare a report for another group, so that all groups "
    "know what help officers give. The report itself is for that group only."
)
ISSUED_SUBJECT = 'Your group\'s report is issued: "{subject}"'
ISSUED_BODY = (
    'The report for the {group} group on "{subject}" was issued on {day}. Every other group '
    "is told that it exists, but not what it says."
)


def recommending_phrases(text: str) -> list[str]:
    """R15: the phrases in `text` that recommend, lower-cased, each once, in order of first use."""
    found: list[str] = []
    for match in _RECOMMENDING.finditer(text or ""):
        phrase = " ".join(match.group().lower().split())
        if phrase not in found:
            found.append(phrase)
    return found


def recommends_message(phrases: list[str]) -> str:
    """The warning shown when a report's text seems to recommend."""
    return MSG_RECOMMENDS.format(phrases=", ".join(f'"{p}"' for p in phrases))


def long_date(day: date | None) -> str:
    """A date as people write it: "3 May 2025"."""
    return f"{day:%-d %B %Y}" if day else "an earlier day"


def report_save(
    *,
    council: Council,
    group: PoliticalGroup,
    subject: str,
    facts: str,
    options: str,
    acting_user: User,
    report: GroupReport | None = None,
    no_recommendation_confirmed: bool = False,
) -> GroupReport:
    """Prepare a new draft report for a group, or change a draft (only drafts can change)."""
    if group.council_id != council.pk:
        raise ValidationError({"group": MSG_GROUP_ELSEWHERE})
    # R15: a text that seems to recommend is saved only once the officer confirms it does not.
    phrases = recommending_phrases("\n".join((subject, facts, options)))
    if phrases and not no_recommendation_confirmed:
        raise ValidationError({"confirm_no_recommendation": recommends_message(phrases)})
    with transaction.atomic():
        if report is None:
            report = GroupReport(council=council, prepared_by=acting_user)
            fields = None
        else:
            report = locked(report, "group")
            if report.council_id != council.pk:
                raise ValidationError(MSG_GROUP_ELSEWHERE)
            if report.status != Status.DRAFT:
                raise ValidationError(MSG_NOT_A_DRAFT.format(day=long_date(report.issued_on)))
            fields = ["group", "subject", "facts", "options"]
        report.group = group
        report.subject = subject.strip()
        report.facts = facts.strip()
        report.options = options.strip()
        save_recorded(report, acting_user=acting_user, update_fields=fields)
    return report


def report_issue(
    *, report: GroupReport, acting_user: User, today: date | None = None
) -> GroupReport:
    """Issue a draft report to its group; every other group is told that it exists (R15)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        report = locked(report, "group")
        if report.status != Status.DRAFT:
            raise ValidationError(MSG_ALREADY_ISSUED.format(day=long_date(report.issued_on)))
        report.status = Status.ISSUED
        report.issued_on = today
        save_recorded(report, acting_user=acting_user, update_fields=["status", "issued_on"])
        audit_record(
            kind=AuditKind.GROUP_REPORT_ISSUED,
            acting_user=acting_user,
            council=report.council,
            target=report,
            data={"group_id": report.group_id, "issued_on": today},
        )
        _tell_the_groups(report, today)
    return report


def _members(council: Council, on: date):
    """Current group memberships in the council on a day, of people who still hold a role there
    (a membership left open after a term ended tells nobody)."""
    holding_a_role = Role.objects.current(on).filter(council=council).values("user_id")
    return GroupMembership.objects.current(on).filter(
        group__council=council, user_id__in=holding_a_role
    )


def _tell_the_groups(report: GroupReport, on: date) -> None:
    """R15: every member of every other group is told that the report exists, and for whom; the
    group's own members are told that it is ready to read. Never the facts or options. The keys
    make each notice once-only, whoever calls this again."""
    council, group = report.council, report.group
    members = _members(council, on)
    own = set(members.filter(group=group).values_list("user_id", flat=True))
    # A person is in one group at a time (membership_create), so the exclusion is only a guard:
    # the group's own members get their own notice, never the "another group" one.
    others = (
        User.objects.filter(pk__in=members.exclude(group=group).values("user_id"))
        .exclude(pk__in=own)
        .order_by("pk")
    )
    words = {"group": group.name, "subject": report.subject, "day": long_date(report.issued_on)}
    for user in others:
        notification_create(
            user=user,
            council=council,
            key=f"group-report:{report.pk}:told:{user.pk}",
            kind=KIND,
            subject=TOLD_SUBJECT.format(**words),
            body=f"{TOLD_BODY.format(**words)} {TOLD_WHY}",
            link=reverse("group_reports:report_list", args=[council.slug]),
        )
    for user in User.objects.filter(pk__in=own).order_by("pk"):
        notification_create(
            user=user,
            council=council,
            key=f"group-report:{report.pk}:issued:{user.pk}",
            kind=KIND,
            subject=ISSUED_SUBJECT.format(**words),
            body=ISSUED_BODY.format(**words),
            link=report.get_absolute_url(),
        )


def told_about(report: GroupReport) -> list[tuple[User, list[str]]]:
    """Who was told that an issued report exists (from the outbox, which is the record), each
    with the groups they belonged to on the day it was issued."""
    if report.issued_on is None:
        return []
    told = [
        n.user
        for n in report_notices(report, "told").select_related("user").order_by("user__name")
        if n.user is not None
    ]
    groups: dict[int, list[str]] = {}
    for membership in (
        GroupMembership.objects.current(report.issued_on)
        .filter(group__council_id=report.council_id, user__in=told)
        .select_related("group")
        .order_by("group__name")
    ):
        groups.setdefault(membership.user_id, []).append(membership.group.name)
    return [(user, groups.get(user.pk, [])) for user in told]


def report_notices(report: GroupReport, which: str):
    """The outbox rows of one kind ("told" or "issued") about a report."""
    return Notification.objects.filter(
        kind=KIND, key__startswith=f"group-report:{report.pk}:{which}:"
    )
