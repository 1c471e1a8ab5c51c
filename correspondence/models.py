"""What passes between councillors and officers: councillors' information requests ("need to
know", DESIGN §4 R5–R9). Letters, press releases and group reports come with a later issue.

A request's life: submitted (acknowledged, with a due date in working days) → optionally waiting
for the councillor to clarify (the clock pauses) → decided (granted, partly granted or refused,
with reasons) or withdrawn. Granted documents are released to the requester only; each opening is
logged (R8).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from council.models import Council, Document
from council.working_days import Deadline, add_working_days


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


class RequestEvent(models.Model):
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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    # Events are written once and never changed, so they need no history of their own.
    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"


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
