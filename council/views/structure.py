"""The council's structure: committees and their dated seats, political groups and their dated
memberships."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .. import forms, policy, services
from ..models import Committee, GroupMembership, PoliticalGroup, Seat
from ..shortcuts import MAX_LIST, council_page, form_action, list_page, posted


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
    return list_page(request, standing, items, "council/committees.html", name="committees")


@council_page(policy.can_manage_structure)
def committee_new(request, standing):
    return _committee_form(request, standing, Committee(council=standing.council))


@council_page(policy.can_manage_structure)
def committee_edit(request, standing, pk):
    return _committee_form(request, standing, policy.get_in_council(standing, Committee, pk))


def _committee_form(request, standing, committee):
    form = forms.CommitteeForm(posted(request), instance=committee, council=standing.council)
    return form_action(
        request,
        standing,
        form,
        lambda data: services.committee_save(committee=form.instance, acting_user=request.user),
        done=lambda saved: f"{saved} is saved.",
        title=f"Change {committee}" if committee.pk else "Add a committee",
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
    return form_action(
        request,
        standing,
        forms.SeatForm(posted(request), council=standing.council),
        lambda data: services.seat_create(
            committee=committee,
            user=data["user"],
            position=data["position"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done=lambda seat: f"{seat.user} now has a seat on {committee}.",
        next_url=reverse("council:committee_detail", args=[standing.council.slug, committee.pk]),
        title=f"Add a seat on {committee}",
        submit="Add seat",
    )


@council_page(policy.can_manage_structure)
def seat_end(request, standing, pk):
    seat = policy.get_in_council(standing, Seat, pk, select_related=["user", "committee"])
    return form_action(
        request,
        standing,
        forms.EndForm(posted(request)),
        lambda data: services.seat_end(
            seat=seat, ends_on=data["ends_on"], acting_user=request.user
        ),
        done=f"{seat.user}'s seat on {seat.committee} is ended.",
        next_url=reverse(
            "council:committee_detail", args=[standing.council.slug, seat.committee_id]
        ),
        title=f"End {seat.user}'s seat on {seat.committee}",
        submit="End seat",
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
    return list_page(request, standing, items, "council/groups.html", name="groups")


@council_page(policy.can_manage_structure)
def group_new(request, standing):
    return _group_form(request, standing, PoliticalGroup(council=standing.council))


@council_page(policy.can_manage_structure)
def group_edit(request, standing, pk):
    return _group_form(request, standing, policy.get_in_council(standing, PoliticalGroup, pk))


def _group_form(request, standing, group):
    form = forms.GroupForm(posted(request), instance=group, council=standing.council)
    return form_action(
        request,
        standing,
        form,
        lambda data: services.group_save(group=form.instance, acting_user=request.user),
        done=lambda saved: f"{saved} is saved.",
        title=f"Rename {group}" if group.pk else "Add a political group",
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
    return form_action(
        request,
        standing,
        forms.MembershipForm(posted(request), council=standing.council),
        lambda data: services.membership_create(
            group=group,
            user=data["user"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            acting_user=request.user,
        ),
        done=lambda membership: f"{membership.user} is now in {group}.",
        next_url=reverse("council:group_detail", args=[standing.council.slug, group.pk]),
        title=f"Add a member to {group}",
        submit="Add member",
    )


@council_page(policy.can_manage_structure)
def membership_end(request, standing, pk):
    membership = policy.get_in_council(
        standing, GroupMembership, pk, select_related=["user", "group"]
    )
    return form_action(
        request,
        standing,
        forms.EndForm(posted(request)),
        lambda data: services.membership_end(
            membership=membership, ends_on=data["ends_on"], acting_user=request.user
        ),
        done=f"{membership.user}'s membership of {membership.group} is ended.",
        next_url=reverse("council:group_detail", args=[standing.council.slug, membership.group_id]),
        title=f"End {membership.user}'s membership of {membership.group}",
        submit="End membership",
    )
