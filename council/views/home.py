"""A council's home page and its settings (its details, and how long it keeps personal records)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .. import forms, panels, policy, services
from ..models import RetentionPolicy, Role
from ..shortcuts import council_page, form_page, posted, run_service


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
