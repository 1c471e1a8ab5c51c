"""Forms for the clerk's management pages, and the form renderer that gives every form in the
portal the same accessible markup (label, hint, inline error, error summary)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from .lib.text import normalise_newlines
from .models import Committee, Council, Document, PoliticalGroup, RetentionPolicy, Role, Seat, User


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class PlainMessages:
    """Required-field errors that say which field, in the GOV.UK way: "Enter full name",
    "Choose a role", rather than "This field is required." three times over; and the text sent
    with every line break as \n."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and hasattr(self.data, "lists"):
            # Line breaks as \n, whatever the browser sent (council.lib.text).
            data = self.data.copy()
            for key, values in data.lists():
                data.setlist(
                    key, [normalise_newlines(v) if isinstance(v, str) else v for v in values]
                )
            self.data = data
        for field in self.fields.values():
            label = str(field.label or "a value").lower()
            if isinstance(field, forms.FileField):
                message = "Choose a file to upload"
            elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                message = f"Choose {label}"
            elif isinstance(field, forms.DateField):
                message = f"Enter the date: {label}"
            else:
                message = f"Enter {label}"
            field.error_messages["required"] = message
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"Enter a real date for {label}"
                field.validators.append(_within_dated_years(label))


# Nothing the council records is dated outside these years; and a date near the calendar's end
# (9999) would overflow the working-day arithmetic of deadlines (a server error).
EARLIEST, LATEST = date(1900, 1, 1), date(2099, 12, 31)


def _within_dated_years(label: str):
    def check(value: date) -> None:
        if not EARLIEST <= value <= LATEST:
            raise ValidationError(
                f"Enter a date from {EARLIEST.year} to {LATEST.year} for {label}", code="range"
            )

    return check


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def format_value(self, value):
        # A date input's value must be a real date or nothing (HTML). Text that is not one, such as
        # a queue filter typed into the address, is shown as nothing, beside its error message.
        value = super().format_value(value)
        if isinstance(value, str):
            try:
                if date.fromisoformat(value).isoformat() != value:
                    return None
            except ValueError:
                return None
        return value


ID_RANGE = range(-(2**63), 2**63)  # the database's ids: PostgreSQL's bigint, SQLite's INTEGER


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id too large for the database like any other id that is not one of
    the choices. Django guards `pk=` against such a number, but not the `pk__in=` this field
    asks, which SQLite cannot even send (an OverflowError: a server error)."""

    def _check_values(self, value):
        for pk in value:
            try:
                out_of_range = int(str(pk)) not in ID_RANGE
            except ValueError:
                out_of_range = False  # not a number: Django's own check refuses it
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def apply_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where it names one the form has,
    otherwise at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DatedForm(PlainMessages, forms.Form):
    starts_on = forms.DateField(label="Starts on", widget=DateInput(), initial=timezone.localdate)
    ends_on = forms.DateField(
        label="Ends on",
        required=False,
        widget=DateInput(),
        help_text="The last day. Leave empty if there is no fixed end date.",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end date cannot be before the start date.")
        return data


class InviteForm(DatedForm):
    name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        help_text="They sign in with this address. We send them a link to set a password.",
    )
    kind = forms.ChoiceField(label="Role", choices=Role.Kind.choices)
    acting = forms.BooleanField(
        label="Acting Proper Officer (covering a vacancy)",
        required=False,
        help_text="Only for the Proper Officer role. An acting appointment needs an end date.",
    )
    field_order = ["name", "email", "kind", "acting", "starts_on", "ends_on"]


class RoleForm(DatedForm):
    kind = forms.ChoiceField(label="Role", choices=Role.Kind.choices)
    acting = InviteForm.base_fields["acting"]
    field_order = ["kind", "acting", "starts_on", "ends_on"]


class RoleDatesForm(DatedForm):
    pass


class CommitteeForm(PlainMessages, forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "kind", "parent", "functions"]
        labels = {"kind": "Type of committee", "parent": "Reports to"}

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.council = council
        parents = council.committees.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class SeatForm(DatedForm):
    user = forms.ModelChoiceField(label="Person", queryset=User.objects.none())
    position = forms.ChoiceField(label="Position", choices=Seat.Position.choices)
    field_order = ["user", "position", "starts_on", "ends_on"]

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of(council)


class EndForm(PlainMessages, forms.Form):
    ends_on = forms.DateField(
        label="Last day",
        widget=DateInput(),
        initial=timezone.localdate,
        help_text="The last day on which it still counts.",
    )


class GroupForm(PlainMessages, forms.ModelForm):
    class Meta:
        model = PoliticalGroup
        fields = ["name"]
        labels = {"name": "Group name"}

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.council = council


class MembershipForm(DatedForm):
    user = forms.ModelChoiceField(label="Councillor", queryset=User.objects.none())
    field_order = ["user", "starts_on", "ends_on"]

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of(council, kind=Role.Kind.COUNCILLOR)


def people_of(council: Council, kind: str | None = None):
    """People with a current or future role in the council, for choosing in a form."""
    roles = Role.objects.filter(council=council).exclude(ends_on__lt=timezone.localdate())
    if kind:
        roles = roles.filter(kind=kind)
    return User.objects.filter(id__in=roles.values("user_id")).order_by("name")


class DocumentForm(PlainMessages, forms.ModelForm):
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, Excel, OpenDocument, image, text or CSV.",
    )

    class Meta:
        model = Document
        fields = ["title", "description", "classification", "committee"]
        labels = {"committee": "Committee it relates to"}
        help_texts = {
            "classification": "Who may see the content. Councillors see every title in the "
            "register, but only public documents' content without asking.",
        }

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = council.committees.all()
        self.fields["committee"].empty_label = "None"


class DocumentEditForm(DocumentForm):
    file = None


class DocumentReplaceForm(PlainMessages, forms.Form):
    file = DocumentForm.base_fields["file"]


class CouncilForm(PlainMessages, forms.ModelForm):
    class Meta:
        model = Council
        fields = [
            "name",
            "kind",
            "nation",
            "principal_authority",
            "monitoring_officer_name",
            "monitoring_officer_email",
            "response_working_days",
            "panel_quorum",
            "appeal_working_days",
        ]
        labels = {
            "kind": "Type of council",
            "monitoring_officer_name": "Monitoring officer's name",
            "monitoring_officer_email": "Monitoring officer's email address",
            "response_working_days": "Working days to answer a request",
        }

    def clean_response_working_days(self):
        days = self.cleaned_data["response_working_days"]
        if not 1 <= days <= 60:
            raise ValidationError("Enter a number of working days from 1 to 60.")
        return days


class RetentionPolicyForm(PlainMessages, forms.ModelForm):
    """The council's retention periods, in whole months. The limits (each kind's minimum, and
    personal-data access at least as long as requests) are the model's, so that the service
    enforces them too; this form only says them in plain words."""

    class Meta:
        model = RetentionPolicy
        fields = [
            "requests_months",
            "personal_data_access_months",
            "concerns_months",
            "correspondence_months",
            "drafts_months",
            "notifications_months",
            "people_months",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"Enter the months for {str(field.label).lower()}"
            field.label = f"{field.label}: months"
            field.error_messages["invalid"] = "Enter a whole number of months, for example 72"
            # The model's validators say what the minimum is for and why; the field's own
            # "greater than or equal to 0" would only say the number.
            field.validators = []
            field.widget.attrs.pop("min", None)
            field.widget.attrs.pop("max", None)
