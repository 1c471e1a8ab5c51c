"""DESIGN §4 rules R1–R4: roles, their dates, and who the work goes to."""

import typing
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from council import policy, services
from council.models import Document, Notification, Role, Seat


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def home_url(cast) -> str:
    return reverse("council:home", args=[cast.council.slug])


# ---------------------------------------------------------------------------------------------
# R1: councillor rights end with the term of office; officer rights with the appointment.
# ---------------------------------------------------------------------------------------------


def test_r1_councillor_rights_last_to_the_final_day_of_the_term(cast):
    last_day = cast.councillor2.roles.get().ends_on
    with time_machine.travel(last_day, tick=False):
        assert signed_in(cast.councillor2).get(home_url(cast)).status_code == 200


def test_r1_councillor_rights_end_the_day_after_the_term(cast):
    last_day = cast.councillor2.roles.get().ends_on
    with time_machine.travel(last_day + timedelta(days=1), tick=False):
        client = signed_in(cast.councillor2)
        assert client.get(home_url(cast)).status_code == 404
        assert client.get(reverse("council:documents", args=[cast.council.slug])).status_code == 404
        # The person is told plainly, on their own home page, that the role has ended.
        response = client.get(reverse("home"))
        assert b"You have no current role" in response.content


def test_r1_an_ended_term_ends_access_for_a_session_already_signed_in(cast):
    client = signed_in(cast.councillor2)
    assert client.get(home_url(cast)).status_code == 200
    services.role_change_dates(
        role=cast.councillor2.roles.get(),
        starts_on=cast.councillor2.roles.get().starts_on,
        ends_on=timezone.localdate() - timedelta(days=1),
        acting_user=cast.clerk,
    )
    # Checked on every request: the same session is refused at once.
    assert client.get(home_url(cast)).status_code == 404


def test_r1_officer_rights_end_with_the_appointment(cast):
    role = cast.rfo.roles.get()
    services.role_change_dates(
        role=role,
        starts_on=role.starts_on,
        ends_on=timezone.localdate() - timedelta(days=1),
        acting_user=cast.clerk,
    )
    standing = policy.standing_for(cast.rfo, cast.council)
    assert not standing.is_officer
    assert not policy.can_download_document(standing, cast.committee_document)
    assert signed_in(cast.rfo).get(home_url(cast)).status_code == 404


def test_r1_a_role_that_has_not_started_gives_no_rights_yet(cast):
    role = cast.rfo.roles.get()
    services.role_change_dates(
        role=role,
        starts_on=timezone.localdate() + timedelta(days=3),
        ends_on=None,
        acting_user=cast.clerk,
    )
    assert signed_in(cast.rfo).get(home_url(cast)).status_code == 404


def test_r1_person_and_clerk_are_told_30_days_before_a_term_ends(cast):
    # councillor2's term ends in 20 days (demo data); everyone else's is further off or ended.
    created = services.roles_warn_ending()
    notices = Notification.objects.filter(kind__startswith="role_ending")
    assert created == 2
    assert {(n.user, n.kind) for n in notices} == {
        (cast.councillor2, "role_ending"),
        (cast.clerk, "role_ending_clerk"),
    }
    assert "ends on" in notices.get(kind="role_ending").subject


def test_r1_ending_warnings_are_sent_once_however_often_the_task_runs(cast):
    services.roles_warn_ending()
    assert services.roles_warn_ending() == 0
    assert services.roles_warn_ending(today=timezone.localdate() + timedelta(days=1)) == 0
    assert Notification.objects.filter(kind__startswith="role_ending").count() == 2


def test_r1_no_warning_for_a_term_ending_more_than_30_days_ahead(cast):
    role = cast.councillor2.roles.get()
    services.role_change_dates(
        role=role,
        starts_on=role.starts_on,
        ends_on=timezone.localdate() + timedelta(days=31),
        acting_user=cast.clerk,
    )
    assert services.roles_warn_ending() == 0


# ---------------------------------------------------------------------------------------------
# R2: all councillors have the same rights whatever their party or status.
# ---------------------------------------------------------------------------------------------


def rights_of(standing, objects) -> dict[str, object]:
    """Every policy predicate's answer for one standing, over a set of objects."""
    answers = {}
    for name in dir(policy):
        if not name.startswith("can_"):
            continue
        predicate = getattr(policy, name)
        if predicate.__code__.co_argcount == 1:
            answers[name] = predicate(standing)
        else:
            # Each predicate is asked about the objects of the type it takes.
            wanted = typing.get_type_hints(predicate).get(predicate.__code__.co_varnames[1], object)
            answers[name] = tuple(predicate(standing, o) for o in objects if isinstance(o, wanted))
    return answers


def test_r2_all_councillors_have_the_same_rights_whatever_their_group_or_status(cast):
    objects = [
        cast.public_document,
        cast.committee_document,
        cast.personal_document,
        cast.confidential_document,
        cast.council,
        cast.planning,
        cast.councillor.roles.get(),
    ]
    # Oak Party, Independents, the chair, the vice-chair, a committee chair, no group at all.
    councillors = [
        cast.councillor,
        cast.councillor2,
        cast.chair,
        cast.vice_chair,
        cast.personnel,
    ]
    fingerprints = {
        c.name: rights_of(policy.standing_for(c, cast.council), objects) for c in councillors
    }
    # The chair's and vice-chair's only extras are duties DESIGN §4 names: taking concerns about
    # the Proper Officer or between councillors (R17), hence a queue of concerns to handle, and
    # seeing overdue and escalated matters (R23). A seat on the personnel committee brings its
    # hearings (R20): a committee's work, not a group's.
    duties = {
        "can_view_concern_queue": {cast.chair.name, cast.vice_chair.name},
        "can_view_escalations": {cast.chair.name, cast.vice_chair.name},
        "can_view_hearings": {
            seat.user.name for seat in cast.personnel_committee.seats.select_related("user")
        },
        # R13: the chair, a committee chair or a spokesperson drafts press releases.
        "can_draft_press_release": {
            seat.user.name
            for seat in Seat.objects.current()
            .filter(committee__council=cast.council, position=Seat.Position.CHAIR)
            .select_related("user")
        },
    }
    for name, rights in fingerprints.items():
        for duty, holders in duties.items():
            assert rights.pop(duty) is (name in holders), (name, duty)
    first = fingerprints[cast.councillor.name]
    assert all(f == first for f in fingerprints.values()), fingerprints
    # And those rights are real: a councillor may open a public document but not the rest.
    assert first["can_download_document"] == (True, False, False, False)


# ---------------------------------------------------------------------------------------------
# R3: requests and instructions go to the Proper Officer; councillors cannot assign work.
# ---------------------------------------------------------------------------------------------


def test_r3_work_goes_to_the_proper_officer(cast):
    assert policy.proper_officer_for(cast.council) == cast.clerk
    assert policy.can_assign_work(policy.standing_for(cast.clerk, cast.council))


@pytest.mark.parametrize("name", ["chair", "councillor", "rfo", "officer"])
def test_r3_nobody_but_the_proper_officer_assigns_work_to_staff(cast, name):
    standing = policy.standing_for(cast.by_name(name), cast.council)
    assert standing.is_member
    assert not policy.can_assign_work(standing)


def test_r3_a_council_without_a_proper_officer_has_nobody_to_route_work_to(cast):
    role = cast.clerk.roles.get(council=cast.council)
    services.role_change_dates(
        role=role,
        starts_on=role.starts_on,
        ends_on=timezone.localdate() - timedelta(days=1),
        acting_user=cast.clerk,
    )
    assert policy.proper_officer_for(cast.council) is None


# ---------------------------------------------------------------------------------------------
# R4: a councillor acting as Proper Officer is shown as such, only between the acting dates.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def acting(cast):
    """The clerk leaves at the end of today; the vice-chair covers for 30 days from tomorrow."""
    today = timezone.localdate()
    role = cast.clerk.roles.get(council=cast.council)
    services.role_change_dates(
        role=role, starts_on=role.starts_on, ends_on=today, acting_user=cast.clerk
    )
    return services.role_create(
        council=cast.council,
        user=cast.vice_chair,
        kind=Role.Kind.PROPER_OFFICER,
        acting=True,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=30),
        acting_user=cast.clerk,
    )


def test_r4_acting_proper_officer_acts_only_between_the_acting_dates(cast, acting):
    def standing_on(day):
        return policy.standing_for(cast.vice_chair, cast.council, on=day)

    assert not standing_on(acting.starts_on - timedelta(days=1)).is_proper_officer
    assert standing_on(acting.starts_on).is_proper_officer
    assert standing_on(acting.ends_on).is_proper_officer
    assert not standing_on(acting.ends_on + timedelta(days=1)).is_proper_officer
    # Still a councillor throughout.
    assert standing_on(acting.ends_on + timedelta(days=1)).is_councillor
    assert policy.proper_officer_for(cast.council, on=acting.starts_on) == cast.vice_chair


def test_r4_acting_proper_officer_is_shown_as_acting_on_their_pages(cast, acting):
    with time_machine.travel(acting.starts_on, tick=False):
        # With the acting role come the Proper Officer's duties (and its two-factor rule, which
        # the vice-chair meets already: test_two_factor_is_required_of_an_acting_proper_officer).
        client = signed_in(cast.vice_chair)
        assert b"Acting Proper Officer" in client.get(home_url(cast)).content
        assert client.get(reverse("council:people", args=[cast.council.slug])).status_code == 200
    with time_machine.travel(acting.ends_on + timedelta(days=1), tick=False):
        client = signed_in(cast.vice_chair)
        assert b"Acting Proper Officer" not in client.get(home_url(cast)).content
        assert client.get(reverse("council:people", args=[cast.council.slug])).status_code == 403


def test_r4_an_acting_appointment_must_have_an_end_date(cast):
    with pytest.raises(ValidationError, match="acting appointment needs an end date"):
        services.role_create(
            council=cast.council,
            user=cast.councillor,
            kind=Role.Kind.PROPER_OFFICER,
            acting=True,
            starts_on=timezone.localdate(),
            ends_on=None,
            acting_user=cast.clerk,
        )


def test_r4_an_acting_proper_officer_cannot_overlap_the_proper_officer(cast):
    before = Role.history.count()
    with pytest.raises(ValidationError, match="already the Proper Officer"):
        services.role_create(
            council=cast.council,
            user=cast.councillor,
            kind=Role.Kind.PROPER_OFFICER,
            acting=True,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=10),
            acting_user=cast.clerk,
        )
    assert Role.history.count() == before


# ---------------------------------------------------------------------------------------------
# Two-factor authentication (issue 8): the Proper Officer, the officers, the chairs and vice-chairs
# and the personnel committee. Each kind of person below holds only what makes them one.
# ---------------------------------------------------------------------------------------------


def _seated(cast, committee, position: str):
    """councillor2, a plain councillor, given one seat today."""
    services.seat_create(
        committee=committee,
        user=cast.councillor2,
        position=position,
        starts_on=timezone.localdate(),
        acting_user=cast.clerk,
    )
    return cast.councillor2, cast.council


def _new_committee(cast, kind="committee"):
    from council.models import Committee

    return services.committee_save(
        committee=Committee(council=cast.council, name="Allotments committee", kind=kind),
        acting_user=cast.clerk,
    )


def _chair_of_cwm_dulais(cast, position: str):
    # Cwm Dulais's full council has no chair yet: a seat in another council counts as well.
    services.seat_create(
        committee=cast.other.committees.get(),
        user=cast.other_council,
        position=position,
        starts_on=timezone.localdate(),
        acting_user=cast.clerk,
    )
    return cast.other_council, cast.other


TWO_FACTOR_PEOPLE = {
    "the Proper Officer": lambda cast: (cast.clerk, cast.council),
    "the Responsible Financial Officer": lambda cast: (cast.rfo, cast.council),
    "an officer": lambda cast: (cast.officer, cast.council),
    "the chair of the council": lambda cast: _chair_of_cwm_dulais(cast, "chair"),
    "the vice-chair of the council": lambda cast: _chair_of_cwm_dulais(cast, "vice_chair"),
    "a committee chair": lambda cast: _seated(cast, _new_committee(cast), "chair"),
    "a committee vice-chair": lambda cast: _seated(cast, _new_committee(cast), "vice_chair"),
    "a member of the personnel committee": lambda cast: _seated(
        cast, cast.personnel_committee, "member"
    ),
    "a member of a second personnel committee": lambda cast: _seated(
        cast, _new_committee(cast, kind="personnel"), "member"
    ),
}


@pytest.mark.parametrize("who", TWO_FACTOR_PEOPLE)
def test_two_factor_is_required_of_officers_chairs_and_the_personnel_committee(cast, who):
    from allauth.mfa.models import Authenticator

    person, council = TWO_FACTOR_PEOPLE[who](cast)
    Authenticator.objects.filter(user=person).delete()
    council_home = reverse("council:home", args=[council.slug])
    assert policy.must_use_two_factor(person)
    # Without an authenticator: sent to set one up, from every page but the set-up pages.
    client = signed_in(person)
    for url in (council_home, reverse("notifications"), reverse("home")):
        assert client.get(url)["Location"] == reverse("two_factor_required"), url
    assert client.get(reverse("two_factor_required")).status_code == 200
    # With one: let in.
    TOTP.activate(person, "JBSWY3DPEHPK3PXP")
    assert signed_in(person).get(council_home).status_code == 200


def test_two_factor_is_required_of_an_acting_proper_officer_between_their_dates(cast):
    today = timezone.localdate()
    clerks = cast.clerk.roles.get(council=cast.council)
    services.role_change_dates(
        role=clerks, starts_on=clerks.starts_on, ends_on=today, acting_user=cast.clerk
    )
    acting = services.role_create(
        council=cast.council,
        user=cast.councillor2,
        kind=Role.Kind.PROPER_OFFICER,
        acting=True,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=10),
        acting_user=cast.clerk,
    )
    assert not policy.must_use_two_factor(cast.councillor2)
    with time_machine.travel(acting.starts_on, tick=False):
        assert policy.must_use_two_factor(cast.councillor2)
        response = signed_in(cast.councillor2).get(home_url(cast))
        assert response["Location"] == reverse("two_factor_required")
    with time_machine.travel(acting.ends_on + timedelta(days=1), tick=False):
        assert not policy.must_use_two_factor(cast.councillor2)


def test_two_factor_is_not_asked_of_a_councillor_who_chairs_nothing(cast):
    # councillor2 sits on full council; the planning seat ended yesterday. A plain member's seat
    # on another committee asks for nothing either.
    services.seat_create(
        committee=_new_committee(cast),
        user=cast.councillor2,
        position="member",
        starts_on=timezone.localdate(),
        acting_user=cast.clerk,
    )
    assert not cast.councillor2.authenticator_set.exists()
    assert not policy.must_use_two_factor(cast.councillor2)
    client = signed_in(cast.councillor2)
    assert client.get(home_url(cast)).status_code == 200
    assert client.get(reverse("notifications")).status_code == 200


def test_two_factor_ends_with_the_seat_that_asked_for_it(cast):
    # R1: the personnel committee's seat ends yesterday; nothing else of theirs asks for it.
    seat = services.seat_create(
        committee=cast.personnel_committee,
        user=cast.councillor2,
        position="member",
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=timezone.localdate() - timedelta(days=1),
        acting_user=cast.clerk,
    )
    assert seat.pk
    assert not policy.must_use_two_factor(cast.councillor2)
    assert signed_in(cast.councillor2).get(home_url(cast)).status_code == 200


def test_the_two_factor_check_costs_a_council_page_no_query_of_its_own(
    cast, django_assert_num_queries
):
    from tests.query_counts import COUNCIL_PAGE, PAGE_OF

    # councillor2 has no authenticator, so the check reads their seats: the same query, run
    # once, that the standing reads; the councillor has one, and the check stops at the roles.
    assert cast.councillor.authenticator_set.exists()
    assert not cast.councillor2.authenticator_set.exists()
    url = reverse("council:committees", args=[cast.council.slug])
    for person in (cast.councillor, cast.councillor2):
        client = signed_in(person)
        # + the list's total and ids, the committees, their seats
        with django_assert_num_queries(COUNCIL_PAGE + PAGE_OF + 2):
            assert client.get(url).status_code == 200


def test_a_proper_officer_without_two_factor_is_sent_to_set_it_up(cast):
    from allauth.mfa.models import Authenticator

    client = signed_in(cast.clerk)
    assert client.get(home_url(cast)).status_code == 200
    Authenticator.objects.filter(user=cast.clerk).delete()
    response = client.get(reverse("council:people", args=[cast.council.slug]))
    assert response["Location"] == reverse("two_factor_required")
    # The set-up pages themselves stay open, or they could never set it up (allauth first asks
    # for the password again, as it does before any change to two-factor settings).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def test_document_classification_choices_are_the_four_in_the_design():
    assert set(Document.Classification.values) == {
        "public",
        "committee",
        "confidential",
        "personal_data",
    }
