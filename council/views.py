"""Views for the council's structure. Thin: look up through the policy, call one service,
redirect after POST or render."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import forms, panels, policy, services
from .history import timeline
from .models import (
    Committee,
    Council,
    Document,
    GroupMembership,
    Notification,
    PoliticalGroup,
    Role,
    Seat,
)
from .pagination import page_of
from .retention import RetentionPolicy

MAX_LIST = 200  # long lists are bounded; the register pages by this many rows


def council_page(predicate=None):
    """Decorate a view of one council's pages: the person must be signed in, hold a current role
    in the council (else 404) and, if given, satisfy the policy predicate (else 403). The view
    receives the standing in place of the council's slug."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, council_slug, *args, **kwargs):
            standing = policy.get_standing_for_request(request, council_slug)
            if predicate is not None and not predicate(standing):
                raise PermissionDenied
            request.standing = standing
            return view(request, standing, *args, **kwargs)

        return wrapper

    return decorator


def posted(request, files=False):
    """A form's data: bound on POST (even an empty one, so that it shows its errors), unbound on
    GET. `request.POST or None` would leave an empty POST unbound and silently do nothing."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def form_page(request, standing, form, *, title, submit, back=None, intro="", multipart=False):
    return render(
        request,
        "council/form_page.html",
        {
            "standing": standing,
            "form": form,
            "title": title,
            "submit": submit,
            "back": back,
            "intro": intro,
            "multipart": multipart,
        },
    )


def form_action(
    request, standing, form, action, *, done, next_url, title, submit, back=None, intro=""
):
    """The shape of a page that runs one service from a form: on a valid POST, call `action(data)`
    (a ValidationError becomes form errors, nothing lost), say `done` (a string, or a function of
    the result) and go to `next_url`; otherwise show the form."""
    if request.method == "POST" and form.is_valid():
        result = run_service(form, lambda: action(form.cleaned_data))
        if result:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(next_url)
    return form_page(
        request, standing, form, title=title, submit=submit, back=back or next_url, intro=intro
    )


def run_service(form, action):
    """Call a service; a ValidationError becomes form errors. Returns the result, or None."""
    try:
        return action()
    except ValidationError as error:
        forms.apply_service_error(form, error)
        return None


# ---------------------------------------------------------------------------------------------
# Site-wide pages
# ---------------------------------------------------------------------------------------------


@login_not_required
def home(request):
    """Signed in: the councils where the person has a role (straight there if only one).
    Otherwise: the councils on this portal, for the public."""
    if request.user.is_authenticated:
        councils = policy.councils_for_request(request)
        if len(councils) == 1 and not request.GET.get("choose"):
            return redirect("council:home", councils[0].slug)
        ended = (
            Role.objects.filter(user=request.user, ends_on__lt=timezone.localdate())
            .select_related("council")
            .order_by("-ends_on")[:5]
            if not councils
            else []
        )
        return render(request, "home_signed_in.html", {"councils": councils, "ended": ended})
    page = page_of(request, Council.objects.order_by("name", "pk"))
    return render(request, "home_public.html", {"councils": page.object_list, "page": page})


@login_not_required  # the load balancer's and compose's health check
def healthz(request):
    """For monitoring, as JSON: the database ("ok"/"error"), the broker ("ok"/"error", or
    "in-process" without REDIS_URL) and the age in seconds of the oldest notification waiting to
    be sent (null when none; a growing age means no worker or sweep is delivering). 503 only when
    the database is down: without the broker the portal works and notifications wait for the
    sweep, so a broker outage must not take the web service out of the load balancer. One query,
    on the outbox's pending index, which is also the database check; the broker's check gives up
    after a second, so a broker that never answers cannot hang this page."""
    state: dict[str, object] = {"database": "ok"}
    status = 200
    try:
        oldest = (
            Notification.objects.pending()
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    except Exception:
        state["database"] = "error"
        status = 503
        oldest = None
    if not settings.REDIS_URL:
        state["broker"] = "in-process"
    else:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1, retry=None
        )
        try:
            client.ping()
            state["broker"] = "ok"
        except Exception:
            state["broker"] = "error"
        finally:
            client.close()
    state["oldest_pending_seconds"] = (
        max(0, round((timezone.now() - oldest).total_seconds())) if oldest else None
    )
    return HttpResponse(json.dumps(state), status=status, content_type="application/json")


@login_not_required
def accessibility(request):
    """The accessibility statement: public, linked from every page's footer."""
    return render(request, "accessibility.html")


@login_required
def two_factor_required(request):
    return render(request, "two_factor_required.html")


@login_required
def notification_list(request):
    page = page_of(
        request, request.user.notifications.select_related("council").order_by("-created_at", "-id")
    )
    return render(request, "notifications.html", {"notifications": page.object_list, "page": page})


@login_required
@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification)
    return redirect(notification.link or "notifications")


# ---------------------------------------------------------------------------------------------
# A council's home and settings
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_council_home)
def council_home(request, standing):
    today = timezone.localdate()
    context = {"standing": standing, "today": today}
    if standing.seats:
        context["committees"] = sorted({s.committee for s in standing.seats}, key=str)
    if policy.can_manage_people(standing):
        context["ending_roles"] = (
            Role.objects.filter(
                council=standing.council,
                ends_on__gte=today,
                ends_on__lte=today + timedelta(days=services.ROLE_WARNING_DAYS),
            )
            .select_related("user")
            .order_by("ends_on")[:50]
        )
    context["proper_officer"] = policy.proper_officer_for(standing.council)
    context["panels"] = panels.panels_for(request, standing)
    return render(request, "council/home.html", context)


@council_page(policy.can_edit_council_settings)
def council_settings(request, standing):
    council = standing.council
    form = forms.CouncilForm(posted(request), instance=council)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.council_update(council=form.instance, acting_user=request.user)
        ):
            messages.success(request, "The council's details are saved.")
            return redirect("council:home", council.slug)
    return form_page(
        request,
        standing,
        form,
        title="Council details",
        submit="Save details",
        back=reverse("council:home", args=[council.slug]),
    )


@council_page(policy.can_edit_council_settings)
def retention_settings(request, standing):
    """UK GDPR storage limitation: how long the council keeps each kind of personal record."""
    policy_row = RetentionPolicy.for_council(standing.council)
    form = forms.RetentionPolicyForm(posted(request), instance=policy_row)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.retention_policy_save(policy=form.instance, acting_user=request.user),
        ):
            messages.success(request, "The retention periods are saved.")
            return redirect("council:home", standing.council.slug)
    return form_page(
        request,
        standing,
        form,
        title="How long personal records are kept",
        submit="Save retention periods",
        back=reverse("council:home", args=[standing.council.slug]),
        intro="Each night the portal deletes records older than these periods, with their "
        "history. The protocol is kept for ever, the audit log is never changed, and the "
        "council's documents are its records, so none of them is deleted here.",
    )


# ---------------------------------------------------------------------------------------------
# People and roles
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_manage_people)
def people(request, standing):
    today = timezone.localdate()
    page = page_of(
        request,
        Role.objects.filter(council=standing.council)
        .select_related("user")
        .order_by("user__name", "kind", "-starts_on", "pk"),
    )
    return render(
        request,
        "council/people.html",
        {"standing": standing, "roles": page.object_list, "page": page, "today": today},
    )


@council_page(policy.can_manage_people)
def person_invite(request, standing):
    form = forms.InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = run_service(
            form,
            lambda: services.person_invite(
                council=standing.council,
                email=data["email"],
                name=data["name"],
                kind=data["kind"],
                acting=data["acting"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            ),
        )
        if role:
            messages.success(
                request,
                f"{role.user} is added as {role.title}. "
                "If they are new here, we have emailed them an invitation.",
            )
            return redirect("council:person_detail", standing.council.slug, role.user_id)
    return form_page(
        request,
        standing,
        form,
        title="Add a person",
        submit="Add and send invitation",
        back=reverse("council:people", args=[standing.council.slug]),
        intro="They get an email with a link to set their password. If they already use the "
        "portal for another council, they get the new role straight away.",
    )


@council_page(policy.can_manage_people)
def person_detail(request, standing, user_id):
    person = policy.get_person_for_user(standing, user_id)
    roles = Role.objects.filter(council=standing.council, user=person).order_by("-starts_on")
    seats = (
        Seat.objects.filter(committee__council=standing.council, user=person)
        .select_related("committee")
        .order_by("-starts_on")
    )
    memberships = (
        GroupMembership.objects.filter(group__council=standing.council, user=person)
        .select_related("group")
        .order_by("-starts_on")
    )
    return render(
        request,
        "council/person_detail.html",
        {
            "standing": standing,
            "person": person,
            "roles": roles,
            "seats": seats,
            "memberships": memberships,
            "today": timezone.localdate(),
            "invitation_pending": not person.has_usable_password(),
        },
    )


# -- Subject access (UK GDPR art. 15): everything held about one person --------------------------


@council_page()
def person_data(request, standing, user_id):
    """The Proper Officer's copy of what the council holds about one of its people, or a
    person's own. Anyone else gets the same 404 as for a person who is not there."""
    return _personal_data(request, standing, user_id, "html")


@council_page()
def person_data_json(request, standing, user_id):
    return _personal_data(request, standing, user_id, "json")


def _personal_data(request, standing, user_id, fmt):
    person = policy.get_person_for_user(standing, user_id)
    if not policy.can_export_personal_data(standing, person):
        raise Http404("No such person.")
    export = services.subject_access_export(
        person=person,
        councils=[standing.council],
        whole_portal=False,
        acting_user=request.user,
        fmt=fmt,
    )
    json_url = reverse("council:person_data_json", args=[standing.council.slug, person.pk])
    return export_response(request, export, fmt, standing=standing, json_url=json_url)


@login_required
def my_data(request):
    """A person's own download: every council in which they hold or held a role, and the
    portal's own records about them. It needs no current role: a former councillor has the
    right too."""
    return _my_data(request, "html")


@login_required
def my_data_json(request):
    return _my_data(request, "json")


def _my_data(request, fmt):
    councils = list(Council.objects.filter(roles__user=request.user).distinct().order_by("name"))
    export = services.subject_access_export(
        person=request.user, councils=councils, whole_portal=True, acting_user=request.user, fmt=fmt
    )
    return export_response(request, export, fmt, json_url=reverse("my_data_json"))


def export_response(request, export, fmt, *, json_url, standing=None):
    """JSON as a download; HTML as a printable page. Neither is kept by any shared cache."""
    if fmt == "json":
        response = HttpResponse(
            json.dumps(export.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename("json")}"'
    else:
        response = render(
            request,
            "council/subject_access.html",
            {"standing": standing, "export": export, "json_url": json_url},
        )
    response["Cache-Control"] = "private, no-store"
    return response


@council_page(policy.can_manage_people)
@require_POST
def invitation_resend(request, standing, user_id):
    person = policy.get_person_for_user(standing, user_id)
    try:
        services.invitation_send(user=person, council=standing.council, acting_user=request.user)
        messages.success(request, f"We have emailed a new invitation to {person.email}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("council:person_detail", standing.council.slug, person.pk)


@council_page(policy.can_manage_people)
def role_add(request, standing, user_id):
    person = policy.get_person_for_user(standing, user_id)
    form = forms.RoleForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = run_service(
            form,
            lambda: services.role_create(
                council=standing.council,
                user=person,
                kind=data["kind"],
                acting=data["acting"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            ),
        )
        if role:
            messages.success(request, f"{person} is now {role.title}.")
            return redirect("council:person_detail", standing.council.slug, person.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Add a role for {person}",
        submit="Add role",
        back=reverse("council:person_detail", args=[standing.council.slug, person.pk]),
    )


@council_page(policy.can_manage_people)
def role_edit(request, standing, role_id):
    role = policy.get_in_council(standing, Role, role_id, select_related=["user"])
    form = forms.RoleDatesForm(
        posted(request), initial={"starts_on": role.starts_on, "ends_on": role.ends_on}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.role_change_dates(
                role=role,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            ),
        ):
            messages.success(request, f"The dates of {role.user}'s role are saved.")
            return redirect("council:person_detail", standing.council.slug, role.user_id)
    return form_page(
        request,
        standing,
        form,
        title=f"Change the dates: {role.user}, {role.title}",
        submit="Save dates",
        back=reverse("council:person_detail", args=[standing.council.slug, role.user_id]),
        intro="Their access follows these dates: it ends by itself after the last day.",
    )


# ---------------------------------------------------------------------------------------------
# Committees and seats
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_structure)
def committees(request, standing):
    today = timezone.localdate()
    items = standing.council.committees.prefetch_related(
        Prefetch(
            "seats",
            queryset=Seat.objects.current(today).select_related("user").order_by("position"),
            to_attr="current_seats",
        )
    ).order_by("kind", "name", "pk")
    page = page_of(request, items)
    return render(
        request,
        "council/committees.html",
        {"standing": standing, "committees": page.object_list, "page": page},
    )


@council_page(policy.can_manage_structure)
def committee_new(request, standing):
    return _committee_form(request, standing, Committee(council=standing.council))


@council_page(policy.can_manage_structure)
def committee_edit(request, standing, pk):
    return _committee_form(request, standing, policy.get_in_council(standing, Committee, pk))


def _committee_form(request, standing, committee):
    form = forms.CommitteeForm(posted(request), instance=committee, council=standing.council)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.committee_save(committee=form.instance, acting_user=request.user)
        )
        if saved:
            messages.success(request, f"{saved} is saved.")
            return redirect("council:committee_detail", standing.council.slug, saved.pk)
    title = f"Change {committee}" if committee.pk else "Add a committee"
    return form_page(
        request,
        standing,
        form,
        title=title,
        submit="Save committee",
        back=reverse("council:committees", args=[standing.council.slug]),
    )


@council_page(policy.can_view_structure)
def committee_detail(request, standing, pk):
    committee = policy.get_in_council(standing, Committee, pk, select_related=["parent"])
    seats = committee.seats.select_related("user").order_by("-starts_on")[:MAX_LIST]
    return render(
        request,
        "council/committee_detail.html",
        {
            "standing": standing,
            "committee": committee,
            "seats": seats,
            "today": timezone.localdate(),
        },
    )


@council_page(policy.can_manage_structure)
def seat_add(request, standing, pk):
    committee = policy.get_in_council(standing, Committee, pk)
    form = forms.SeatForm(posted(request), council=standing.council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.seat_create(
                committee=committee,
                user=data["user"],
                position=data["position"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            ),
        ):
            messages.success(request, f"{data['user']} now has a seat on {committee}.")
            return redirect("council:committee_detail", standing.council.slug, committee.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Add a seat on {committee}",
        submit="Add seat",
        back=reverse("council:committee_detail", args=[standing.council.slug, committee.pk]),
    )


@council_page(policy.can_manage_structure)
def seat_end(request, standing, pk):
    seat = policy.get_in_council(standing, Seat, pk, select_related=["user", "committee"])
    form = forms.EndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.seat_end(
                seat=seat, ends_on=form.cleaned_data["ends_on"], acting_user=request.user
            ),
        ):
            messages.success(request, f"{seat.user}'s seat on {seat.committee} is ended.")
            return redirect("council:committee_detail", standing.council.slug, seat.committee_id)
    return form_page(
        request,
        standing,
        form,
        title=f"End {seat.user}'s seat on {seat.committee}",
        submit="End seat",
        back=reverse("council:committee_detail", args=[standing.council.slug, seat.committee_id]),
    )


# ---------------------------------------------------------------------------------------------
# Political groups
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_structure)
def groups(request, standing):
    today = timezone.localdate()
    items = standing.council.political_groups.prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.current(today).select_related("user"),
            to_attr="current_memberships",
        )
    ).order_by("name", "pk")
    page = page_of(request, items)
    return render(
        request,
        "council/groups.html",
        {"standing": standing, "groups": page.object_list, "page": page},
    )


@council_page(policy.can_manage_structure)
def group_new(request, standing):
    return _group_form(request, standing, PoliticalGroup(council=standing.council))


@council_page(policy.can_manage_structure)
def group_edit(request, standing, pk):
    return _group_form(request, standing, policy.get_in_council(standing, PoliticalGroup, pk))


def _group_form(request, standing, group):
    form = forms.GroupForm(posted(request), instance=group, council=standing.council)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.group_save(group=form.instance, acting_user=request.user)
        )
        if saved:
            messages.success(request, f"{saved} is saved.")
            return redirect("council:group_detail", standing.council.slug, saved.pk)
    title = f"Rename {group}" if group.pk else "Add a political group"
    return form_page(
        request,
        standing,
        form,
        title=title,
        submit="Save group",
        back=reverse("council:groups", args=[standing.council.slug]),
    )


@council_page(policy.can_view_structure)
def group_detail(request, standing, pk):
    group = policy.get_in_council(standing, PoliticalGroup, pk)
    memberships = group.memberships.select_related("user").order_by("-starts_on")[:MAX_LIST]
    return render(
        request,
        "council/group_detail.html",
        {
            "standing": standing,
            "group": group,
            "memberships": memberships,
            "today": timezone.localdate(),
        },
    )


@council_page(policy.can_manage_structure)
def membership_add(request, standing, pk):
    group = policy.get_in_council(standing, PoliticalGroup, pk)
    form = forms.MembershipForm(posted(request), council=standing.council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.membership_create(
                group=group,
                user=data["user"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            ),
        ):
            messages.success(request, f"{data['user']} is now in {group}.")
            return redirect("council:group_detail", standing.council.slug, group.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Add a member to {group}",
        submit="Add member",
        back=reverse("council:group_detail", args=[standing.council.slug, group.pk]),
    )


@council_page(policy.can_manage_structure)
def membership_end(request, standing, pk):
    membership = policy.get_in_council(
        standing, GroupMembership, pk, select_related=["user", "group"]
    )
    form = forms.EndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.membership_end(
                membership=membership,
                ends_on=form.cleaned_data["ends_on"],
                acting_user=request.user,
            ),
        ):
            messages.success(
                request, f"{membership.user}'s membership of {membership.group} is ended."
            )
            return redirect("council:group_detail", standing.council.slug, membership.group_id)
    return form_page(
        request,
        standing,
        form,
        title=f"End {membership.user}'s membership of {membership.group}",
        submit="End membership",
        back=reverse("council:group_detail", args=[standing.council.slug, membership.group_id]),
    )


# ---------------------------------------------------------------------------------------------
# The document register
# ---------------------------------------------------------------------------------------------


@council_page(policy.can_view_register)
def documents(request, standing):
    page = page_of(
        request,
        Document.objects.for_council(standing.council)
        .select_related("committee")
        .order_by("-updated_at", "-id"),
    )
    return render(
        request,
        "council/documents.html",
        {"standing": standing, "documents": page.object_list, "page": page},
    )


@council_page(policy.can_manage_documents)
def document_new(request, standing):
    form = forms.DocumentForm(*posted(request, files=True), council=standing.council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = run_service(
            form,
            lambda: services.document_create(
                council=standing.council,
                title=data["title"],
                description=data["description"],
                classification=data["classification"],
                committee=data["committee"],
                file=data["file"],
                acting_user=request.user,
            ),
        )
        if document:
            messages.success(request, f"{document} is added to the register.")
            return redirect("council:document_detail", standing.council.slug, document.pk)
    return form_page(
        request,
        standing,
        form,
        title="Add a document",
        submit="Upload document",
        back=reverse("council:documents", args=[standing.council.slug]),
        multipart=True,
    )


@council_page(policy.can_view_register)
def document_detail(request, standing, pk):
    document = policy.get_in_council(
        standing, Document, pk, select_related=["committee", "uploaded_by"]
    )
    return render(
        request,
        "council/document_detail.html",
        {
            "standing": standing,
            "document": document,
            "can_download": policy.can_download_document(standing, document),
        },
    )


@council_page(policy.can_manage_documents)
def document_edit(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    form = forms.DocumentEditForm(posted(request), instance=document, council=standing.council)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.document_update(document=form.instance, acting_user=request.user)
        ):
            messages.success(request, f"{document} is saved.")
            return redirect("council:document_detail", standing.council.slug, document.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Change {document}",
        submit="Save changes",
        back=reverse("council:document_detail", args=[standing.council.slug, pk]),
    )


@council_page(policy.can_manage_documents)
def document_replace(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    form = forms.DocumentReplaceForm(*posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: services.document_replace_file(
                document=document, file=form.cleaned_data["file"], acting_user=request.user
            ),
        ):
            messages.success(request, f"The file of {document} is replaced.")
            return redirect("council:document_detail", standing.council.slug, document.pk)
    return form_page(
        request,
        standing,
        form,
        title=f"Replace the file of {document}",
        submit="Upload new file",
        multipart=True,
        back=reverse("council:document_detail", args=[standing.council.slug, pk]),
        intro="The old file stays in the document's history.",
    )


@council_page(policy.can_view_register)
def document_download(request, standing, pk):
    document = policy.get_in_council(standing, Document, pk)
    if not policy.can_download_document(standing, document):
        raise PermissionDenied
    services.document_open(standing=standing, document=document)
    return stream_document(document)


def stream_document(document: Document) -> FileResponse:
    """A document's file, streamed as a download that no shared cache keeps. Callers check the
    policy first: there is no public URL for any file."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# History (R27)
# ---------------------------------------------------------------------------------------------

HISTORY_KINDS = {
    "role": Role,
    "committee": Committee,
    "seat": Seat,
    "group": PoliticalGroup,
    "membership": GroupMembership,
    "document": Document,
}


@council_page(policy.can_view_council_home)
def history(request, standing, kind, pk):
    if kind == "council":
        obj = standing.council if standing.council.pk == pk else None
    elif kind == "person":
        obj = policy.get_person_for_user(standing, pk)
    elif kind in HISTORY_KINDS:
        obj = policy.get_in_council(standing, HISTORY_KINDS[kind], pk)
    else:
        obj = None
    if obj is None:
        from django.http import Http404

        raise Http404("No such record.")
    if not policy.can_view_history(standing, obj):
        raise PermissionDenied
    return render(
        request,
        "council/history.html",
        {"standing": standing, "object": obj, "entries": timeline(obj)},
    )
