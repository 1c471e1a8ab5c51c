"""How long each council keeps each kind of personal record (UK GDPR: storage limitation).

One `RetentionPolicy` row per council, rather than seven more fields on `Council`: the council row
is read on every page (with the person's roles), while these settings are read once a day by the
purge and on their own settings page; a row of their own also gives them their own history (R27)
and their own form. A council without a row uses the defaults: `RetentionPolicy.for_council()`
returns an unsaved row, and saving the settings page creates it.

Every period is a whole number of months, counted from the day the record closed (decided, closed,
sent, last changed, ended). The purge itself is `council.privacy`.

Not here, on purpose: the protocol (kept for ever, R24) and the audit log (append-only,
council/audit.py), and the council's documents (its records, not personal records).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from .models import Council

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
