"""Forms for councillors' information requests. The rules themselves live in services.py; these
forms only collect and tidy what people type."""

from __future__ import annotations

from django import forms

from council.forms import DateInput, ModelMultipleChoiceField, PlainMessages
from council.models import Committee, Document, Role, User
from council.policy import Standing

from ..models import InformationRequest, Route
from .services import document_route

Status = InformationRequest.Status


class DocumentChoiceField(ModelMultipleChoiceField):
    """The register's documents as checkboxes, each saying which route it would take (R5–R7),
    so the councillor knows before they submit."""

    def __init__(self, *args, standing: Standing | None = None, **kwargs):
        self.standing = standing
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Document) -> str:
        parts = [obj.get_classification_display()]
        if obj.committee_id:
            parts.append(str(obj.committee))
        if self.standing is not None:
            route = document_route(standing=self.standing, document=obj)
            parts.append(ROUTE_HINTS[route])
        return f"{obj.title} ({'; '.join(parts)})"


ROUTE_HINTS = {
    Route.PRESUMED: "need to know presumed: you sit on this committee",
    Route.JUSTIFICATION: "say specifically why you need it",
    Route.OFFICER_DECIDES: "the officer decides",
}


class RequestForm(PlainMessages, forms.Form):
    summary = forms.CharField(
        label="What you are asking for, in a line",
        max_length=200,
        help_text="For example: the quotes for the play area repairs.",
    )
    documents = DocumentChoiceField(
        label="Documents from the register",
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose any documents you need. Public documents are not listed: you can open "
        "them from the register now.",
    )
    information = forms.CharField(
        label="Information not in the register",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Describe anything else you need that is not a document listed above.",
    )
    purpose = forms.CharField(
        label="What you need it for",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Which of your duties as a councillor this is for. Curiosity is not enough.",
    )
    justification = forms.CharField(
        label="Why you need other people's personal data",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you choose a document that contains personal data about other "
        "people: say specifically why your duties need it.",
    )

    def __init__(self, *args, standing: Standing, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, DocumentChoiceField)
        field.standing = standing
        field.queryset = (
            Document.objects.for_council(standing.council)
            .exclude(classification=Document.Classification.PUBLIC)
            .select_related("committee")
            .order_by("title", "pk")
        )


class AskForm(PlainMessages, forms.Form):
    question = forms.CharField(
        label="What do you need the councillor to clarify?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The time to decide is paused until they answer.",
    )


class ClarifyForm(PlainMessages, forms.Form):
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 6}))


class DelegateForm(PlainMessages, forms.Form):
    officer = forms.ModelChoiceField(
        label="Officer", queryset=User.objects.none(), empty_label="Choose an officer"
    )

    def __init__(self, *args, standing: Standing, **kwargs):
        super().__init__(*args, **kwargs)
        officers = (
            Role.objects.current(standing.on)
            .filter(council=standing.council, kind__in=Role.OFFICER_KINDS)
            .values("user_id")
        )
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=officers).order_by("name")
        field.label_from_instance = lambda u: u.name


class DecideForm(PlainMessages, forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            (s.value, s.label) for s in (Status.GRANTED, Status.PARTLY_GRANTED, Status.REFUSED)
        ],
        widget=forms.RadioSelect,
    )
    granted_documents = ModelMultipleChoiceField(
        label="Documents to release, if partly granted",
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The councillor sees these. A refusal also tells them about the Freedom of "
        "Information Act route.",
    )

    def __init__(self, *args, info_request: InformationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["granted_documents"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = info_request.documents.order_by("title", "pk")
        if not info_request.documents.exists():
            del self.fields["granted_documents"]


class ConfirmPurposeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I will use this information only for my duties as a councillor",
        error_messages={
            "required": "Confirm that you will use this information only for your duties as a "
            "councillor"
        },
    )


QUEUE_STATUS = [
    ("open", "Open (waiting for a decision or a clarification)"),
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.CLARIFICATION.value, Status.CLARIFICATION.label),
    ("decided", "Decided"),
    (Status.WITHDRAWN.value, Status.WITHDRAWN.label),
    ("all", "All"),
]


class QueueFilterForm(forms.Form):
    """The officer's queue filters (GET). Every field is optional; bad input shows an error and the
    queue is shown unfiltered by that field."""

    status = forms.ChoiceField(label="State", choices=QUEUE_STATUS, required=False)
    overdue = forms.BooleanField(label="Only overdue requests", required=False)
    due_by = forms.DateField(label="Due on or before", required=False, widget=DateInput())
    requester = forms.ModelChoiceField(
        label="Councillor", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    committee = forms.ModelChoiceField(
        label="Committee", queryset=Committee.objects.none(), required=False, empty_label="Any"
    )

    def __init__(self, *args, standing: Standing, **kwargs):
        super().__init__(*args, **kwargs)
        requester = self.fields["requester"]
        committee = self.fields["committee"]
        assert isinstance(requester, forms.ModelChoiceField)
        assert isinstance(committee, forms.ModelChoiceField)
        requester.queryset = User.objects.filter(
            pk__in=InformationRequest.objects.filter(council=standing.council).values(
                "requester_id"
            )
        ).order_by("name")
        requester.label_from_instance = lambda u: u.name
        committee.queryset = standing.council.committees.order_by("name")

    def filter(self, requests, *, today):
        """Apply the valid filters to a queryset of requests; a field with an error is skipped."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        status = data.get("status") or "open"
        if status == "open":
            requests = requests.filter(status__in=InformationRequest.OPEN)
        elif status == "decided":
            requests = requests.filter(status__in=InformationRequest.DECIDED)
        elif status != "all":
            requests = requests.filter(status=status)
        if data.get("overdue"):
            requests = requests.filter(status=Status.SUBMITTED, due_on__lt=today)
        if data.get("due_by"):
            requests = requests.filter(due_on__lte=data["due_by"])
        if data.get("requester"):
            requests = requests.filter(requester=data["requester"])
        if data.get("committee"):
            requests = requests.filter(
                pk__in=InformationRequest.objects.filter(
                    requested_documents__document__committee=data["committee"]
                ).values("pk")
            )
        return requests
