"""Forms for the correspondence register. The rules themselves (R10–R12) are in letters.py; these
forms only gather the answers. There is no blind-copy field anywhere (R10)."""

from __future__ import annotations

from django import forms

from council.forms import DateInput, ModelMultipleChoiceField, PlainMessages
from council.models import Role, User
from council.policy import Standing, chair_of

from ..models import Correspondence, Party, Recipient
from .services import To

OUTSIDE_PARTIES = [(p.value, p.label) for p in Party if p.value in Party.outside()]


def _members(standing: Standing):
    """The councillors and officers of the council today."""
    kinds = [Role.Kind.COUNCILLOR, *Role.OFFICER_KINDS]
    return User.objects.filter(
        pk__in=Role.objects.current(standing.on)
        .filter(council=standing.council, kind__in=kinds)
        .values("user_id")
    ).order_by("name")


class PeopleField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class OutsideRecipient(forms.Form):
    """One person outside the council (a complainant, a resident, another body): R12 keeps
    anything confidential from them."""

    outside_name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="Leave empty if it goes to nobody outside the council.",
    )
    outside_party = forms.ChoiceField(
        label="Who they are", choices=OUTSIDE_PARTIES, required=False, widget=forms.RadioSelect
    )
    outside_email = forms.EmailField(label="Email address", required=False)
    outside_address = forms.CharField(
        label="Postal address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a letter.",
    )

    def clean(self):
        data = super().clean()
        if data.get("outside_name") and not data.get("outside_party"):
            self.add_error("outside_party", "Choose who they are")
        return data

    def outside(self, line: str) -> list[To]:
        data = self.cleaned_data
        if not data.get("outside_name"):
            return []
        return [
            To(
                line=line,
                party=data["outside_party"],
                name=data["outside_name"],
                email=data.get("outside_email", ""),
                address=data.get("outside_address", ""),
            )
        ]


class ItemForm(PlainMessages, OutsideRecipient):
    kind = forms.ChoiceField(
        label="Is it an email or a letter?",
        choices=Correspondence.Kind.choices,
        initial=Correspondence.Kind.EMAIL,
        widget=forms.RadioSelect,
    )
    to_people = PeopleField(
        label="To: councillors and officers", queryset=User.objects.none(), required=False
    )
    copy_people = PeopleField(
        label="Copy to: councillors and officers",
        queryset=User.objects.none(),
        required=False,
        help_text="Every copy is named at the foot, and the councillor whose correspondence it "
        "is is told. There are no blind copies.",
    )
    outside_line = forms.ChoiceField(
        label="Is the person outside the council addressed or copied?",
        choices=Recipient.Line.choices,
        initial=Recipient.Line.TO,
        widget=forms.RadioSelect,
        required=False,
    )
    councillor = forms.ModelChoiceField(
        label="Whose correspondence is this?",
        queryset=User.objects.none(),
        required=False,
        help_text="The councillor who wrote to us, or whom this answers. They are told of any "
        "copy to another councillor. If you leave it empty, it is the first councillor it is "
        "addressed to.",
    )
    subject = forms.CharField(label="Subject", max_length=300)
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 12}))
    official = forms.BooleanField(
        label="Sent on behalf of the council, under a signatory's name",
        required=False,
        initial=True,
    )
    signatory = forms.ModelChoiceField(
        label="Who signs it",
        queryset=User.objects.none(),
        required=False,
        help_text="An officer. The chair signs only as a recorded exception.",
    )
    signatory_exception = forms.CharField(
        label="If the chair signs: why this is an exception",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, a representation to a Government minister.",
    )
    creates_obligation = forms.BooleanField(
        label="It creates an obligation or gives an instruction on the council's behalf",
        required=False,
    )
    confidential = forms.BooleanField(label="It is confidential", required=False)
    confidential_reason = forms.CharField(
        label="Why it is confidential", required=False, max_length=300
    )
    confidential_statement = forms.CharField(
        label="What is confidential, as the recipients will read it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sent_on = forms.DateField(
        label="If it was already sent elsewhere: the date it was sent",
        required=False,
        widget=DateInput(),
        help_text="Only for “Record it as sent elsewhere”.",
    )

    field_order = [
        "kind",
        "to_people",
        "copy_people",
        "outside_name",
        "outside_party",
        "outside_email",
        "outside_address",
        "outside_line",
        "councillor",
        "subject",
        "body",
        "official",
        "signatory",
        "signatory_exception",
        "creates_obligation",
        "confidential",
        "confidential_reason",
        "confidential_statement",
        "sent_on",
    ]

    def __init__(self, *args, standing: Standing, **kwargs):
        super().__init__(*args, **kwargs)
        members = _members(standing)
        for name in ("to_people", "copy_people"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
        councillors = members.filter(
            pk__in=Role.objects.current(standing.on)
            .filter(council=standing.council, kind=Role.Kind.COUNCILLOR)
            .values("user_id")
        )
        self.fields["councillor"].queryset = councillors  # type: ignore[attr-defined]
        officers = members.filter(
            pk__in=Role.objects.current(standing.on)
            .filter(council=standing.council, kind__in=Role.OFFICER_KINDS)
            .values("user_id")
        )
        chair = chair_of(standing.council, standing.on)
        signers = officers | members.filter(pk=chair.pk) if chair else officers
        self.fields["signatory"].queryset = signers.distinct()  # type: ignore[attr-defined]
        self.fields["signatory"].initial = standing.user.pk if standing.is_officer else None
        for name in ("councillor", "signatory"):
            self.fields[name].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        both = set(data.get("to_people") or []) & set(data.get("copy_people") or [])
        if both:
            self.add_error(
                "copy_people",
                f"{', '.join(u.name for u in both)} cannot be both addressed and copied.",
            )
        return data

    def recipients(self) -> list[To]:
        data = self.cleaned_data
        line = data.get("outside_line") or Recipient.Line.TO
        return [
            *[To(line=Recipient.Line.TO, user=u) for u in data.get("to_people") or []],
            *[To(line=Recipient.Line.CC, user=u) for u in data.get("copy_people") or []],
            *self.outside(line),
        ]


class CopyForm(PlainMessages, OutsideRecipient):
    """Copy (forward) an item already sent."""

    copy_people = PeopleField(
        label="Copy to: councillors and officers",
        queryset=User.objects.none(),
        required=False,
        help_text="The councillor whose correspondence it is is told of every copy to another "
        "councillor.",
    )
    field_order = ["copy_people", "outside_name", "outside_party", "outside_email"]

    def __init__(self, *args, standing: Standing, item: Correspondence, **kwargs):
        super().__init__(*args, **kwargs)
        have = item.recipients.filter(user__isnull=False).values("user_id")
        self.fields["copy_people"].queryset = _members(standing).exclude(  # type: ignore[attr-defined]
            pk__in=have
        )
        del self.fields["outside_address"]

    def recipients(self) -> list[To]:
        data = self.cleaned_data
        return [
            *[To(line=Recipient.Line.CC, user=u) for u in data.get("copy_people") or []],
            *self.outside(Recipient.Line.CC),
        ]
