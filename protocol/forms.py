"""Forms for drafting, importing and adopting the protocol."""

from django import forms

from council.forms import DateInput, PlainMessages

from .importer import ACCEPTED_EXTENSIONS
from .models import Expectation, Section


class SectionForm(PlainMessages, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["number", "heading", "body"]
        labels = {"number": "Section number", "body": "Text"}
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class ExpectationForm(PlainMessages, forms.ModelForm):
    class Meta:
        model = Expectation
        fields = ["direction", "text"]
        labels = {"direction": "Which list", "text": "Expectation"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AdoptForm(PlainMessages, forms.Form):
    adopted_on = forms.DateField(label="Date adopted", widget=DateInput())
    minute_reference = forms.CharField(
        label="Minute reference",
        max_length=100,
        help_text="The minute of the meeting that adopted it, for example 24/117.",
    )
    review_on = forms.DateField(
        label="Review by",
        widget=DateInput(),
        help_text="You and the chair are reminded 90, 30 and 7 days before, then weekly.",
    )


class DraftStartForm(PlainMessages, forms.Form):
    source = forms.ChoiceField(
        label="Start from",
        widget=forms.RadioSelect,
        choices=[
            ("model", "The portal's model protocol, written for councils like yours"),
            ("current", "A copy of the version in force, to change it"),
        ],
    )


class ImportForm(PlainMessages, forms.Form):
    file = forms.FileField(
        label="Your protocol",
        help_text="A Word document (.docx), or a text or Markdown file (.txt, .md).",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError("Upload a .docx, .txt or .md file.")
        if file.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB.")
        return file


class ImportConfirmForm(forms.Form):
    """The text read from the upload travels with the preview, so nothing is kept on the server
    between the two steps and nothing is lost if the clerk goes back."""

    text = forms.CharField(widget=forms.HiddenInput, max_length=1_000_000)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
