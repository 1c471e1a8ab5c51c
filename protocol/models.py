"""The protocol: versions (draft → adopted → superseded, kept for ever: R24), their ordered
sections with stable anchors, the expectations in each direction, and acknowledgements (R26)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from council.models import Council


class ProtocolVersionQuerySet(models.QuerySet):
    def adopted(self):
        """The version in force: at most one per council."""
        return self.filter(status=ProtocolVersion.Status.ADOPTED)

    def published(self):
        """What the public may read: the adopted version and every one it replaced. Drafts never."""
        return self.filter(
            status__in=[ProtocolVersion.Status.ADOPTED, ProtocolVersion.Status.SUPERSEDED]
        )


class ProtocolVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"
        SUPERSEDED = "superseded", "Superseded"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="protocols")
    number = models.PositiveIntegerField(help_text="Version 1, 2, 3… in this council.")
    title = models.CharField(max_length=200, default="Protocol on Member/Officer Relations")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(null=True, blank=True)
    minute_reference = models.CharField(
        max_length=100, blank=True, help_text="The minute that records the adoption, e.g. 24/117."
    )
    review_on = models.DateField(null=True, blank=True)
    superseded_on = models.DateField(null=True, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the draft came from (the model, an import…)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ProtocolVersionQuerySet.as_manager()

    class Meta:
        ordering = ["council", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="protocol_number_unique"),
            # R24: one version in force, and one draft being worked on, per council.
            models.UniqueConstraint(
                fields=["council"], condition=Q(status="adopted"), name="one_adopted_protocol"
            ),
            models.UniqueConstraint(
                fields=["council"], condition=Q(status="draft"), name="one_draft_protocol"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(adopted_on__isnull=False, review_on__isnull=False) & ~Q(minute_reference=""),
                name="adopted_protocol_has_dates_and_minute",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"

    def get_absolute_url(self) -> str:
        """The Proper Officer's page of this version, where a change to it shows (the public
        page is by number: protocol:version). For redirects, not lists: the council's slug is a
        query unless the council is fetched with the version."""
        return reverse("protocol:draft", args=[self.council.slug, self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    version = models.ForeignKey(ProtocolVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    number = models.CharField(
        max_length=20, help_text="How people cite it, e.g. 3.2. Keep it when the text changes."
    )
    heading = models.CharField(max_length=200)
    body = models.TextField(
        blank=True,
        help_text="Leave a blank line between paragraphs. Start a line with “- ” for a list.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"],
                name="section_number_unique_in_version",
                violation_error_message="Another section of this version has that number.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.heading}"

    def get_absolute_url(self) -> str:
        """The section in its version's page, at its anchor: where a change to it, or to its
        expectations, shows."""
        return f"{self.version.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """Stable across versions while the number stays: other pages link to "#section-3-2"."""
        return "section-" + "-".join(part for part in self.number.replace(".", " ").split())

    @property
    def depth(self) -> int:
        return self.number.count(".") + 1


class Expectation(models.Model):
    class Direction(models.TextChoices):
        FROM_OFFICERS = "from_officers", "What councillors can expect from officers"
        FROM_COUNCILLORS = "from_councillors", "What officers can expect from councillors"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="expectations")
    direction = models.CharField(max_length=20, choices=Direction.choices)
    position = models.PositiveIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "direction", "position"]

    def __str__(self) -> str:
        return self.text[:60]


class Acknowledgement(models.Model):
    """R26: a councillor or officer has read this adopted version."""

    version = models.ForeignKey(
        ProtocolVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="protocol_acks"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_ack_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"
