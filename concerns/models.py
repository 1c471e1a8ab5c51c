"""Concerns, grievances and complaints (DESIGN §4 R16–R23).

A concern's life is a table of stages (Concern.TRANSITIONS): triage → informal resolution →
(resolved, or) the formal procedure → decision → appeal → closed; a Code of Conduct complaint about
a councillor is referred outside the council instead (R21). Who handles each stage comes from the
routing rules in concerns/routing.py.

Privacy (R16): nothing here is public. What each person may see is decided by
council.policy.visible_concerns(); events carry their own audience, so a handler's private note
never reaches the person who raised the concern or the person it is about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from council.models import Council, TimelineEvent
from protocol.models import Section  # the one link between apps that DESIGN §2 allows


class Party(models.TextChoices):
    """What a person is in the council on the day a concern is raised, for routing."""

    COUNCILLOR = "councillor", "a councillor"
    CHAIR = "chair", "the chair of the council"
    VICE_CHAIR = "vice_chair", "the vice-chair of the council"
    OFFICER = "officer", "an officer"
    PROPER_OFFICER = "proper_officer", "the Proper Officer"
    RELATIONSHIP = "relationship", "the working relationship generally"

    @classmethod
    def councillors(cls) -> set[str]:
        return {cls.COUNCILLOR, cls.CHAIR, cls.VICE_CHAIR}

    @classmethod
    def officers(cls) -> set[str]:
        return {cls.OFFICER, cls.PROPER_OFFICER}


class Concern(models.Model):
    class Kind(models.TextChoices):
        CONDUCT = "conduct", "Conduct or behaviour"
        CAPABILITY = "capability", "Capability or performance"
        BULLYING = "bullying", "Bullying or harassment"
        UNDUE_PRESSURE = "undue_pressure", "Undue pressure"
        PROTOCOL_BREACH = "protocol_breach", "A breach of the protocol"
        CODE_OF_CONDUCT = "code_of_conduct", "A breach of the councillors' Code of Conduct"
        OTHER = "other", "Something else"

    class Path(models.TextChoices):
        """The route a concern takes (concerns/routing.py explains each)."""

        COUNCILLOR_ABOUT_OFFICER = "councillor_about_officer", "A councillor about an officer"
        ABOUT_PROPER_OFFICER = "about_proper_officer", "About the Proper Officer"
        OFFICER_ABOUT_COUNCILLOR = "officer_about_councillor", "An officer about a councillor"
        COUNCILLOR_ABOUT_COUNCILLOR = "councillor_about_councillor", "Between councillors"
        OFFICER_ABOUT_OFFICER = "officer_about_officer", "Between officers"
        GENERAL = "general", "About the working relationship"
        CODE_OF_CONDUCT = "code_of_conduct", "A Code of Conduct complaint (referred outside)"

    class Stage(models.TextChoices):
        TRIAGE = "triage", "Waiting for triage"
        INFORMAL = "informal", "Informal resolution"
        FORMAL = "formal", "Formal procedure"
        DECIDED = "decided", "Decided: open to appeal"
        APPEAL = "appeal", "Appeal"
        REFERRED = "referred", "Referred outside the council"
        CLOSED = "closed", "Closed"

    # The workflow in one place: which stage may follow which. Closed is final.
    TRANSITIONS = {
        Stage.TRIAGE: {Stage.INFORMAL, Stage.FORMAL, Stage.REFERRED, Stage.CLOSED},
        Stage.INFORMAL: {Stage.FORMAL, Stage.CLOSED},
        Stage.FORMAL: {Stage.DECIDED, Stage.CLOSED},
        Stage.DECIDED: {Stage.APPEAL, Stage.CLOSED},
        Stage.APPEAL: {Stage.CLOSED},
        Stage.REFERRED: {Stage.CLOSED},
    }
    OPEN = (Stage.TRIAGE, Stage.INFORMAL, Stage.FORMAL, Stage.DECIDED, Stage.APPEAL, Stage.REFERRED)

    class Outcome(models.TextChoices):
        RESOLVED_INFORMALLY = "resolved_informally", "Resolved informally"
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        REFERRED = "referred", "Referred outside the council"
        WITHDRAWN = "withdrawn", "Withdrawn"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    raiser_party = models.CharField(max_length=20, choices=Party.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_about",
        help_text="Empty when the concern is about the working relationship generally.",
    )
    subject_party = models.CharField(max_length=20, choices=Party.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sections = models.ManyToManyField(Section, blank=True, related_name="concerns")
    what_happened = models.TextField()
    outcome_hoped = models.TextField(blank=True)
    path = models.CharField(max_length=40, choices=Path.choices)
    route_explanation = models.TextField()

    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_handled",
    )
    # R17: everyone who has handled a stage, so that no later panel includes them.
    handled_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="concerns_handled_before"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.TRIAGE)
    raised_on = models.DateField()
    stage_started_on = models.DateField()
    stage_due_on = models.DateField()
    # R16: the person it is about is told when the matter is raised with them.
    subject_told_on = models.DateField(null=True, blank=True)

    # R21: a referral outside the council.
    referred_to = models.CharField(max_length=300, blank=True)
    referred_on = models.DateField(null=True, blank=True)
    referral_reference = models.CharField(max_length=100, blank=True)
    referral_outcome = models.TextField(blank=True)

    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    actions_agreed = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["stage_due_on", "id"]
        indexes = [
            models.Index(fields=["council", "stage", "stage_due_on"]),
            models.Index(fields=["council", "raised_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="closed") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="concern_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(subject__isnull=True) | ~Q(subject=models.F("raised_by")),
                name="concern_not_about_oneself",
                violation_error_message="You cannot raise a concern about yourself.",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    def get_absolute_url(self) -> str:
        """The concern's page, where every step on it goes back to. For redirects: on a list it
        would cost a query per row for the council's slug."""
        return reverse("concerns:concern_detail", args=[self.council.slug, self.pk])

    def why_not(self, stage: str) -> str | None:
        """Why the workflow does not let this concern move to `stage` next, or None when it does:
        the stage table, then the rules that depend on the route."""
        Stage, Path = self.Stage, self.Path
        if not self.is_open:
            return "This concern is closed."
        if stage not in self.TRANSITIONS[Stage(self.stage)]:
            return (
                f"This concern is at the stage '{self.get_stage_display()}'. It cannot move to "
                f"'{Stage(stage).label}'."
            )
        # R21: a Code of Conduct complaint is decided outside; nothing else is referred out.
        if self.path == Path.CODE_OF_CONDUCT and stage in (Stage.INFORMAL, Stage.FORMAL):
            return "A Code of Conduct complaint is referred outside the council (R21)."
        if self.path != Path.CODE_OF_CONDUCT and stage == Stage.REFERRED:
            return "Only a Code of Conduct complaint is referred outside the council."
        if stage == Stage.FORMAL:
            # R18: a councillor's concern about an officer goes to the line manager informally
            # first; only then the disciplinary procedure.
            if self.path == Path.COUNCILLOR_ABOUT_OFFICER and self.stage == Stage.TRIAGE:
                return (
                    "A councillor's concern about an officer is raised with the Proper Officer "
                    "informally first (R18)."
                )
            if self.subject_id is None:
                return "The formal procedure needs a person the concern is about."
            # R22: the person concerned is told in writing before any formal stage.
            if self.subject_told_on is None:
                return (
                    f"Tell {self.subject.name} in writing first: they must know of the matter "
                    "before a hearing."
                )
        return None

    def can_become(self, stage: str) -> bool:
        return self.why_not(stage) is None

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN

    def is_overdue(self, today) -> bool:
        return self.is_open and self.stage_due_on < today

    @property
    def subject_label(self) -> str:
        return self.subject.name if self.subject else Party.RELATIONSHIP.label


class ConcernEvent(TimelineEvent):
    """One step of a concern, with who may read it (R16)."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Concern raised"
        TRIAGED = "triaged", "Triaged"
        INFORMAL = "informal", "Informal resolution started"
        CONVERSATION = "conversation", "Conversation held"
        CONCILIATION = "conciliation", "Conciliation"
        SUBJECT_TOLD = "subject_told", "Raised with the person concerned"
        REFERRED = "referred", "Referred outside the council"
        REFERRAL_OUTCOME = "referral_outcome", "Outcome of the referral"
        NOTE = "note", "Note"
        FORMAL = "formal", "Formal procedure started"
        HEARING = "hearing", "Hearing arranged"
        DECIDED = "decided", "Decision, in writing"
        APPEALED = "appealed", "Appeal made"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Audience(models.TextChoices):
        HANDLERS = "handlers", "Handlers only (a private note)"
        RAISER = "raiser", "The person who raised it, and the handlers"
        BOTH = "both", "Both people, and the handlers"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)


class Hearing(models.Model):
    """A formal hearing, or an appeal hearing, of a concern (R20, R22)."""

    class Kind(models.TextChoices):
        HEARING = "hearing", "Hearing"
        APPEAL = "appeal", "Appeal hearing"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_held_on = models.DateField(help_text="The date first arranged.")
    held_on = models.DateField()
    # R22: the right to be accompanied is offered in the letter; the companion is recorded.
    companion = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=30, choices=Concern.Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [
            # The hearings still to hold (the personnel committee's page, the home panel's
            # count): without it PostgreSQL read every hearing of every council (issue 7).
            models.Index(
                fields=["concern"], condition=Q(decided_on__isnull=True), name="hearing_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%-d %B %Y}"


class PanelMember(models.Model):
    """A member of a hearing's panel: from the personnel committee, or a substitute the council
    appointed when the committee could not form a panel (R20)."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    substitute_minute = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a substitute: the minute of the council's decision appointing them.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["hearing", "user"], name="one_seat_per_panel"),
        ]

    def __str__(self) -> str:
        return str(self.user)
