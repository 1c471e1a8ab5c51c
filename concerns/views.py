"""Concerns: raising, following, the handler's steps and the triage queue (R16–R21). Thin views:
every lookup goes through council.policy, every change through concerns.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from council import policy
from council.lib.pagination import page_of
from council.lib.timeline import timeline
from council.models import Role, User
from council.shortcuts import council_page, form_action, list_page, posted, run_service

from . import formal, forms, services
from .models import Concern, Hearing, PanelMember

Stage = Concern.Stage


def _get_concern(standing, pk) -> Concern:
    """R16: a concern this person has a part in, or the same 404 as one that does not exist."""
    visible = policy.visible_concerns(standing, Concern.objects.all())
    return get_object_or_404(
        visible.select_related("council", "raised_by", "subject", "handler"), pk=pk
    )


def _handled(standing, pk) -> Concern:
    concern = _get_concern(standing, pk)
    if not policy.can_handle_concern(standing, concern):
        raise PermissionDenied
    return concern


@council_page(policy.can_raise_concern)
def concern_list(request, standing):
    """The concerns a person raised, and those raised with them."""
    me = standing.user
    concerns = (
        policy.visible_concerns(standing, Concern.objects.all())
        .filter(Q(raised_by=me) | Q(subject=me))
        .select_related("subject", "raised_by", "handler")
        .order_by("-raised_on", "-id")
    )
    return list_page(
        request,
        standing,
        concerns,
        "concerns/concern_list.html",
        name="concerns",
        context={"today": standing.on},
    )


@council_page(policy.can_raise_concern)
def concern_new(request, standing):
    form = forms.RaiseForm(posted(request), standing=standing)
    routing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = form.subject_user()
        if "preview" in request.POST:
            routing = run_service(
                form,
                lambda: services.concern_route_preview(
                    raiser=standing, subject=subject, kind=data["kind"]
                ),
            )
        else:
            concern = run_service(
                form,
                lambda: services.concern_raise(
                    raiser=standing,
                    subject=subject,
                    kind=data["kind"],
                    sections=data.get("sections") or [],
                    what_happened=data["what_happened"],
                    outcome_hoped=data["outcome_hoped"],
                ),
            )
            if concern:
                messages.success(
                    request,
                    f"Your concern is raised. {concern.handler.name if concern.handler else ''} "
                    f"will look at it by {concern.stage_due_on:%A %-d %B %Y}.",
                )
                return redirect(concern)
    return render(
        request,
        "concerns/concern_new.html",
        {
            "standing": standing,
            "form": form,
            "routing": routing,
            "privacy_notice": services.PRIVACY_NOTICE,
        },
    )


@council_page(policy.can_view_council_home)
def concern_detail(request, standing, pk):
    concern = _get_concern(standing, pk)
    part = policy.concern_part(standing, concern)
    if part is None:  # visible through the queryset but no part any more: as if not there
        raise PermissionDenied
    audiences = policy.CONCERN_EVENT_AUDIENCES[part]
    can_handle = policy.can_handle_concern(standing, concern)
    context = {
        "standing": standing,
        "concern": concern,
        "part": part,
        "events": concern.events.filter(audience__in=audiences).select_related("actor"),
        "sections": concern.sections.order_by("position") if part != "subject" else [],
        "can_handle": can_handle,
        "can_withdraw": policy.can_withdraw_concern(standing, concern) and concern.is_open,
        "overdue": concern.is_overdue(standing.on),
        "closing_outcomes": services.closing_outcomes(concern) if can_handle else set(),
        "pending_hearing": concern.hearings.filter(decided_on__isnull=True).first(),
        "can_appeal": part in policy.APPEALING_PARTS
        and concern.stage == Stage.DECIDED
        and standing.on <= concern.stage_due_on,
    }
    return render(request, "concerns/concern_detail.html", context)


@council_page(policy.can_view_council_home)
def concern_history(request, standing, pk):
    """R16/R27: a concern's history is for its handlers only."""
    concern = _get_concern(standing, pk)
    if not policy.can_view_concern_history(standing, concern):
        raise PermissionDenied
    return render(
        request,
        "council/history.html",
        {"standing": standing, "object": concern, "entries": timeline(concern)},
    )


@council_page(policy.can_view_council_home)
@require_POST
def concern_withdraw(request, standing, pk):
    concern = _get_concern(standing, pk)
    if not policy.can_withdraw_concern(standing, concern):
        raise PermissionDenied
    try:
        services.concern_withdraw(concern=concern, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your concern is withdrawn.")
    return redirect(concern)


def _handler_form(request, standing, concern, form, action, **page):
    """The shape of every handler step: a form, one service, a message, back to the concern (a
    URL, not the service's result: that is the concern, an event or a hearing, and the page's
    "Back" link goes there too). The page's words (title, submit, done, intro) are form_action's.
    Each step's form has the service's arguments as its fields, so the action passes them on."""
    return form_action(request, standing, form, action, next_url=concern.get_absolute_url(), **page)


@council_page(policy.can_view_council_home)
def concern_triage(request, standing, pk):
    concern = _handled(standing, pk)
    return _handler_form(
        request,
        standing,
        concern,
        forms.TriageForm(posted(request)),
        lambda data: services.concern_triage(concern=concern, **data, acting_user=request.user),
        title="Triage this concern",
        submit="Record the next step",
        done="The next step is recorded.",
        intro=concern.route_explanation,
    )


@council_page(policy.can_view_council_home)
def concern_tell(request, standing, pk):
    concern = _handled(standing, pk)
    return _handler_form(
        request,
        standing,
        concern,
        forms.TellForm(posted(request)),
        lambda data: services.concern_tell_subject(
            concern=concern, **data, acting_user=request.user
        ),
        title=f"Tell {concern.subject_label} about this concern",
        submit="Send in writing",
        done="They are told, and can now see what you share with them.",
    )


@council_page(policy.can_view_council_home)
def concern_note(request, standing, pk):
    concern = _handled(standing, pk)
    return _handler_form(
        request,
        standing,
        concern,
        forms.NoteForm(posted(request)),
        lambda data: services.concern_add_note(concern=concern, **data, acting_user=request.user),
        title="Record a step",
        submit="Record it",
        done="It is recorded.",
    )


@council_page(policy.can_view_council_home)
def concern_refer(request, standing, pk):
    concern = _handled(standing, pk)
    return _handler_form(
        request,
        standing,
        concern,
        forms.ReferForm(posted(request), initial={"referred_on": standing.on}),
        lambda data: services.concern_refer(concern=concern, **data, acting_user=request.user),
        title=f"Refer to {concern.referred_to or 'a body outside the council'}",
        submit="Record the referral",
        done="The referral is recorded.",
    )


@council_page(policy.can_view_council_home)
def concern_close(request, standing, pk):
    concern = _handled(standing, pk)
    allowed = services.closing_outcomes(concern)
    return _handler_form(
        request,
        standing,
        concern,
        forms.CloseForm(posted(request), concern=concern, allowed=allowed),
        # Only a referred concern's form asks for the outside body's outcome: else the default.
        lambda data: services.concern_close(concern=concern, **data, acting_user=request.user),
        title="Close this concern",
        submit="Close it",
        done="The concern is closed, with its outcome recorded.",
    )


def _with_hearings(concerns):
    """What waiting_for reads of each concern, its hearings still to decide and their panels:
    two more queries for any number of concerns."""
    pending = Hearing.objects.filter(decided_on__isnull=True).prefetch_related(
        Prefetch("panel", queryset=PanelMember.objects.select_related("user"))
    )
    return concerns.prefetch_related(Prefetch("hearings", queryset=pending))


def _with_waiting(concerns, today) -> list[tuple[Concern, services.Waiting]]:
    """Each concern (fetched _with_hearings) with what it waits for, from whom (R23)."""
    return [(c, services.waiting_for(c, today)) for c in concerns]


def _overdue_first(concerns, today):
    return concerns.annotate(
        late=Case(
            When(stage_due_on__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("late", "stage_due_on", "id")


@council_page(policy.can_view_concern_queue)
def concern_queue(request, standing):
    """R23: the open matters this person handles, by stage, overdue first, with what each waits
    for and from whom."""
    mine = Concern.objects.filter(
        council=standing.council, handler=standing.user, stage__in=Concern.OPEN
    )
    by_stage = dict(mine.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    stages = [(Stage(s), by_stage.get(s, 0)) for s in Concern.OPEN]
    chosen = request.GET.get("stage", "")
    shown = mine.filter(stage=chosen) if chosen in Concern.OPEN else mine
    page = page_of(
        request,
        _with_hearings(
            _overdue_first(shown.select_related("raised_by", "subject", "handler"), standing.on)
        ),
    )
    rows = _with_waiting(page.object_list, standing.on)
    return render(
        request,
        "concerns/queue.html",
        {
            "standing": standing,
            "rows": rows,
            "page": page,
            "stages": stages,
            "chosen": chosen if chosen in Concern.OPEN else "",
            "today": standing.on,
        },
    )


@council_page(policy.can_view_escalations)
def escalations(request, standing):
    """R23: the chair's page: matters escalated to the chair, and overdue ones, at a glance. Of a
    matter the chair does not handle it shows the stage, the handler and what it waits for,
    never what it is about (R16)."""
    open_concerns = Concern.objects.filter(stage__in=Concern.OPEN)
    shown = policy.escalated_concerns(standing, open_concerns).select_related("handler")
    page = page_of(request, _with_hearings(_overdue_first(shown, standing.on)))
    rows = _with_waiting(page.object_list, standing.on)
    return render(
        request,
        "concerns/escalations.html",
        {
            "standing": standing,
            "rows": rows,
            "page": page,
            # Of the whole list, not only this page: one count.
            "overdue": shown.filter(stage_due_on__lt=standing.on).count(),
            "today": standing.on,
        },
    )


@council_page(policy.can_view_hearings)
def hearings(request, standing):
    """R20: the hearings the personnel committee must hold, and the matters waiting for one.
    Dates and panels only: a hearing's concern opens only for those with a part in it (R16)."""
    to_hold = (
        Hearing.objects.filter(concern__council=standing.council, decided_on__isnull=True)
        .select_related("concern")
        .prefetch_related(Prefetch("panel", queryset=PanelMember.objects.select_related("user")))
        .order_by("held_on", "id")
    )
    page = page_of(request, to_hold)
    to_hold = page.object_list
    waiting = (
        Concern.objects.filter(council=standing.council, stage__in=(Stage.FORMAL, Stage.APPEAL))
        .exclude(pk__in=Hearing.objects.filter(decided_on__isnull=True).values("concern_id"))
        .count()
    )
    me = standing.user.pk
    rows = [
        (h, h.concern.handler_id == me or any(m.user_id == me for m in h.panel.all()))
        for h in to_hold
    ]
    return render(
        request,
        "concerns/hearings.html",
        {
            "standing": standing,
            "rows": rows,
            "page": page,
            "waiting": waiting,
            "today": standing.on,
        },
    )


@council_page(policy.can_view_concern_outcomes)
def outcomes(request, standing):
    """Which parts of the protocol cause friction: closed concerns counted per section and per
    outcome, without names."""
    sections, totals = services.outcome_counts(standing.council)
    outcome_labels = [(o, o.label) for o in Concern.Outcome]
    return render(
        request,
        "concerns/outcomes.html",
        {
            "standing": standing,
            "sections": [
                (row, [row.by_outcome.get(o, 0) for o, _ in outcome_labels]) for row in sections
            ],
            "totals": [(label, totals.get(o, 0)) for o, label in outcome_labels],
            "closed": sum(totals.values()),
            "outcome_labels": [label for _, label in outcome_labels],
        },
    )


# ---------------------------------------------------------------------------------------------
# The formal procedure (R20, R22)
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_council_home)
@require_POST
def concern_formal(request, standing, pk):
    concern = _handled(standing, pk)
    try:
        formal.concern_start_formal(concern=concern, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The matter goes to the formal procedure. Arrange the hearing.")
    return redirect(concern)


@council_page(policy.can_view_council_home)
def hearing_arrange(request, standing, pk):
    concern = _handled(standing, pk)
    kind = Hearing.Kind.APPEAL if concern.stage == Stage.APPEAL else Hearing.Kind.HEARING
    eligible, short = formal.panel_candidates(concern=concern, kind=kind, on=standing.on)
    councillors = User.objects.filter(
        pk__in=Role.objects.current(standing.on)
        .filter(council=standing.council, kind=Role.Kind.COUNCILLOR)
        .values("user_id")
    ).exclude(pk__in=[u.pk for u in eligible])
    form = forms.HearingForm(posted(request), eligible=eligible, councillors=councillors)
    quorum = standing.council.panel_quorum
    intro = f"A panel of at least {quorum} members of the personnel committee hears it."
    if short:
        intro += (
            f" The committee can provide only {len(eligible)} member"
            f"{'s' if len(eligible) != 1 else ''} who had no part in this matter: the council "
            f"must appoint {short} substitute{'s' if short != 1 else ''}, and you record the "
            "minute."
        )
    return _handler_form(
        request,
        standing,
        concern,
        form,
        lambda data: formal.hearing_arrange(
            concern=concern,
            held_on=data["held_on"],
            members=list(data["members"]),
            substitutes=form.substitutes_with_minute(),
            companion=data["companion"],
            acting_user=request.user,
        ),
        title=f"Arrange the {Hearing.Kind(kind).label.lower()}",
        submit="Arrange it",
        done="The hearing is arranged; both people are told in writing.",
        intro=intro,
    )


def _pending_hearing(standing, pk) -> Hearing:
    """The hearing still to decide of a concern this person handles (its `concern` is that
    concern, fetched once), or 404."""
    hearing = _handled(standing, pk).hearings.filter(decided_on__isnull=True).first()
    if hearing is None:
        raise Http404("No hearing is waiting.")
    return hearing


@council_page(policy.can_view_council_home)
def hearing_move(request, standing, pk):
    hearing = _pending_hearing(standing, pk)
    return _handler_form(
        request,
        standing,
        hearing.concern,
        forms.MoveHearingForm(posted(request), initial={"companion": hearing.companion}),
        lambda data: formal.hearing_move(hearing=hearing, **data, acting_user=request.user),
        title="Move the hearing for the companion",
        submit="Move it",
        done="The hearing is moved.",
        intro=f"First arranged for {hearing.first_held_on:%A %-d %B %Y}.",
    )


@council_page(policy.can_view_council_home)
def hearing_decide(request, standing, pk):
    hearing = _pending_hearing(standing, pk)
    panel = ", ".join(m.user.name for m in hearing.panel.select_related("user"))
    return _handler_form(
        request,
        standing,
        hearing.concern,
        forms.DecisionForm(posted(request)),
        lambda data: formal.hearing_decide(hearing=hearing, **data, acting_user=request.user),
        title="Record the panel's decision",
        submit="Record the decision",
        done="The decision is recorded and sent to both people in writing.",
        intro=f"The panel: {panel}.",
    )


@council_page(policy.can_view_council_home)
def concern_appeal(request, standing, pk):
    concern = _get_concern(standing, pk)
    if not policy.can_appeal_concern(standing, concern):
        raise PermissionDenied
    return _handler_form(
        request,
        standing,
        concern,
        forms.AppealForm(posted(request)),
        lambda data: formal.concern_appeal(concern=concern, **data, acting_user=request.user),
        title="Appeal the decision",
        submit="Send the appeal",
        done="Your appeal is made. A panel of members not involved before will hear it.",
        intro=f"You may appeal until {concern.stage_due_on:%A %-d %B %Y}.",
    )
