"""Every model of the council app, under these headings: dates, councils and people; roles;
committees and seats; political groups, spokespeople and pre-election periods; the document
register; the outbox of notifications; the audit log; how long personal records are kept.

Over 600 lines on purpose: the app's models in one module, as Django and a newcomer expect; the
rules that use them live in services.py, audit.py, outbox.py and policy/.

Every date range here is inclusive at both ends and open when `ends_on` is empty. "Current" always
means "on a given day" (today by default), so rights follow the dates by themselves (R1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

# ---------------------------------------------------------------------------------------------
# Dates, councils and people
# ---------------------------------------------------------------------------------------------


class DatedQuerySet(models.QuerySet):
    """Rows whose `starts_on`..`ends_on` range covers a day."""

    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def overlapping(self, starts_on: date, ends_on: date | None):
        """Rows whose range shares at least one day with starts_on..ends_on."""
        qs = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if ends_on is not None:
            qs = qs.filter(starts_on__lte=ends_on)
        return qs


def dates_valid_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
        name=name,
        violation_error_message="The end date cannot be before the start date.",
    )


class Council(models.Model):
    class Kind(models.TextChoices):
        PARISH = "parish", "Parish council"
        TOWN = "town", "Town council"
        COMMUNITY = "community", "Community council"
        CITY = "city", "City council"

    class Nation(models.TextChoices):
        # The Code of Conduct route (R21) and the bank holidays (R9) follow the nation.
        ENGLAND = "england", "England"
        WALES = "wales", "Wales"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        unique=True, help_text="The short name used in web addresses, e.g. little-wickham."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARISH)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    principal_authority = models.CharField(
        max_length=200, blank=True, help_text="The district, borough or county council above you."
    )
    monitoring_officer_name = models.CharField(max_length=200, blank=True)
    monitoring_officer_email = models.EmailField(blank=True)
    response_working_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="How many working days officers have to answer a councillor's request.",
    )
    panel_quorum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2)],
        help_text="How many members of the personnel committee a panel needs to hear a grievance "
        "or disciplinary matter. At least two: the chair never decides alone.",
    )
    appeal_working_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="How many working days someone has to appeal a panel's decision.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council:home", args=[self.slug])


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can sign in. The email address is the login."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, help_text="Full name, as it appears on council papers.")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin (site administrators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------


class Role(models.Model):
    """An appointment of a person to a council, for a dated term (R1)."""

    class Kind(models.TextChoices):
        COUNCILLOR = "councillor", "Councillor"
        PROPER_OFFICER = "proper_officer", "Proper Officer (clerk)"
        RFO = "rfo", "Responsible Financial Officer"
        OFFICER = "officer", "Officer"
        POLITICAL_ASSISTANT = "political_assistant", "Political assistant"
        MONITORING_OFFICER = "monitoring_officer", "Monitoring officer (external)"

    # Officers are the council's staff; the Proper Officer is one of them.
    OFFICER_KINDS = frozenset({Kind.PROPER_OFFICER, Kind.RFO, Kind.OFFICER})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roles"
    )
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    acting = models.BooleanField(
        default=False,
        help_text="An acting Proper Officer covering a vacancy (usually a councillor, unpaid). "
        "Needs an end date.",
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(
        null=True, blank=True, help_text="Leave empty if there is no fixed end date."
    )
    history = HistoricalRecords()

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["council", "kind", "starts_on"]
        constraints = [
            dates_valid_constraint("role_ends_after_start"),
            # R4: only a Proper Officer appointment can be "acting", and it must end.
            models.CheckConstraint(
                condition=Q(acting=False) | Q(kind="proper_officer", ends_on__isnull=False),
                name="role_acting_is_dated_proper_officer",
                violation_error_message="Only a Proper Officer appointment can be acting, and an "
                "acting appointment needs an end date.",
            ),
        ]
        indexes = [models.Index(fields=["council", "user", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.title} of {self.council}"

    def get_absolute_url(self) -> str:
        """A role has no page of its own: it is on the person's page, with their other roles."""
        return reverse("council:person_detail", args=[self.council.slug, self.user_id])

    @property
    def title(self) -> str:
        """The role as people should see it; an acting Proper Officer is shown as such (R4)."""
        if self.acting:
            return "Acting Proper Officer (clerk)"
        return self.get_kind_display()

    def covers(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


# ---------------------------------------------------------------------------------------------
# Committees and seats
# ---------------------------------------------------------------------------------------------


class Committee(models.Model):
    class Kind(models.TextChoices):
        FULL_COUNCIL = "full_council", "Full council"
        COMMITTEE = "committee", "Committee"
        SUB_COMMITTEE = "sub_committee", "Sub-committee"
        PERSONNEL = "personnel", "Personnel committee"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_committees",
        help_text="For a sub-committee: the committee it reports to.",
    )
    functions = models.TextField(
        blank=True, help_text="What this committee is responsible for, in a sentence or two."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(kind="full_council"),
                name="one_full_council_per_council",
                violation_error_message="This council already has a full council.",
            ),
            models.UniqueConstraint(
                fields=["council", "name"],
                name="committee_name_unique_in_council",
                violation_error_message="This council already has a committee with that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council:committee_detail", args=[self.council.slug, self.pk])


class Seat(models.Model):
    """A person's place on a committee, for dated term. The council's chair is the chair of the
    full council."""

    class Position(models.TextChoices):
        MEMBER = "member", "Member"
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seats"
    )
    position = models.CharField(max_length=20, choices=Position.choices, default=Position.MEMBER)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "position", "starts_on"]
        constraints = [dates_valid_constraint("seat_ends_after_start")]
        indexes = [models.Index(fields=["user", "committee", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_position_display()} of {self.committee}"


# ---------------------------------------------------------------------------------------------
# Political groups, spokespeople and pre-election periods
# ---------------------------------------------------------------------------------------------


class PoliticalGroup(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="political_groups")
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"],
                name="group_name_unique_in_council",
                violation_error_message="This council already has a group with that name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council:group_detail", args=[self.council.slug, self.pk])


class GroupMembership(models.Model):
    group = models.ForeignKey(PoliticalGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_memberships"
    )
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["group", "starts_on"]
        constraints = [dates_valid_constraint("membership_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class Spokesperson(models.Model):
    """Someone the council appointed to speak for it, and on what (R13). The clerk keeps the
    list."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="spokespeople")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    speaks_on = models.CharField(
        max_length=300, help_text="What they may speak on, for example 'the allotments'."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["council", "starts_on"]
        constraints = [dates_valid_constraint("spokesperson_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.user} on {self.speaks_on}"


class PreElectionPeriod(models.Model):
    """Dates set by the council during which publicity about candidates or contentious matters
    is held back (R14)."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="pre_election_periods"
    )
    name = models.CharField(max_length=200, help_text="For example 'Parish elections, May 2027'.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    history = HistoricalRecords()

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["council", "starts_on"]
        constraints = [dates_valid_constraint("pre_election_ends_after_start")]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# The document register
# ---------------------------------------------------------------------------------------------


class PrivateStorage(FileSystemStorage):
    """Outside the web root, with no base URL: a file here is reachable only through a view that
    checks permission first."""

    @cached_property
    def base_location(self):
        # Read when first used, not at import, so that the setting decides (tests use a temp dir).
        return str(settings.PRIVATE_STORAGE_ROOT)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; use the download view.")


private_storage = PrivateStorage()


def document_upload_to(instance: Document, filename: str) -> str:
    """A random name: the original name is kept on the row, never used on disk."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{instance.council_id}/{secrets.token_hex(16)}{suffix}"


class DocumentQuerySet(models.QuerySet):
    def for_council(self, council: Council):
        return self.filter(council=council)


class Document(models.Model):
    """An entry in the council's document register."""

    class Classification(models.TextChoices):
        PUBLIC = "public", "Public"
        COMMITTEE = "committee", "Committee"
        CONFIDENTIAL = "confidential", "Confidential"
        PERSONAL_DATA = "personal_data", "Contains third-party personal data"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.COMMITTEE
    )
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The committee whose functions this document relates to, if any.",
    )
    file = models.FileField(storage=private_storage, upload_to=document_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["council", "-updated_at", "-id"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("council:document_detail", args=[self.council.slug, self.pk])


# ---------------------------------------------------------------------------------------------
# The outbox of notifications (council/outbox.py sends them)
# ---------------------------------------------------------------------------------------------


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Notification.Status.PENDING)


class Notification(models.Model):
    """The outbox. Every email and in-app notice is a row; `key` is unique, so producing the same
    notice twice (a retried task, a sweep that runs again) creates one row and sends one email."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="Empty for an email to someone outside the council (to_email).",
    )
    # An email to someone with no login: a complainant, a resident, another body (R12 decides
    # what may reach them).
    to_email = models.EmailField(blank=True)
    to_name = models.CharField(max_length=200, blank=True)
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=50)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    # No HistoricalRecords here, unlike every other model: the row is itself the record of the
    # message (created, claimed, sent, read), and delivery claims rows with a conditional UPDATE
    # that by design bypasses per-row signals, so a history would be incomplete and misleading.
    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The delivery sweep reads only pending rows: keep that index small.
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="notification_pending_idx",
            ),
            # The sweep's look for claims a dead worker left behind (notifications_release_stale):
            # a handful of rows, never the whole outbox.
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="notification_sending_idx",
            ),
            models.Index(fields=["user", "-created_at", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(to_email=""),
                name="notification_has_an_address",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def address(self) -> str:
        return self.to_email or self.user.email

    @cached_property
    def absolute_link(self) -> str:
        if not self.link:
            return ""
        return f"{settings.SITE_URL}{self.link}"


# ---------------------------------------------------------------------------------------------
# Timelines: the steps of a matter, for the apps that keep one
# ---------------------------------------------------------------------------------------------


class TimelineEvent(models.Model):
    """One step in the life of a matter (an information request, a concern): what happened, who
    did it, when, and any words with it. Written once and never changed, so it keeps no history
    of its own: the matter's history covers the matter's changes. A subclass adds the foreign key
    to its matter, its `Kind` choices (as `kind`, redeclared with them) and, where readers differ,
    an audience."""

    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# The audit log (R27): council/audit.py appends to it and checks its chains
# ---------------------------------------------------------------------------------------------

# The chain of the events that belong to no council (council ids start at 1).
PORTAL_CHAIN = 0

MSG_APPEND_ONLY = "The audit log is append-only: an event, once written, never changes."


MSG_APPEND_ONLY = "The audit log is append-only: an event, once written, never changes."


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditKind(models.TextChoices):
    # Councillors' information requests (R5–R9)
    REQUEST_SUBMITTED = "request_submitted", "Request submitted"
    REQUEST_CLARIFICATION_ASKED = "request_clarification_asked", "Request: clarification asked"
    REQUEST_CLARIFIED = "request_clarified", "Request clarified"
    REQUEST_DELEGATED = "request_delegated", "Request passed to another officer"
    REQUEST_DECIDED = "request_decided", "Request decided"
    REQUEST_WITHDRAWN = "request_withdrawn", "Request withdrawn"
    # Documents (R8)
    DOCUMENT_RELEASED = "document_released", "Released document first opened"
    PERSONAL_DATA_DOCUMENT_OPENED = (
        "personal_data_document_opened",
        "Document with personal data opened",
    )
    # Concerns (R16–R23)
    CONCERN_RAISED = "concern_raised", "Concern raised"
    CONCERN_TRIAGED = "concern_triaged", "Concern triaged"
    CONCERN_SUBJECT_TOLD = "concern_subject_told", "Person concerned told"
    CONCERN_FORMAL = "concern_formal", "Concern moved to the formal procedure"
    CONCERN_HEARING_ARRANGED = "concern_hearing_arranged", "Hearing arranged"
    CONCERN_HEARING_MOVED = "concern_hearing_moved", "Hearing moved"
    CONCERN_HEARING_DECIDED = "concern_hearing_decided", "Hearing decided"
    CONCERN_APPEALED = "concern_appealed", "Concern appealed"
    CONCERN_REFERRED = "concern_referred", "Concern referred outside the council"
    CONCERN_CLOSED = "concern_closed", "Concern closed"
    CONCERN_WITHDRAWN = "concern_withdrawn", "Concern withdrawn"
    # Correspondence, press and political groups (R10–R15)
    CORRESPONDENCE_SENT = "correspondence_sent", "Correspondence sent"
    CORRESPONDENCE_RECORDED = "correspondence_recorded", "Correspondence recorded as sent"
    CORRESPONDENCE_COPIED = "correspondence_copied", "Correspondence copied (forwarded)"
    PRESS_APPROVED = "press_approved", "Press release approved"
    PRESS_PUBLISHED = "press_published", "Press release published"
    GROUP_REPORT_ISSUED = "group_report_issued", "Group report issued"
    # The protocol (R24)
    PROTOCOL_ADOPTED = "protocol_adopted", "Protocol adopted"
    # Roles (R1, R4) and sign-in
    ROLE_CREATED = "role_created", "Role created"
    ROLE_CHANGED = "role_changed", "Role dates changed"
    ROLE_ENDED = "role_ended", "Role ended (end date set or brought forward)"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    TWO_FACTOR_RESET = "two_factor_reset", "Someone else's two-factor authentication reset"
    # Data protection: the daily purge of expired personal records (council/privacy/)
    RETENTION_PURGED = "retention_purged", "Expired personal records removed"
    PERSONAL_DATA_EXPORTED = "personal_data_exported", "Personal data exported (subject access)"


class AuditEventQuerySet(models.QuerySet):
    """The ORM's bulk paths would bypass both the chain and the model's guards: refused."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def delete(self):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events are appended one at a time by audit_record().")


class AuditEvent(models.Model):
    """One thing that happened, chained to the event before it in its council's chain.

    Who and which council are plain values with a name beside them, not foreign keys: a foreign
    key could cascade, be set to NULL, or block deleting a person, and the row must never change.
    No HistoricalRecords either: the row never changes, so it has no versions.
    """

    Kind = AuditKind

    # The whole log's order. An auto-increment, so that two chains appending at once under their
    # own locks never ask for the same number; a rolled-back append leaves a gap here, which is
    # harmless: removals show as gaps in `position`. Not in the hash: the database assigns it on
    # insert, after the hash has been computed.
    sequence = models.BigAutoField(primary_key=True)
    # The council's id, or PORTAL_CHAIN: `council_id` cannot be the chain itself, since a unique
    # constraint treats NULLs as all different.
    chain = models.PositiveBigIntegerField()
    # Assigned under the chain's lock as the previous position + 1 (not an autoincrement, whose
    # values have gaps after a rollback): a gap here means an event was removed.
    position = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=50, choices=AuditKind.choices)
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    council_id = models.PositiveBigIntegerField(null=True, blank=True)
    council_name = models.CharField(max_length=200, blank=True)
    target_model = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    target_pk = models.CharField(max_length=64, blank=True)
    # Identifiers and states only: never a password, a concern's details or a letter's text.
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        constraints = [
            # Two appends that raced past the lock (there is none on SQLite) cannot both take the
            # same place; the index also finds a chain's last event, and walks a chain in order.
            models.UniqueConstraint(
                fields=["chain", "position"], name="auditevent_one_event_per_position"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    chain=Coalesce(
                        "council_id",
                        models.Value(PORTAL_CHAIN),
                        output_field=models.PositiveBigIntegerField(),
                    )
                ),
                name="auditevent_chain_is_its_councils",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"

    # A guard in save() and delete() is the one exception to "no rules in save()" (STYLE 8): it
    # is not a business rule but the table's nature, and it must hold however the row is reached
    # (the admin, a shell, a future service). PostgreSQL's trigger says the same below the ORM.
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)
        kwargs["force_insert"] = True  # never an UPDATE, even with the primary key set
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def canonical(self) -> bytes:
        """Every field but `hash` and `sequence`, as JSON with sorted keys, no whitespace and the
        time in UTC ISO 8601: the bytes the hash is computed over. The chain and the position are
        in it, so an event cannot be moved to another chain or place without changing its hash.
        (Migration 0008 keeps a frozen copy of this form, to re-seal the old log with: changing
        it later means re-sealing every chain again, in a migration of its own.)"""
        fields = {
            "chain": self.chain,
            "position": self.position,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "kind": self.kind,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "council_id": self.council_id,
            "council_name": self.council_name,
            "target_model": self.target_model,
            "target_pk": self.target_pk,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def compute_hash(self) -> str:
        """The SHA-256 of `canonical()`, in hex."""
        return hashlib.sha256(self.canonical()).hexdigest()


# ---------------------------------------------------------------------------------------------
# How long personal records are kept (UK GDPR: storage limitation)
# ---------------------------------------------------------------------------------------------
#
# One `RetentionPolicy` row per council, rather than seven more fields on `Council`: the council row
# is read on every page (with the person's roles), while these settings are read once a day by the
# purge and on their own settings page; a row of their own also gives them their own history (R27)
# and their own form. A council without a row uses the defaults: `RetentionPolicy.for_council()`
# returns an unsaved row, and saving the settings page creates it.
#
# Every period is a whole number of months, counted from the day the record closed (decided, closed,
# sent, last changed, ended). The purge itself is `council.privacy`.
#
# Not here, on purpose: the protocol (kept for ever, R24) and the audit log (append-only,
# council/audit.py), and the council's documents (its records, not personal records).

MAX_MONTHS = 600  # 50 years: anything longer is a mistake, not a policy
SIX_YEARS = 72


def _months(minimum: int, why: str) -> list:
    return [
        MinValueValidator(minimum, message=f"Enter at least {minimum} months: {why}"),
        MaxValueValidator(MAX_MONTHS, message=f"Enter at most {MAX_MONTHS} months (50 years)."),
    ]


class RetentionPolicy(models.Model):
    council = models.OneToOneField(
        "council.Council", on_delete=models.CASCADE, related_name="retention_policy"
    )
    requests_months = models.PositiveSmallIntegerField(
        "Councillors' information requests",
        default=SIX_YEARS,
        validators=_months(
            12, "the timeliness page reports on the last 12 months of decided requests."
        ),
        help_text="Months after a request is decided or withdrawn before it is deleted, with its "
        "timeline, its documents list and the log of who opened them. 72 months (6 years) is a "
        "common local-government default: the time within which most legal claims can be "
        "brought. A granted request stays while the councillor's term that covered it lasts, so "
        "they can still open what was released to them.",
    )
    personal_data_access_months = models.PositiveSmallIntegerField(
        "Who opened documents with personal data",
        default=SIX_YEARS,
        validators=_months(12, "the log shows who saw other people's personal data."),
        help_text="Months each opening of a released document that contains other people's "
        "personal data is kept, counted from the opening. At least as long as requests are kept: "
        "the request stays until its log has expired.",
    )
    concerns_months = models.PositiveSmallIntegerField(
        "Concerns, grievances and complaints",
        default=SIX_YEARS,
        validators=_months(12, "a closed matter may be raised again or taken to a tribunal."),
        help_text="Months after a concern is closed before it is deleted, with its timeline, "
        "hearings and panels. 72 months (6 years), as for other employment records.",
    )
    correspondence_months = models.PositiveSmallIntegerField(
        "Letters and emails",
        default=SIX_YEARS,
        validators=_months(12, "the council's business of the year must stay on record."),
        help_text="Months after an item was sent (or recorded as sent) before it is deleted "
        "with its recipients and copies. 72 months (6 years), as for the council's other "
        "correspondence.",
    )
    drafts_months = models.PositiveSmallIntegerField(
        "Drafts never sent",
        default=12,
        validators=_months(1, "an officer may still be writing it."),
        help_text="Months after a draft was last changed before it is deleted. 12 months: a "
        "draft nobody has touched for a year will not be sent.",
    )
    notifications_months = models.PositiveSmallIntegerField(
        "Notifications (emails and notices the portal sent)",
        default=12,
        validators=_months(3, "someone away for a while must still find what they were told."),
        help_text="Months after a notice was sent (or read, if later) before it is deleted. 12 "
        "months: the record itself (the request, the concern, the letter) keeps what matters.",
    )
    people_months = models.PositiveSmallIntegerField(
        "People whose roles have all ended",
        default=SIX_YEARS,
        validators=_months(12, "a former member may be re-elected or reappointed."),
        help_text="Months after a person's last role ended (here and in every other council "
        "on the portal) before their name and email address are removed. Their row stays, "
        "anonymised, so that the council's records still say 'a former member'. 72 months "
        "(6 years), as for the records that name them.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"Retention periods of {self.council}"

    @classmethod
    def for_council(cls, council: Council) -> RetentionPolicy:
        """The council's settings, or the defaults (unsaved) when it has never changed them."""
        return cls.objects.filter(council=council).first() or cls(council=council)

    def clean(self) -> None:
        # The issue: the log of who opened personal data is kept for the requests' period.
        if (
            self.personal_data_access_months is not None
            and self.requests_months is not None
            and self.personal_data_access_months < self.requests_months
        ):
            raise ValidationError(
                {
                    "personal_data_access_months": "Keep the log of who opened personal data at "
                    f"least as long as requests: {self.requests_months} months or more."
                }
            )
