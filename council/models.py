"""The council's structure: councils, people, dated roles, committees and seats, political groups,
the document register, and the outbox of notifications.

Every date range here is inclusive at both ends and open when `ends_on` is empty. "Current" always
means "on a given day" (today by default), so rights follow the dates by themselves (R1).
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords


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

    @property
    def title(self) -> str:
        """The role as people should see it; an acting Proper Officer is shown as such (R4)."""
        if self.acting:
            return "Acting Proper Officer (clerk)"
        return self.get_kind_display()

    def covers(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


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


from .audit import AuditEvent  # noqa: E402,F401
from .retention import RetentionPolicy  # noqa: E402,F401
