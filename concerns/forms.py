"""Forms for concerns. The rules live in services.py and routing.py."""

from __future__ import annotations

from django import forms

from council.forms import DateInput, ModelMultipleChoiceField, PlainMessages
from council.models import Role, User
from council.policy import Standing
from protocol.models import ProtocolVersion, Section

from .models import Concern, ConcernEvent

Stage = Concern.Stage

RELATIONSHIP = "relationship"


class RaiseForm(PlainMessages, forms.Form):
    subject = forms.ChoiceField(
        label="Who is it about?",
        help_text="A person in the council, or the working relationship generally.",
    )
    kind = forms.ChoiceField(
        label="What kind of concern is it?", choices=Concern.Kind.choices, widget=forms.RadioSelect
    )
    sections = ModelMultipleChoiceField(
        label="Which parts of the protocol does it relate to?",
        queryset=Section.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Optional. Choose any sections of the protocol in force.",
    )
    what_happened = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say what happened, when and where, and who was there.",
    )
    outcome_hoped = forms.CharField(
        label="What outcome do you hope for?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, standing: Standing, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels that are questions make poor generated messages ("Enter what happened?").
        self.fields["subject"].error_messages["required"] = "Choose who the concern is about"
        self.fields["kind"].error_messages["required"] = "Choose what kind of concern it is"
        self.fields["what_happened"].error_messages["required"] = "Say what happened"
        people = (
            User.objects.filter(
                pk__in=Role.objects.current(standing.on)
                .filter(council=standing.council)
                .exclude(kind=Role.Kind.MONITORING_OFFICER)
                .values("user_id")
            )
            .exclude(pk=standing.user.pk)
            .order_by("name")
        )
        self.people = {str(u.pk): u for u in people}
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ChoiceField)
        subject.choices = [
            ("", "Choose a person, or the working relationship"),
            (RELATIONSHIP, "The working relationship generally"),
            *[(pk, u.name) for pk, u in self.people.items()],
        ]
        sections = self.fields["sections"]
        assert isinstance(sections, forms.ModelMultipleChoiceField)
        adopted = ProtocolVersion.objects.adopted().filter(council=standing.council)
        sections.queryset = Section.objects.filter(version__in=adopted).order_by("position")
        sections.label_from_instance = lambda s: f"{s.number} {s.heading}"
        if not sections.queryset.exists():
            del self.fields["sections"]

    def subject_user(self) -> User | None:
        value = self.cleaned_data["subject"]
        return None if value == RELATIONSHIP else self.people[value]


class TriageForm(PlainMessages, forms.Form):
    next_stage = forms.ChoiceField(
        label="What happens next?",
        choices=[
            (Stage.INFORMAL.value, "Informal resolution: a conversation, or conciliation"),
            (Stage.FORMAL.value, "The formal procedure (grievance or disciplinary)"),
            (Stage.REFERRED.value, "Refer it outside the council (Code of Conduct complaints)"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note for the person who raised it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They see this.",
    )


class TellForm(PlainMessages, forms.Form):
    message = forms.CharField(
        label="What you are telling them, in writing",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="They see this message and anything you later share with them, not your notes.",
    )


class NoteForm(PlainMessages, forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[
            (ConcernEvent.Kind.CONVERSATION.value, "A conversation"),
            (ConcernEvent.Kind.CONCILIATION.value, "Conciliation by a third party"),
            (ConcernEvent.Kind.NOTE.value, "A note"),
        ],
        widget=forms.RadioSelect,
    )
    audience = forms.ChoiceField(
        label="Who may read it?", choices=ConcernEvent.Audience.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 6}))


class ReferForm(PlainMessages, forms.Form):
    referred_on = forms.DateField(label="Date referred", widget=DateInput())
    reference = forms.CharField(label="Their reference", required=False, max_length=100)


class CloseForm(PlainMessages, forms.Form):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Reasons", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    actions_agreed = forms.CharField(
        label="Actions agreed", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referral_outcome = forms.CharField(
        label="The outside body's outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, concern: Concern, allowed: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [(o, Concern.Outcome(o).label) for o in sorted(allowed)]
        if len(allowed) == 1:
            self.initial.setdefault("outcome", next(iter(allowed)))
        if concern.stage != Stage.REFERRED:
            del self.fields["referral_outcome"]


class HearingForm(PlainMessages, forms.Form):
    held_on = forms.DateField(label="Date of the hearing", widget=DateInput())
    members = ModelMultipleChoiceField(
        label="Panel members from the personnel committee",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    substitutes = ModelMultipleChoiceField(
        label="Substitutes appointed by the council",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only when the committee cannot form a panel on its own.",
    )
    substitute_minute = forms.CharField(
        label="Minute appointing the substitutes",
        required=False,
        max_length=100,
        help_text="For example 26/41.",
    )
    companion = forms.CharField(
        label="Companion, if known",
        required=False,
        max_length=200,
        help_text="The right to be accompanied is offered in the letter.",
    )

    def __init__(self, *args, eligible: list[User], councillors, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("members", User.objects.filter(pk__in=[u.pk for u in eligible])),
            ("substitutes", councillors),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset.order_by("name")
            field.label_from_instance = lambda u: u.name

    def substitutes_with_minute(self) -> dict[User, str]:
        minute = self.cleaned_data.get("substitute_minute", "")
        return {u: minute for u in self.cleaned_data.get("substitutes") or []}


class MoveHearingForm(PlainMessages, forms.Form):
    held_on = forms.DateField(
        label="New date",
        widget=DateInput(),
        help_text="Within 5 working days of the first date.",
    )
    companion = forms.CharField(label="Companion", required=False, max_length=200)


class DecisionForm(PlainMessages, forms.Form):
    outcome = forms.ChoiceField(
        label="The panel's decision",
        choices=[
            (o.value, o.label)
            for o in (
                Concern.Outcome.UPHELD,
                Concern.Outcome.PARTLY_UPHELD,
                Concern.Outcome.NOT_UPHELD,
            )
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="The panel's reasons",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Both people receive these in writing.",
    )


class AppealForm(PlainMessages, forms.Form):
    grounds = forms.CharField(
        label="Why are you appealing?", widget=forms.Textarea(attrs={"rows": 6})
    )
