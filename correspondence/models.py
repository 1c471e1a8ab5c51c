"""What passes between councillors and officers: councillors' information requests ("need to
know", DESIGN §4 R5–R9); the correspondence register (R10–R12); press releases, spokespeople,
pre-election periods and press enquiries (R13, R14); political group reports (R15).

Spokespeople and pre-election periods are the council's own settings (council.models).
The business actions are split by topic: services.py (information requests), letters.py (the
register), press.py (the press) and group_reports.py (group reports).

A request's life: submitted (acknowledged, with a due date in working days) → optionally waiting
for the councillor to clarify (the clock pauses) → decided (granted, partly granted or refused,
with reasons) or withdrawn. Granted documents are released to the requester only; each opening is
logged (R8).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from council.lib.working_days import Deadline, add_working_days
from council.models import Council, Document, PoliticalGroup, TimelineEvent


class Route(models.TextChoices):
    """Which rule decides a councillor's request for documents (DESIGN §4 R5–R7)."""

    PRESUMED = "presumed", "Need to know is presumed"
    JUSTIFICATION = "justification", "A specific written justification is required"
    OFFICER_DECIDES = "officer", "The officer decides"


class InformationRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=InformationRequest.OPEN)

    def decided(self):
        return self.filter(status__in=InformationRequest.DECIDED)

    def overdue(self, today):
        """Waiting for the officer past the due date. A request waiting for the councillor to
        clarify is not overdue: its clock is paused (R9)."""
        return self.filter(status=InformationRequest.Status.SUBMITTED, due_on__lt=today)


class InformationRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        CLARIFICATION = "clarification", "Waiting for the councillor to clarify"
        GRANTED = "granted", "Granted"
        PARTLY_GRANTED = "partly_granted", "Partly granted"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.SUBMITTED, Status.CLARIFICATION)
    DECIDED = (Status.GRANTED, Status.PARTLY_GRANTED, Status.REFUSED)
    RELEASING = (Status.GRANTED, Status.PARTLY_GRANTED)
    # The workflow in one place: which state may follow which. Decided and withdrawn are final.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.CLARIFICATION, *DECIDED, Status.WITHDRAWN},
        Status.CLARIFICATION: {Status.SUBMITTED, *DECIDED, Status.WITHDRAWN},
    }

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="information_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="information_requests"
    )
    # R3: the Proper Officer on the day of the request, or the officer they delegated it to.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_information_requests",
    )
    documents = models.ManyToManyField(
        Document, through="RequestedDocument", related_name="information_requests"
    )
    summary = models.CharField("What you are asking for, in a line", max_length=200)
    information = models.TextField(
        "Information not in the register",
        blank=True,
        help_text="Describe any information you need that is not a document in the register.",
    )
    purpose = models.TextField("What you need it for")
    justification = models.TextField(
        "Why you need the personal data",
        blank=True,
        help_text="Needed when a document contains personal data about other people (R6).",
    )
    route = models.CharField(max_length=20, choices=Route.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)

    # R9: the clock. `due_on` is stored for filtering; `deadline()` shows how it was worked out.
    received_on = models.DateField()
    working_days = models.PositiveSmallIntegerField()
    paused_working_days = models.PositiveSmallIntegerField(default=0)
    paused_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()

    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reasons = models.TextField(blank=True)
    # Working days from receipt to decision, less any pause: kept for the timeliness page.
    decision_working_days = models.PositiveSmallIntegerField(null=True, blank=True)

    # R8: the councillor's confirmation that released information is for council duties only.
    purpose_confirmed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["council", "status", "due_on"]),
            models.Index(fields=["council", "requester", "-created_at"]),
            models.Index(fields=["council", "decided_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "partly_granted", "refused"])
                | Q(decided_on__isnull=False),
                name="information_request_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}: {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("requests:request_detail", args=[self.council.slug, self.pk])

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED

    @property
    def releases(self) -> bool:
        return self.status in self.RELEASING

    def deadline(self) -> Deadline:
        """R9: the due date, worked out from the day received, the council's working days and any
        working days paused for clarification."""
        return add_working_days(
            self.received_on,
            self.working_days + self.paused_working_days,
            self.council.nation,
        )

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.SUBMITTED and self.due_on < today


class RequestedDocument(models.Model):
    """A document from the register named in a request, and whether it was released."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="requested_documents"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    granted = models.BooleanField(null=True, blank=True)  # None until decided
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "document"], name="one_request_document"),
        ]

    def __str__(self) -> str:
        return str(self.document)


class RequestEvent(TimelineEvent):
    """One step in a request's life, shown to the councillor and the officer as its timeline."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Request made"
        DELEGATED = "delegated", "Passed to an officer"
        CLARIFICATION_ASKED = "clarification_asked", "Officer asked for clarification"
        CLARIFIED = "clarified", "Councillor clarified"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"
        PURPOSE_CONFIRMED = "purpose_confirmed", "Councillor confirmed the purpose"

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)


class DocumentAccess(models.Model):
    """R8: every opening of a released document (who, which document, when). Append-only."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="accesses"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["request", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} opened {self.document} at {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------------
# The correspondence register (R10–R12): letters and emails, their recipients and copies.
# ---------------------------------------------------------------------------------------------


class Party(models.TextChoices):
    """Who a recipient is, for the rules: councillors are told of copies (R10); nothing
    confidential goes to anyone outside the council (R12)."""

    COUNCILLOR = "councillor", "A councillor"
    OFFICER = "officer", "An officer"
    COMPLAINANT = "complainant", "A complainant"
    RESIDENT = "resident", "A resident"
    OTHER_BODY = "other_body", "Another body (a council, a company, a government department)"

    @classmethod
    def outside(cls) -> set[str]:
        return {cls.COMPLAINANT, cls.RESIDENT, cls.OTHER_BODY}


class Correspondence(models.Model):
    """A letter or an email in the register. Sent from the portal (emails go out through the
    outbox), or recorded after being sent elsewhere."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent from the portal"
        RECORDED = "recorded", "Recorded (sent elsewhere)"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="correspondence")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="correspondence_written",
        help_text="Who wrote it: an officer, or a councillor whose letter is recorded here.",
    )
    # R10: the councillor whose correspondence this is (its author, or the councillor it answers).
    # A copy to any other councillor tells them.
    councillor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correspondence_owned",
    )
    # R11: official correspondence on behalf of the council goes out under an officer's name.
    official = models.BooleanField(
        default=True, help_text="Sent on behalf of the council, under a signatory's name."
    )
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correspondence_signed",
    )
    signatory_exception = models.TextField(
        blank=True,
        help_text="Only when the chair signs: why this is an exception (for example a "
        "representation to a Government minister).",
    )
    creates_obligation = models.BooleanField(
        default=False,
        help_text="It creates an obligation for the council or gives an instruction on its behalf.",
    )
    # R12: confidential items carry the reason and a statement of what is confidential.
    confidential = models.BooleanField(default=False)
    confidential_reason = models.CharField(max_length=300, blank=True)
    confidential_statement = models.TextField(
        blank=True, help_text="What is confidential, as the recipients will read it."
    )
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name_plural = "correspondence"
        indexes = [models.Index(fields=["council", "status", "sent_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential=False)
                | (~Q(confidential_reason="") & ~Q(confidential_statement="")),
                name="confidential_has_reason_and_statement",
            ),
            models.CheckConstraint(
                condition=Q(official=False) | Q(signatory__isnull=False),
                name="official_has_signatory",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("letters:item_detail", args=[self.council.slug, self.pk])


class Recipient(models.Model):
    """A recipient of an item: addressed ("to") or copied ("cc"). There is no blind copy (R10).
    A copy added after sending is a forward, and the same rules apply to it (R10, R12)."""

    class Line(models.TextChoices):
        TO = "to", "To"
        CC = "cc", "Copy"

    item = models.ForeignKey(Correspondence, on_delete=models.CASCADE, related_name="recipients")
    line = models.CharField(max_length=2, choices=Line.choices, default=Line.TO)
    party = models.CharField(max_length=20, choices=Party.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correspondence_received",
        help_text="For councillors and officers.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True, help_text="For letters to people outside the council.")
    added_on = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    forwarded = models.BooleanField(default=False, help_text="Copied after the item was sent.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party__in=["councillor", "officer"], user__isnull=False)
                | (~Q(party__in=["councillor", "officer"]) & Q(user__isnull=True)),
                name="members_are_users_outsiders_are_not",
            ),
            models.UniqueConstraint(
                fields=["item", "user"],
                condition=Q(user__isnull=False),
                name="one_line_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_line_display()}: {self.name}"


# ---------------------------------------------------------------------------------------------
# The press (R13, R14)
# ---------------------------------------------------------------------------------------------


class PressReleaseQuerySet(models.QuerySet):
    def published(self):
        """What the public news page shows: published releases only (R13)."""
        return self.filter(status=PressRelease.Status.PUBLISHED)


class PressRelease(models.Model):
    """A press release: drafted, sent for approval, approved by the Proper Officer, published on
    the council's public news page (R13); held back in a pre-election period when it concerns
    candidates or contentious matters (R14)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved, not yet published"
        HELD = "held", "Held back for the pre-election period"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # The workflow in one place (R13: nothing is published without the Proper Officer's
    # approval; R14: a held release waits for the pre-election period to end).
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.HELD, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.APPROVED, Status.HELD, Status.DRAFT, Status.WITHDRAWN},
        Status.HELD: {Status.APPROVED, Status.SUBMITTED, Status.DRAFT, Status.WITHDRAWN},
        Status.APPROVED: {Status.PUBLISHED, Status.HELD, Status.DRAFT, Status.WITHDRAWN},
        Status.PUBLISHED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="press_releases")
    title = models.CharField(max_length=300)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="press_releases"
    )
    # R13: only the chair, a committee chair or a spokesperson may be quoted for the council.
    quoted = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who is quoted speaking for the council, if anyone.",
    )
    quote = models.TextField(blank=True)
    sensitive = models.BooleanField(
        default=False,
        help_text="It concerns candidates in an election, or a contentious matter.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    held_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PressReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["council", "status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(approved_by__isnull=False) & Q(published_at__isnull=False)),
                name="published_release_was_approved",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # The press office's page; the public news page (news_detail) is for published ones only.
        return reverse("press:release_detail", args=[self.council.slug, self.pk])

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class PressEnquiry(models.Model):
    """A journalist's question and the officer's factual reply (R13)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="press_enquiries")
    received_on = models.DateField()
    journalist = models.CharField(max_length=200)
    outlet = models.CharField(max_length=200, blank=True)
    question = models.TextField()
    reply = models.TextField(blank=True)
    replied_on = models.DateField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "press enquiries"

    def __str__(self) -> str:
        return f"{self.journalist}, {self.received_on}"


# ---------------------------------------------------------------------------------------------
# Political group reports (R15)
# ---------------------------------------------------------------------------------------------


class GroupReport(models.Model):
    """A report an officer prepares for one political group: facts and options, and by design no
    field for a recommendation (R15). When it is issued every other group is told it exists."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="group_reports")
    group = models.ForeignKey(PoliticalGroup, on_delete=models.PROTECT, related_name="reports")
    subject = models.CharField(max_length=300)
    facts = models.TextField()
    options = models.TextField()
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    issued_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("group_reports:report_detail", args=[self.council.slug, self.pk])
