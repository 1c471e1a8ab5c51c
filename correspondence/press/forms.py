"""Forms for the press office. The rules live in correspondence/press/services.py; a form only
offers what the rules allow (R13: the people who may be quoted) and the service checks again."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db import models
from django.utils import timezone

from council.forms import DatedForm, DateInput, PlainMessages
from council.models import Council, Role, User

from ..models import PressRelease
from . import services as press

NOBODY = ""


def _people(council: Council, kinds) -> models.QuerySet[User]:
    """People holding a current or future role of these kinds in the council, by name."""
    roles = Role.objects.filter(council=council, kind__in=list(kinds)).exclude(
        ends_on__lt=timezone.localdate()
    )
    return User.objects.filter(id__in=roles.values("user_id")).order_by("name")


class ReleaseForm(PlainMessages, forms.Form):
    title = forms.CharField(label="Headline", max_length=300)
    body = forms.CharField(label="Text of the release", widget=forms.Textarea(attrs={"rows": 12}))
    quoted = forms.ChoiceField(
        label="Who is quoted speaking for the council",
        required=False,
        help_text="Only the chair, a committee chair or a spokesperson the council has "
        "appointed may be quoted speaking for the council. Choose nobody for a release "
        "without a quote.",
    )
    quote = forms.CharField(
        label="What they say",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The words to quote, without quotation marks.",
    )
    sensitive = forms.BooleanField(
        label="It is about candidates in an election, or a contentious matter",
        required=False,
        help_text="During a pre-election period such a release is held back until the period "
        "ends. If in doubt, tick it: the Proper Officer will check.",
    )

    def __init__(self, *args, council: Council, on: date, **kwargs):
        super().__init__(*args, **kwargs)
        # R13: the form offers only the people the rule allows today (the service checks again).
        people = press.quotable_people(council, on)
        self.quotable = {str(q.user.pk): q.user for q in people}
        quoted = self.fields["quoted"]
        assert isinstance(quoted, forms.ChoiceField)
        quoted.choices = [
            (NOBODY, "Nobody: no quote"),
            *((str(q.user.pk), q.label) for q in people),
        ]

    @classmethod
    def initial_from(cls, release: PressRelease) -> dict:
        return {
            "title": release.title,
            "body": release.body,
            "quoted": str(release.quoted_id or NOBODY),
            "quote": release.quote,
            "sensitive": release.sensitive,
        }

    def clean_quoted(self) -> User | None:
        value = self.cleaned_data["quoted"]
        return self.quotable[value] if value else None

    def clean(self):
        data = super().clean()
        # Both errors at once with the others, rather than after the rest is put right.
        if data.get("quote", "").strip() and "quoted" in data and data["quoted"] is None:
            self.add_error("quoted", press.MSG_QUOTE_NEEDS_PERSON)
        if data.get("quoted") and "quote" in data and not data["quote"].strip():
            self.add_error("quote", press.MSG_PERSON_NEEDS_QUOTE)
        return data


class DecisionForm(PlainMessages, forms.Form):
    """The approval page has buttons and no fields; the form carries the service's errors."""


class SpokespersonForm(DatedForm):
    user = forms.ModelChoiceField(label="Person", queryset=User.objects.none())
    speaks_on = forms.CharField(
        label="What they may speak on",
        max_length=300,
        help_text="For example ‘the allotments’ or ‘planning’.",
    )
    field_order = ["user", "speaks_on", "starts_on", "ends_on"]

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].help_text = "A councillor or an officer of the council."
        self.fields["user"].queryset = _people(council, {Role.Kind.COUNCILLOR, *Role.OFFICER_KINDS})


class PeriodForm(PlainMessages, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example ‘Parish elections, May 2027’.",
    )
    starts_on = forms.DateField(label="First day", widget=DateInput())
    ends_on = forms.DateField(
        label="Last day",
        widget=DateInput(),
        help_text="Usually polling day. Releases held back can be published from the day after.",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", press.MSG_ENDS_BEFORE_START)
        return data


class EnquiryLogForm(PlainMessages, forms.Form):
    received_on = forms.DateField(label="Date received", widget=DateInput())
    journalist = forms.CharField(label="Journalist's name", max_length=200)
    outlet = forms.CharField(
        label="Newspaper, broadcaster or website",
        max_length=200,
        required=False,
    )
    question = forms.CharField(
        label="Their question",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="As they asked it.",
    )


class EnquiryReplyForm(PlainMessages, forms.Form):
    reply = forms.CharField(
        label="The reply",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The facts given to the journalist, as sent. Officers give facts, not opinions.",
    )
    replied_on = forms.DateField(label="Date of the reply", widget=DateInput())
    replied_by = forms.ModelChoiceField(label="Officer who replied", queryset=User.objects.none())

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replied_by"].queryset = _people(council, Role.OFFICER_KINDS)
