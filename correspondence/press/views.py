"""The press office (R13, R14) and the council's public news page. Thin views: lookups through
council.policy, every change through correspondence.press."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from council import policy
from council.forms import EndForm
from council.lib.pagination import page_of
from council.models import Council, PreElectionPeriod, Spokesperson
from council.shortcuts import MAX_LIST, council_page, form_action, list_page, posted

from ..models import PressEnquiry, PressRelease
from . import forms
from . import services as press

Status = PressRelease.Status

NEWS_MAX = 50  # the public news page lists this many of the latest releases


def _release(standing, pk) -> PressRelease:
    """A release this person may see, or the same 404 as one that does not exist."""
    visible = policy.visible_press_releases(standing, PressRelease.objects.all())
    return get_object_or_404(
        visible.select_related("council", "author", "quoted", "approved_by"), pk=pk
    )


def _authored(standing, pk) -> PressRelease:
    """The author's own release: the Proper Officer sees it but does not write it."""
    release = _release(standing, pk)
    if release.author_id != standing.user.pk:
        raise PermissionDenied
    return release


def _author_or_approver(standing, pk) -> PressRelease:
    release = _release(standing, pk)
    if release.author_id != standing.user.pk and not policy.can_approve_press_release(standing):
        raise PermissionDenied
    return release


def _act(request, release, action, done: str):
    """A POST button on the release page: one service, its message, back to the release."""
    try:
        release = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(release=release))
    return redirect(release)


# ---------------------------------------------------------------------------------------------
# The press page and releases
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_press_office)
def release_list(request, standing):
    """The releases this person may see (waiting ones first), the spokespeople, and the
    pre-election period running or next."""
    may_draft = policy.can_draft_press_release(standing)
    releases, page = [], None
    if may_draft:
        waiting_first = Case(
            When(status__in=press.WAITING, then=Value(0)),
            When(status=Status.APPROVED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        releases = (
            policy.visible_press_releases(standing, PressRelease.objects.all())
            .select_related("author")
            .annotate(waiting_first=waiting_first)
            .order_by("waiting_first", "-created_at", "-id")
        )
        page = page_of(request, releases)
        releases = page.object_list
    spokespeople = (
        Spokesperson.objects.current(standing.on)
        .filter(council=standing.council)
        .select_related("user")
        .order_by("user__name", "speaks_on")[:MAX_LIST]
    )
    period = (
        PreElectionPeriod.objects.filter(council=standing.council, ends_on__gte=standing.on)
        .order_by("starts_on")
        .first()
    )
    return render(
        request,
        "correspondence/press/release_list.html",
        {
            "standing": standing,
            "may_draft": may_draft,
            "releases": releases,
            "page": page,
            "spokespeople": spokespeople,
            "period": period,
            "period_running": period is not None and period.starts_on <= standing.on,
        },
    )


@council_page(policy.can_draft_press_release)
def release_new(request, standing):
    return form_action(
        request,
        standing,
        forms.ReleaseForm(posted(request), council=standing.council, on=standing.on),
        lambda data: press.press_draft(
            council=standing.council,
            title=data["title"],
            body=data["body"],
            quoted=data["quoted"],
            quote=data["quote"],
            sensitive=data["sensitive"],
            acting_user=request.user,
        ),
        done="Your draft is saved. Check it, then send it to the Proper Officer.",
        title="Draft a press release",
        submit="Save the draft",
        back=reverse("press:release_list", args=[standing.council.slug]),
        intro="The Proper Officer approves every release before it is published on the "
        "council's news page.",
    )


@council_page(policy.can_view_press_office)
def release_detail(request, standing, pk):
    release = _release(standing, pk)
    is_author = release.author_id == standing.user.pk
    can_approve = policy.can_approve_press_release(standing)
    is_open = release.status not in (Status.PUBLISHED, Status.WITHDRAWN)
    return render(
        request,
        "correspondence/press/release_detail.html",
        {
            "standing": standing,
            "release": release,
            "is_author": is_author,
            "can_approve": can_approve,
            "can_edit": is_author and release.status == Status.DRAFT,
            "can_reopen": (is_author or can_approve)
            and release.status in (*press.WAITING, Status.APPROVED),
            "can_withdraw": (is_author and is_open)
            or (can_approve and release.status != "withdrawn"),
            "can_decide": can_approve
            and release.status in press.WAITING
            and release.approved_by_id is None,
            "can_publish": can_approve
            and release.approved_by_id is not None
            and release.status in (Status.APPROVED, Status.HELD),
        },
    )


@council_page(policy.can_draft_press_release)
def release_edit(request, standing, pk):
    release = _authored(standing, pk)
    if release.status != Status.DRAFT:
        messages.error(request, press.MSG_CANNOT_CHANGE.format(status=press.status_text(release)))
        return redirect(release)
    return form_action(
        request,
        standing,
        forms.ReleaseForm(
            posted(request),
            council=standing.council,
            on=standing.on,
            initial=forms.ReleaseForm.initial_from(release),
        ),
        lambda data: press.press_change(
            release=release,
            title=data["title"],
            body=data["body"],
            quoted=data["quoted"],
            quote=data["quote"],
            sensitive=data["sensitive"],
            acting_user=request.user,
        ),
        done="Your changes are saved.",
        title="Change the press release",
        submit="Save the changes",
        back=release.get_absolute_url(),
    )


@council_page(policy.can_draft_press_release)
@require_POST
def release_submit(request, standing, pk):
    release = _authored(standing, pk)

    def done(release) -> str:
        if release.status == Status.HELD:
            return f"It is sent to the Proper Officer, and held back. {release.held_reason}"
        return "It is sent to the Proper Officer for approval."

    try:
        release = press.press_submit(release=release, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done(release))
    return redirect(release)


@council_page(policy.can_draft_press_release)
@require_POST
def release_reopen(request, standing, pk):
    release = _author_or_approver(standing, pk)
    return _act(
        request,
        release,
        lambda: press.press_reopen(release=release, acting_user=request.user),
        "It is a draft again, and can be changed. It needs approval again before it is published.",
    )


@council_page(policy.can_draft_press_release)
@require_POST
def release_withdraw(request, standing, pk):
    release = _author_or_approver(standing, pk)
    return _act(
        request,
        release,
        lambda: press.press_withdraw(release=release, acting_user=request.user),
        "The release is withdrawn.",
    )


@council_page(policy.can_approve_press_release)
def release_approve(request, standing, pk):
    """The Proper Officer's decision page: the release in full, and a warning whenever a
    pre-election period is running (R14)."""
    release = _release(standing, pk)
    # The page's three buttons; on a GET nothing is posted, and nothing is run.
    if "hold" in request.POST:
        action, said = press.press_hold, "It is held back until the pre-election period ends."
    elif "send_back" in request.POST:
        action, said = press.press_reopen, "It is sent back to the author to change."
    else:
        action, said = press.press_approve, "The release is approved."

    def done(result) -> str:
        # R14: approved during a pre-election period, a sensitive release is still held back.
        if result.status == Status.HELD and action is press.press_approve:
            return f"The release is approved, and held back. {result.held_reason}"
        return said

    period = press.running_period(standing.council, standing.on)
    return form_action(
        request,
        standing,
        forms.DecisionForm(posted(request)),
        lambda data: action(release=release, acting_user=request.user),
        done=done,
        title="Decide on a press release",
        submit="Approve",
        template="correspondence/press/approve.html",
        context={
            "release": release,
            "period": period,
            "hold": press.pre_election_hold(release, standing.on) if period else "",
            "quoted_as": _quoted_as(release, standing.on),
            "can_decide": release.status in press.WAITING and release.approved_by_id is None,
        },
    )


def _quoted_as(release: PressRelease, on) -> str:
    """In what capacity the quoted person speaks for the council on a day (R13)."""
    if release.quoted is None:
        return ""
    for quotable in press.quotable_people(release.council, on):
        if quotable.user.pk == release.quoted_id:
            return "; ".join(quotable.capacities)
    return ""


@council_page(policy.can_approve_press_release)
@require_POST
def release_publish(request, standing, pk):
    release = _release(standing, pk)
    return _act(
        request,
        release,
        lambda: press.press_publish(release=release, acting_user=request.user),
        "The release is published on the council's news page.",
    )


# ---------------------------------------------------------------------------------------------
# Spokespeople and pre-election periods
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_press_office)
def spokespeople(request, standing):
    appointments = (
        Spokesperson.objects.filter(council=standing.council)
        .select_related("user")
        .order_by("-starts_on", "user__name")
    )
    return list_page(
        request,
        standing,
        appointments,
        "correspondence/press/spokespeople.html",
        name="appointments",
    )


@council_page(policy.can_manage_press_office)
def spokesperson_new(request, standing):
    return form_action(
        request,
        standing,
        forms.SpokespersonForm(posted(request), council=standing.council),
        lambda data: press.spokesperson_appoint(
            council=standing.council,
            user=data["user"],
            speaks_on=data["speaks_on"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done=lambda appointment: (
            f"{appointment.user} is a spokesperson on {appointment.speaks_on}."
        ),
        next_url=reverse("press:spokespeople", args=[standing.council.slug]),
        title="Appoint a spokesperson",
        submit="Appoint",
        intro="A spokesperson may be quoted speaking for the council on what you name here, "
        "as the chair and the committee chairs may.",
    )


@council_page(policy.can_manage_press_office)
def spokesperson_end(request, standing, pk):
    appointment = get_object_or_404(
        Spokesperson.objects.filter(council=standing.council).select_related("user"), pk=pk
    )
    return form_action(
        request,
        standing,
        EndForm(posted(request)),
        lambda data: press.spokesperson_end(
            spokesperson=appointment, ends_on=data["ends_on"], acting_user=request.user
        ),
        done=f"The appointment of {appointment.user} is ended.",
        next_url=reverse("press:spokespeople", args=[standing.council.slug]),
        title=f"End {appointment.user}'s appointment as spokesperson on {appointment.speaks_on}",
        submit="End the appointment",
    )


@council_page(policy.can_view_press_office)
def periods(request, standing):
    return list_page(
        request,
        standing,
        PreElectionPeriod.objects.filter(council=standing.council).order_by("-starts_on"),
        "correspondence/press/periods.html",
        name="periods",
    )


@council_page(policy.can_manage_press_office)
def period_new(request, standing):
    return form_action(
        request,
        standing,
        forms.PeriodForm(posted(request)),
        lambda data: press.period_record(
            council=standing.council,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done="The pre-election period is recorded.",
        next_url=reverse("press:periods", args=[standing.council.slug]),
        title="Record a pre-election period",
        submit="Record the period",
        intro="While it runs, releases about candidates or contentious matters are held back "
        "until it ends.",
    )


# ---------------------------------------------------------------------------------------------
# Enquiries from journalists
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_log_press_enquiry)
def enquiry_list(request, standing):
    enquiries = (
        PressEnquiry.objects.filter(council=standing.council)
        .select_related("replied_by")
        .order_by("-received_on", "-id")
    )
    return list_page(
        request,
        standing,
        enquiries,
        "correspondence/press/enquiry_list.html",
        name="enquiries",
    )


@council_page(policy.can_log_press_enquiry)
def enquiry_new(request, standing):
    return form_action(
        request,
        standing,
        forms.EnquiryLogForm(posted(request), initial={"received_on": standing.on}),
        lambda data: press.enquiry_log(
            council=standing.council,
            received_on=data["received_on"],
            journalist=data["journalist"],
            outlet=data["outlet"],
            question=data["question"],
            acting_user=request.user,
        ),
        done="The enquiry is logged.",
        next_url=reverse("press:enquiry_list", args=[standing.council.slug]),
        title="Log a press enquiry",
        submit="Log the enquiry",
    )


@council_page(policy.can_log_press_enquiry)
def enquiry_reply(request, standing, pk):
    enquiry = get_object_or_404(PressEnquiry.objects.filter(council=standing.council), pk=pk)
    outlet = f" ({enquiry.outlet})" if enquiry.outlet else ""
    return form_action(
        request,
        standing,
        forms.EnquiryReplyForm(
            posted(request),
            council=standing.council,
            initial={"replied_on": standing.on, "replied_by": standing.user.pk},
        ),
        lambda data: press.enquiry_reply(
            enquiry=enquiry,
            reply=data["reply"],
            replied_on=data["replied_on"],
            replied_by=data["replied_by"],
            acting_user=request.user,
        ),
        done="The reply is recorded.",
        next_url=reverse("press:enquiry_list", args=[standing.council.slug]),
        title=f"Record the reply to {enquiry.journalist}{outlet}",
        submit="Record the reply",
        intro=f"Received {enquiry.received_on:%-d %B %Y}: {enquiry.question}",
    )


# ---------------------------------------------------------------------------------------------
# The council's public news page: published releases only (PressRelease.objects.published())
# ---------------------------------------------------------------------------------------------


def _published(council_slug: str):
    council = get_object_or_404(Council, slug=council_slug)
    return council, PressRelease.objects.published().filter(council=council)


@login_not_required
def news_list(request, council_slug):
    council, published = _published(council_slug)
    releases = published.order_by("-published_at", "-id")[:NEWS_MAX]
    return render(
        request, "correspondence/news/news_list.html", {"council": council, "releases": releases}
    )


@login_not_required
def news_detail(request, council_slug, pk):
    council, published = _published(council_slug)
    release = get_object_or_404(published.select_related("quoted"), pk=pk)
    return render(
        request,
        "correspondence/news/news_detail.html",
        {
            "council": council,
            "release": release,
            # R13: in what capacity they spoke for the council, on the day it was published.
            "quoted_as": _quoted_as(release, timezone.localdate(release.published_at)),
        },
    )


# ---------------------------------------------------------------------------------------------
# The council home page's panel
# ---------------------------------------------------------------------------------------------
