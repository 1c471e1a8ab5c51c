"""The subject access export (UK GDPR art. 15): everything held about one person, in one
download. council.privacy says what it includes and what it withholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from ..models import (
    AuditEvent,
    Council,
    GroupMembership,
    Notification,
    Role,
    Seat,
    Spokesperson,
    User,
)
from ..policy import Standing, concern_traces_in_copy
from .registry import export_sections, register_export

# R16: what a copy of someone else's data says in place of their concerns' notices and events.
CONCERN_TRACES_WITHHELD = (
    "Anything about concerns is left out of this copy: a concern is seen only by those with a "
    "part in it. The person's own download, from their account, includes it."
)

SECTION_ORDER = [
    "account",
    "roles",
    "information_requests",
    "correspondence",
    "concerns",
    "protocol",
    "notifications",
    "audit",
    "history",
]


# ---------------------------------------------------------------------------------------------
# The subject access export
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose data, held by which councils. `whole_portal`: the person's own download, which also
    covers records no council holds (failed sign-ins on their account)."""

    person: User
    councils: tuple[Council, ...]
    whole_portal: bool = False
    # Who reads the copy, when it is not the person: the Proper Officer's standing in the one
    # council the copy covers. What they may meet of concerns is the policy's (R16).
    viewer: Standing | None = None

    @property
    def council_ids(self) -> list[int]:
        return [c.pk for c in self.councils]

    def council_q(self, path: str = "council") -> Q:
        """Rows of the scope's councils (and, in a whole-portal export, of none)."""
        q = Q(**{f"{path}_id__in": self.council_ids})
        if self.whole_portal:
            q |= Q(**{f"{path}__isnull": True})
        return q


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str]]  # (key in the JSON, heading in the page)
    rows: list[dict[str, Any]]
    withheld: str = ""  # what is left out of this table and why, in plain English

    def cells(self) -> list[list[str]]:
        return [[display(row.get(key)) for key, _ in self.columns] for row in self.rows]


@dataclass
class Section:
    key: str
    title: str
    about: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class Export:
    scope: Scope
    made_at: datetime
    sections: list[Section]

    def filename(self, extension: str) -> str:
        day = timezone.localtime(self.made_at).date()
        return f"subject-access-{self.scope.person.pk}-{day:%Y-%m-%d}.{extension}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.scope.person.pk,
            "made_at": self.made_at,
            "councils": [c.name for c in self.scope.councils],
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "about": s.about,
                    "tables": [
                        {"title": t.title, "withheld": t.withheld, "rows": t.rows} for t in s.tables
                    ],
                }
                for s in self.sections
            ],
        }


def display(value: Any) -> str:
    """A value as the page shows it (the JSON keeps the value itself)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if isinstance(value, list | tuple):
        return "; ".join(display(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(v)}" for k, v in value.items())
    return str(value)


def name_of(user: User | None) -> str:
    return user.name if user is not None else ""


def export_build(*, scope: Scope) -> Export:
    """Everything every app holds about the scope's person. A fixed number of queries for each
    section, whatever the number of rows."""
    sections: list[Section] = []
    for section in export_sections():
        sections.extend(section(scope))
    # The person and their places first, then each app's records, then what the portal told them
    # and the logs about them (apps register in INSTALLED_APPS order, which is not this).
    rank = {key: index for index, key in enumerate(SECTION_ORDER)}
    sections.sort(key=lambda s: rank.get(s.key, len(rank)))
    return Export(scope=scope, made_at=timezone.now(), sections=sections)


@register_export
def _council_sections(scope: Scope) -> list[Section]:
    """The person, their places in the council, what the portal told them, and what the audit
    log and the history hold about them. Ten queries."""
    person = scope.person
    ids = scope.council_ids
    addresses = list(EmailAddress.objects.filter(user=person).order_by("pk"))
    factors = sorted(
        {
            str(Authenticator.Type(t).label)
            for t in Authenticator.objects.filter(user=person).values_list("type", flat=True)
        }
    )
    roles = list(
        Role.objects.filter(user=person, council_id__in=ids)
        .select_related("council")
        .order_by("council__name", "starts_on", "pk")
    )
    seats = list(
        Seat.objects.filter(user=person, committee__council_id__in=ids)
        .select_related("committee__council")
        .order_by("starts_on", "pk")
    )
    memberships = list(
        GroupMembership.objects.filter(user=person, group__council_id__in=ids)
        .select_related("group__council")
        .order_by("starts_on", "pk")
    )
    spokes = list(
        Spokesperson.objects.filter(user=person, council_id__in=ids)
        .select_related("council")
        .order_by("starts_on", "pk")
    )
    notices_qs = Notification.objects.filter(user=person).filter(scope.council_q())
    traces = concern_traces_in_copy(scope.viewer)
    if not traces:
        notices_qs = notices_qs.exclude(kind="concern")
    notices = list(notices_qs.select_related("council").order_by("created_at", "pk"))
    about_me = Q(target_model="council.user", target_pk=str(person.pk)) | Q(
        target_model="council.role", target_pk__in=[str(r.pk) for r in roles]
    )
    audit_scope = Q(council_id__in=ids) | (
        Q(council_id__isnull=True) if scope.whole_portal else Q(pk__in=[])
    )
    events_qs = AuditEvent.objects.filter(audit_scope).filter(Q(actor_id=person.pk) | about_me)
    if not traces:
        events_qs = events_qs.exclude(kind__startswith="concern_")
    events = list(events_qs.order_by("sequence"))
    role_ids = {str(r.pk) for r in roles}
    user_history = list(
        User.history.filter(id=person.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    role_history = list(
        Role.history.filter(user_id=person.pk, council_id__in=ids)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    councils = {c.pk: c.name for c in scope.councils}
    actions = {"+": "Created", "~": "Changed", "-": "Deleted"}

    def about(event: AuditEvent) -> bool:
        return (event.target_model == "council.user" and event.target_pk == str(person.pk)) or (
            event.target_model == "council.role" and event.target_pk in role_ids
        )

    account = Section(
        key="account",
        title="Your account",
        about="The details you sign in with. The password is never kept in a readable form and "
        "is not included; nor are the secrets of your two-factor authentication.",
        tables=[
            Table(
                "Account",
                [
                    ("id", "Number"),
                    ("name", "Name"),
                    ("email", "Email address"),
                    ("active", "Can sign in"),
                    ("joined", "Added on"),
                    ("last_sign_in", "Last signed in"),
                    ("two_factor", "Two-factor authentication"),
                ],
                [
                    {
                        "id": person.pk,
                        "name": person.name,
                        "email": person.email,
                        "active": person.is_active,
                        "joined": person.date_joined,
                        "last_sign_in": person.last_login,
                        "two_factor": factors,
                    }
                ],
            ),
            Table(
                "Email addresses",
                [("email", "Address"), ("verified", "Confirmed"), ("primary", "Main address")],
                [
                    {"email": a.email, "verified": a.verified, "primary": a.primary}
                    for a in addresses
                ],
            ),
        ],
    )
    places = Section(
        key="roles",
        title="Your roles, seats and groups",
        about="Your appointments in the council, your committee seats, your political group "
        "memberships and anything the council appointed you to speak on.",
        tables=[
            Table(
                "Roles",
                [
                    ("council", "Council"),
                    ("role", "Role"),
                    ("starts_on", "From"),
                    ("ends_on", "To"),
                ],
                [
                    {
                        "council": r.council.name,
                        "role": r.title,
                        "starts_on": r.starts_on,
                        "ends_on": r.ends_on,
                    }
                    for r in roles
                ],
            ),
            Table(
                "Committee seats",
                [
                    ("council", "Council"),
                    ("committee", "Committee"),
                    ("position", "Position"),
                    ("starts_on", "From"),
                    ("ends_on", "To"),
                ],
                [
                    {
                        "council": s.committee.council.name,
                        "committee": s.committee.name,
                        "position": s.get_position_display(),
                        "starts_on": s.starts_on,
                        "ends_on": s.ends_on,
                    }
                    for s in seats
                ],
            ),
            Table(
                "Political groups",
                [
                    ("council", "Council"),
                    ("group", "Group"),
                    ("starts_on", "From"),
                    ("ends_on", "To"),
                ],
                [
                    {
                        "council": m.group.council.name,
                        "group": m.group.name,
                        "starts_on": m.starts_on,
                        "ends_on": m.ends_on,
                    }
                    for m in memberships
                ],
            ),
            Table(
                "Spokesperson appointments",
                [
                    ("council", "Council"),
                    ("speaks_on", "Speaks on"),
                    ("starts_on", "From"),
                    ("ends_on", "To"),
                ],
                [
                    {
                        "council": s.council.name,
                        "speaks_on": s.speaks_on,
                        "starts_on": s.starts_on,
                        "ends_on": s.ends_on,
                    }
                    for s in spokes
                ],
            ),
        ],
    )
    notifications = Section(
        key="notifications",
        title="Notifications sent to you",
        about="Every email and notice the portal sent you, as it was sent (you have seen these "
        "already, so nothing in them is withheld). Notices are deleted after the council's "
        "retention period.",
        tables=[
            Table(
                "Notifications",
                [
                    ("council", "Council"),
                    ("created_at", "Made"),
                    ("subject", "Subject"),
                    ("body", "Text"),
                    ("status", "Status"),
                    ("sent_at", "Sent"),
                    ("read_at", "Read"),
                ],
                [
                    {
                        "council": n.council.name if n.council else "",
                        "created_at": n.created_at,
                        "subject": n.subject,
                        "body": n.body,
                        "status": n.get_status_display(),
                        "sent_at": n.sent_at,
                        "read_at": n.read_at,
                    }
                    for n in notices
                ],
                withheld="" if traces else CONCERN_TRACES_WITHHELD,
            )
        ],
    )
    audit = Section(
        key="audit",
        title="The audit log",
        about="The tamper-evident log of what happened (R27), where you acted or where it is "
        "about your account or your roles. It is never changed or deleted.",
        tables=[
            Table(
                "Audit events",
                [
                    ("at", "When"),
                    ("council", "Council"),
                    ("event", "What happened"),
                    ("your_part", "Your part"),
                    ("record", "Record"),
                    ("details", "Details"),
                ],
                [
                    {
                        "at": e.at,
                        "council": councils.get(e.council_id or 0, e.council_name),
                        "event": e.get_kind_display(),
                        "your_part": "About you" if about(e) else "You acted",
                        "record": e.target_model,
                        # Details (ids and states) only of events about the person: an event
                        # they caused may be about someone else.
                        "details": e.data if about(e) else None,
                    }
                    for e in events
                ],
                withheld="Of events you caused that are about other records, the record's "
                "number and details are left out: they may be about someone else."
                + ("" if traces else " " + CONCERN_TRACES_WITHHELD),
            )
        ],
    )
    history = Section(
        key="history",
        title="History of your account and your roles",
        about="Every version of your account's details and of your roles, with who made the "
        "change (an officer of the council, you, or the system).",
        tables=[
            Table(
                "Your account's history",
                [
                    ("at", "When"),
                    ("action", "Change"),
                    ("by", "By"),
                    ("name", "Name"),
                    ("email", "Email address"),
                    ("active", "Can sign in"),
                ],
                [
                    {
                        "at": h.history_date,
                        "action": actions.get(h.history_type, h.history_type),
                        "by": name_of(h.history_user) or "The system",
                        "name": h.name,
                        "email": h.email,
                        "active": h.is_active,
                    }
                    for h in user_history
                ],
            ),
            Table(
                "Your roles' history",
                [
                    ("at", "When"),
                    ("action", "Change"),
                    ("by", "By"),
                    ("council", "Council"),
                    ("role", "Role"),
                    ("starts_on", "From"),
                    ("ends_on", "To"),
                ],
                [
                    {
                        "at": h.history_date,
                        "action": actions.get(h.history_type, h.history_type),
                        "by": name_of(h.history_user) or "The system",
                        "council": councils.get(h.council_id, ""),
                        "role": Role.Kind(h.kind).label,
                        "starts_on": h.starts_on,
                        "ends_on": h.ends_on,
                    }
                    for h in role_history
                ],
            ),
        ],
    )
    return [account, places, notifications, audit, history]
