"""People and their roles in a council: the list, inviting someone, a person's page, their roles
and the dates of each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import forms, policy, services
from ..models import GroupMembership, Role, Seat
from ..shortcuts import council_page, form_action, list_page, posted


@council_page(policy.can_manage_people)
def people(request, standing):
    today = timezone.localdate()
    return list_page(
        request,
        standing,
        Role.objects.filter(council=standing.council)
        .select_related("user")
        .order_by("user__name", "kind", "-starts_on", "pk"),
        "council/people.html",
        name="roles",
        context={"today": today},
    )


@council_page(policy.can_manage_people)
def person_invite(request, standing):
    return form_action(
        request,
        standing,
        forms.InviteForm(posted(request)),
        lambda data: services.person_invite(
            council=standing.council,
            email=data["email"],
            name=data["name"],
            kind=data["kind"],
            acting=data["acting"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done=lambda role: (
            f"{role.user} is added as {role.title}. "
            "If they are new here, we have emailed them an invitation."
        ),
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
    return form_action(
        request,
        standing,
        forms.RoleForm(posted(request)),
        lambda data: services.role_create(
            council=standing.council,
            user=person,
            kind=data["kind"],
            acting=data["acting"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done=lambda role: f"{person} is now {role.title}.",
        title=f"Add a role for {person}",
        submit="Add role",
        back=reverse("council:person_detail", args=[standing.council.slug, person.pk]),
    )


@council_page(policy.can_manage_people)
def role_edit(request, standing, role_id):
    role = policy.get_in_council(standing, Role, role_id, select_related=["user"])
    return form_action(
        request,
        standing,
        forms.RoleDatesForm(
            posted(request), initial={"starts_on": role.starts_on, "ends_on": role.ends_on}
        ),
        lambda data: services.role_change_dates(
            role=role,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done=f"The dates of {role.user}'s role are saved.",
        title=f"Change the dates: {role.user}, {role.title}",
        submit="Save dates",
        back=reverse("council:person_detail", args=[standing.council.slug, role.user_id]),
        intro="Their access follows these dates: it ends by itself after the last day.",
    )


# ---------------------------------------------------------------------------------------------
