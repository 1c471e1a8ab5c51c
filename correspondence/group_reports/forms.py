"""The form for a report to a political group (R15). It has no place for a recommendation; the
rule that finds recommending words lives in group_reports.recommending_phrases()."""

from __future__ import annotations

from django import forms

from council.forms import PlainMessages
from council.models import PoliticalGroup
from council.policy import Standing

from .services import recommending_phrases, recommends_message

CONFIRM = "confirm_no_recommendation"
TEXT_FIELDS = ("subject", "facts", "options")


class GroupReportForm(PlainMessages, forms.Form):
    group = forms.ModelChoiceField(
        label="Political group",
        queryset=PoliticalGroup.objects.none(),
        empty_label="Choose a group",
        help_text="The group the report is for. Every other group is told that it exists, for "
        "whom, on what subject and when, but not what it says.",
    )
    subject = forms.CharField(
        label="Subject",
        max_length=300,
        help_text="For example, “Options for repairing the village hall roof”.",
    )
    facts = forms.CharField(
        label="Facts",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What the group needs to know: figures, dates, the law, what has happened.",
    )
    options = forms.CharField(
        label="Options",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The choices open to the council, with what each would mean. Do not say which "
        "one to take: the group decides.",
    )
    confirm_no_recommendation = forms.BooleanField(
        label="I confirm that this report does not recommend: it gives facts and options only",
        required=False,
    )

    def __init__(self, *args, standing: Standing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].error_messages["required"] = "Choose the group the report is for"
        self.fields["subject"].error_messages["required"] = "Enter the subject"
        self.fields["facts"].error_messages["required"] = "Set out the facts"
        self.fields["options"].error_messages["required"] = "Set out the options"
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = PoliticalGroup.objects.filter(council=standing.council).order_by("name")
        # R15: the box appears only once the submitted text seems to recommend; until then the
        # officer is not asked to confirm anything.
        if not (self.is_bound and recommending_phrases(self._submitted_text())):
            del self.fields[CONFIRM]

    def _submitted_text(self) -> str:
        return "\n".join(str(self.data.get(name, "")) for name in TEXT_FIELDS)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if CONFIRM in self.fields and not data.get(CONFIRM):
            text = "\n".join(str(data.get(name, "")) for name in TEXT_FIELDS)
            phrases = recommending_phrases(text)
            if phrases:
                self.add_error(CONFIRM, recommends_message(phrases))
        return data

    def confirmed(self) -> bool:
        """Whether the officer confirmed that the text does not recommend."""
        return bool(self.cleaned_data.get(CONFIRM))
