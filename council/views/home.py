"""A council's home page and its settings (its details, and how long it keeps personal records)."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .. import forms, panels, policy, services
from ..models import RetentionPolicy, Role
from ..shortcuts import council_page, form_action, posted


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
    return form_action(
        request,
        standing,
        form,
        lambda data: services.council_update(council=form.instance, acting_user=request.user),
        done="The council's details are saved.",
        title="Council details",
        submit="Save details",
        back=reverse("council:home", args=[council.slug]),
    )


@council_page(policy.can_edit_council_settings)
def retention_settings(request, standing):
    """UK GDPR storage limitation: how long the council keeps each kind of personal record."""
    policy_row = RetentionPolicy.for_council(standing.council)
    form = forms.RetentionPolicyForm(posted(request), instance=policy_row)
    return form_action(
        request,
        standing,
        form,
        lambda data: services.retention_policy_save(policy=form.instance, acting_user=request.user),
        done="The retention periods are saved.",
        # The periods have no page of their own: saved, they lead (as "Back" does) to the home page.
        next_url=reverse("council:home", args=[standing.council.slug]),
        title="How long personal records are kept",
        submit="Save retention periods",
        intro="Each night the portal deletes records older than these periods, with their "
        "history. The protocol is kept for ever, the audit log is never changed, and the "
        "council's documents are its records, so none of them is deleted here.",
    )
