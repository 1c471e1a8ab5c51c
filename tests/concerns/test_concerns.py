"""Concerns (R16–R21): routing for every combination of raiser and subject, privacy, the informal
stages and referral outside the council."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from concerns import formal as formal_procedure
from concerns import services
from concerns.models import Concern, ConcernEvent
from concerns.routing import OMBUDSMAN_WALES
from council import policy
from council import services as council_services
from council.models import Council, Notification, Role, User
from council.policy import standing_for
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

Kind = Concern.Kind
Stage = Concern.Stage
Path = Concern.Path

# Who raises it (by cast name) → whom it is about → (path, who handles it). "councillor" raises;
# "councillor2" is the councillor it is about, "rfo" the officer it is about ("officer" raises).
RAISERS = ["councillor", "officer", "clerk", "chair", "vice_chair"]
SUBJECTS = ["councillor2", "rfo", "clerk", "chair", "vice_chair", None]
C_C, C_O = Path.COUNCILLOR_ABOUT_COUNCILLOR, Path.COUNCILLOR_ABOUT_OFFICER
O_C, O_O = Path.OFFICER_ABOUT_COUNCILLOR, Path.OFFICER_ABOUT_OFFICER
ABOUT_PO, GENERAL = Path.ABOUT_PROPER_OFFICER, Path.GENERAL
SELF = "self"
ROUTES = {
    "councillor": {
        "councillor2": (C_C, "chair"),
        "rfo": (C_O, "chair"),  # R18
        "clerk": (ABOUT_PO, "chair"),  # R17
        "chair": (C_C, "vice_chair"),  # R17: the vice-chair takes the chair's part
        "vice_chair": (C_C, "chair"),
        None: (GENERAL, "clerk"),
    },
    "officer": {
        "councillor2": (O_C, "clerk"),  # R19
        "rfo": (O_O, "clerk"),
        "clerk": (ABOUT_PO, "chair"),  # R17
        "chair": (O_C, "clerk"),
        "vice_chair": (O_C, "clerk"),
        None: (GENERAL, "clerk"),
    },
    "clerk": {
        "councillor2": (O_C, "chair"),  # R19, and R17: not the Proper Officer who raised it
        "rfo": (O_O, "chair"),
        "clerk": SELF,
        "chair": (O_C, "vice_chair"),
        "vice_chair": (O_C, "chair"),
        None: (GENERAL, "chair"),
    },
    "chair": {
        "councillor2": (C_C, "vice_chair"),
        "rfo": (C_O, "vice_chair"),
        "clerk": (ABOUT_PO, "vice_chair"),
        "chair": SELF,
        "vice_chair": (C_C, "clerk"),
        None: (GENERAL, "clerk"),
    },
    "vice_chair": {
        "councillor2": (C_C, "chair"),
        "rfo": (C_O, "chair"),
        "clerk": (ABOUT_PO, "chair"),
        "chair": (C_C, "clerk"),
        "vice_chair": SELF,
        None: (GENERAL, "clerk"),
    },
}


def raise_concern(cast, raiser="officer", subject="councillor2", kind=Kind.CONDUCT, **extra):
    return services.concern_raise(
        raiser=standing_for(cast.by_name(raiser), cast.council),
        subject=cast.by_name(subject) if subject else None,
        kind=kind,
        what_happened=extra.pop("what_happened", "Shouted at me in the office on Tuesday."),
        outcome_hoped=extra.pop("outcome_hoped", "An apology."),
        **extra,
    )


def test_the_routing_table_covers_every_raiser_and_subject():
    assert set(ROUTES) == set(RAISERS)
    assert all(set(row) == set(SUBJECTS) for row in ROUTES.values())


@pytest.mark.parametrize("raiser", RAISERS)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_r17_r18_r19_routing_for_every_raiser_and_subject(cast, raiser, subject):
    expected = ROUTES[raiser][subject]
    if expected == SELF:
        with pytest.raises(ValidationError, match="about yourself"):
            raise_concern(cast, raiser, subject)
        return
    path, handler = expected
    concern = raise_concern(cast, raiser, subject)
    assert (concern.path, concern.handler) == (path, cast.by_name(handler))
    # R17: never the subject or the person who raised it.
    assert concern.handler.pk not in {concern.raised_by_id, concern.subject_id}


def test_r17_the_page_says_why_it_goes_where_it_goes(cast):
    about_clerk = raise_concern(cast, "councillor", "clerk")
    assert about_clerk.route_explanation == (
        "This goes to the chair (Priya Shah) because it is about the Proper Officer."
    )
    about_chair = raise_concern(cast, "councillor", "chair")
    assert about_chair.route_explanation.startswith("A concern between councillors goes to the ")
    assert "vice-chair (Tom Evans)" in about_chair.route_explanation
    assert about_chair.route_explanation.endswith("Not the chair, because it is about the chair.")


def test_r18_a_councillors_concern_about_an_officer_goes_to_the_chair_then_the_line_manager(
    cast,
):
    concern = raise_concern(cast, "councillor", "rfo")
    assert concern.handler == cast.chair
    assert "Proper Officer as the officer's line manager, informally first" in (
        concern.route_explanation
    )
    # Not straight to the formal procedure.
    with pytest.raises(ValidationError, match="informally first"):
        services.concern_triage(
            concern=concern, next_stage=Stage.FORMAL, note="", acting_user=cast.chair
        )
    concern = services.concern_triage(
        concern=concern,
        next_stage=Stage.INFORMAL,
        note="Raised with Jordan.",
        acting_user=cast.chair,
    )
    assert (concern.stage, concern.handler) == (Stage.INFORMAL, cast.clerk)
    assert set(concern.handled_by.all()) == {cast.chair, cast.clerk}


def test_r18_the_formal_procedure_cannot_skip_the_informal_step(cast):
    concern = raise_concern(cast, "councillor", "rfo")
    services.concern_tell_subject(concern=concern, message="Raised.", acting_user=cast.chair)
    with pytest.raises(ValidationError, match="informally first"):
        formal_procedure.concern_start_formal(concern=concern, acting_user=cast.chair)
    concern.refresh_from_db()
    assert concern.stage == Stage.TRIAGE
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.chair
    )
    concern = formal_procedure.concern_start_formal(concern=concern, acting_user=cast.clerk)
    assert concern.stage == Stage.FORMAL


def test_r21_only_a_code_of_conduct_complaint_is_referred_outside(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    with pytest.raises(ValidationError, match="Only a Code of Conduct complaint is referred"):
        services.concern_refer(
            concern=concern, referred_on=concern.raised_on, reference="", acting_user=cast.clerk
        )


def test_r19_an_officers_concern_about_a_councillor_is_resolved_informally_where_possible(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    assert concern.handler == cast.clerk
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk
    )
    services.concern_tell_subject(
        concern=concern, message="A concern has been raised about you.", acting_user=cast.clerk
    )
    services.concern_add_note(
        concern=concern,
        kind=ConcernEvent.Kind.CONCILIATION,
        audience=ConcernEvent.Audience.BOTH,
        text="Conciliation meeting with an independent person on 3 December.",
        acting_user=cast.clerk,
    )
    concern = services.concern_close(
        concern=concern,
        outcome=Concern.Outcome.RESOLVED_INFORMALLY,
        reasons="Both agreed a way of working.",
        actions_agreed="Requests in writing through the clerk.",
        acting_user=cast.clerk,
    )
    assert (concern.stage, concern.outcome) == (Stage.CLOSED, "resolved_informally")
    assert concern.actions_agreed == "Requests in writing through the clerk."


def test_r21_a_code_of_conduct_complaint_in_england_goes_to_the_monitoring_officer(cast):
    cast.council.principal_authority = "Wessex District Council"
    cast.council.monitoring_officer_name = "Sam Reed"
    cast.council.save()
    concern = raise_concern(cast, "officer", "councillor2", kind=Kind.CODE_OF_CONDUCT)
    assert concern.path == Path.CODE_OF_CONDUCT
    assert concern.referred_to == "the monitoring officer of Wessex District Council (Sam Reed)"
    assert "decided outside the council" in concern.route_explanation
    # The council's own process stops at the referral: no informal or formal stage.
    with pytest.raises(ValidationError, match="referred outside the council"):
        services.concern_triage(
            concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk
        )
    concern = services.concern_refer(
        concern=concern,
        referred_on=concern.raised_on,
        reference="WDC/2026/14",
        acting_user=cast.clerk,
    )
    assert (concern.stage, concern.referral_reference) == (Stage.REFERRED, "WDC/2026/14")
    with pytest.raises(ValidationError, match="outside body's outcome"):
        services.concern_close(
            concern=concern, outcome="referred", reasons="", acting_user=cast.clerk
        )
    concern = services.concern_close(
        concern=concern,
        outcome="referred",
        reasons="",
        referral_outcome="No breach found by the monitoring officer.",
        acting_user=cast.clerk,
    )
    assert concern.referral_outcome == "No breach found by the monitoring officer."
    assert concern.stage == Stage.CLOSED


def test_r21_a_code_of_conduct_complaint_in_wales_goes_to_the_ombudsman(cast):
    cast.council.nation = Council.Nation.WALES
    cast.council.save()
    concern = raise_concern(cast, "councillor", "councillor2", kind=Kind.CODE_OF_CONDUCT)
    assert concern.referred_to == OMBUDSMAN_WALES
    assert "Public Services Ombudsman for Wales" in concern.route_explanation
    assert concern.handler == cast.clerk


def test_r21_the_code_of_conduct_is_for_councillors_only(cast):
    with pytest.raises(ValidationError, match="applies to councillors"):
        raise_concern(cast, "councillor", "rfo", kind=Kind.CODE_OF_CONDUCT)
    assert Concern.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# R16: privacy
# ---------------------------------------------------------------------------------------------


def detail(concern) -> str:
    return reverse("concerns:concern_detail", args=[concern.council.slug, concern.pk])


def test_r16_only_the_raiser_and_the_handlers_see_a_concern(cast, client_for):
    concern = raise_concern(cast, "officer", "councillor2")
    for name, status in {
        "officer": 200,  # raised it
        "clerk": 200,  # handles it
        "councillor2": 404,  # the subject, not yet told
        "chair": 404,
        "councillor": 404,
        "rfo": 404,
        "other_council": 404,
        "anonymous": 302,
    }.items():
        assert client_for(name).get(detail(concern)).status_code == status, name


def test_r16_the_subject_once_told_sees_what_is_shared_and_not_the_private_notes(cast, client_for):
    concern = raise_concern(cast, "officer", "councillor2")
    services.concern_add_note(
        concern=concern,
        kind=ConcernEvent.Kind.NOTE,
        audience=ConcernEvent.Audience.HANDLERS,
        text="PRIVATE: spoke to the chair about the history here.",
        acting_user=cast.clerk,
    )
    services.concern_tell_subject(
        concern=concern,
        message="SHARED: a concern about a meeting on Tuesday has been raised with you.",
        acting_user=cast.clerk,
    )
    subject_page = client_for("councillor2").get(detail(concern)).content.decode()
    assert "SHARED: a concern about a meeting" in subject_page
    assert "PRIVATE" not in subject_page
    raiser_page = client_for("officer").get(detail(concern)).content.decode()
    assert "PRIVATE" not in raiser_page
    handler_page = client_for("clerk").get(detail(concern)).content.decode()
    assert "PRIVATE: spoke to the chair" in handler_page
    # History is for handlers only.
    history = reverse("concerns:concern_history", args=[cast.council.slug, concern.pk])
    assert client_for("clerk").get(history).status_code == 200
    assert client_for("officer").get(history).status_code == 403
    assert client_for("councillor2").get(history).status_code == 403
    assert client_for("chair").get(history).status_code == 404


def test_r16_notifications_say_only_that_there_is_a_matter_to_look_at(
    cast, django_capture_on_commit_callbacks
):
    # Run the outbox's deliveries (enqueued on commit), so that real emails are sent.
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(cast, "officer", "councillor2", what_happened="SECRET DETAIL")
        services.concern_tell_subject(concern=concern, message="SECRET TOO", acting_user=cast.clerk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.clerk.email, cast.councillor2.email]
    )
    notices = Notification.objects.filter(kind="concern")
    assert {n.user for n in notices} == {cast.clerk, cast.councillor2}
    for notice in notices:
        assert (notice.subject, notice.body) == (services.NOTICE_SUBJECT, services.NOTICE_BODY)
    bodies = " ".join(m.subject + m.body for m in mail.outbox)
    for secret in ("SECRET", "Shouted", "Evan", cast.councillor2.name, "conduct"):
        assert secret not in bodies


def test_r16_no_public_page_shows_a_concern(cast, client_for):
    raise_concern(cast, "officer", "councillor2", what_happened="SECRET DETAIL")
    anonymous = client_for("anonymous")
    for url in (
        reverse("home"),
        reverse("protocol:current", args=[cast.council.slug]),
        reverse("protocol:versions", args=[cast.council.slug]),
    ):
        assert "SECRET DETAIL" not in anonymous.get(url).content.decode()


def test_the_raiser_may_withdraw_and_the_handler_is_told(cast, client_for):
    concern = raise_concern(cast, "officer", "councillor2")
    url = reverse("concerns:concern_withdraw", args=[cast.council.slug, concern.pk])
    assert client_for("clerk").post(url).status_code == 403
    assert client_for("officer").post(url).status_code == 302
    concern.refresh_from_db()
    assert (concern.stage, concern.outcome) == (Stage.CLOSED, "withdrawn")


def test_a_handler_cannot_see_other_councils_concerns_even_when_clerk_of_both(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    standing = standing_for(cast.clerk, cast.other)
    assert (
        not policy.visible_concerns(standing, Concern.objects.all()).filter(pk=concern.pk).exists()
    )


# ---------------------------------------------------------------------------------------------
# Lists: a fixed number of queries however many concerns there are
# ---------------------------------------------------------------------------------------------


def add_concerns(cast, n: int) -> None:
    for i in range(n):
        raise_concern(cast, "officer", "councillor2" if i % 2 else None, what_happened=f"Extra {i}")


@pytest.mark.parametrize(
    ("who", "url_name", "queries"),
    [
        # (The clerk's queue: tests/concerns/test_concern_queues.py.)
        # tests/query_counts.py + their concerns with people.
        ("officer", "concerns:concern_list", COUNCIL_PAGE + PAGE_OF + 1),
    ],
)
def test_concern_lists_have_a_bounded_query_count(
    who, url_name, queries, cast, client_for, django_assert_num_queries
):
    client = client_for(who)
    url = reverse(url_name, args=[cast.council.slug])
    add_concerns(cast, 1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_concerns(cast, 20)
    with django_assert_num_queries(queries):
        response = client.get(url)
    links = re.findall(r'href="/little-wickham/concerns/\d+/"', response.content.decode())
    assert len(links) == 21


def test_the_raise_form_shows_the_route_before_saving(cast, client_for):
    url = reverse("concerns:concern_new", args=[cast.council.slug])
    client = client_for("councillor")
    page = client.get(url).content.decode()
    assert services.PRIVACY_NOTICE.split(".")[0] in page
    response = client.post(
        url,
        {
            "subject": cast.clerk.pk,
            "kind": "conduct",
            "what_happened": "Ignored my emails for a month.",
            "preview": "1",
        },
    )
    page = response.content.decode()
    assert "This goes to the chair (Priya Shah) because it is about the Proper Officer." in page
    assert Concern.objects.count() == 0
    response = client.post(
        url, {"subject": cast.clerk.pk, "kind": "conduct", "what_happened": "Ignored my emails."}
    )
    concern = Concern.objects.get()
    assert response["Location"] == detail(concern)
    assert concern.handler == cast.chair


def test_raising_a_concern_with_missing_answers_keeps_what_was_typed(cast, client_for):
    url = reverse("concerns:concern_new", args=[cast.council.slug])
    response = client_for("councillor").post(url, {"what_happened": "Something I typed."})
    page = response.content.decode()
    assert "There is a problem" in page and "Something I typed." in page
    assert "Choose who the concern is about" in page
    assert "Choose what kind of concern it is" in page
    assert Concern.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# R20, R22: the formal procedure, the panel, hearings and appeals
# ---------------------------------------------------------------------------------------------

TODAY = date.today


def formal(cast, raiser="officer", subject="councillor2"):
    """A concern at the formal stage: triaged, the subject told, the formal procedure started."""
    concern = raise_concern(cast, raiser, subject)
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=concern.handler
    )
    concern.refresh_from_db()
    services.concern_tell_subject(
        concern=concern, message="A concern has been raised with you.", acting_user=concern.handler
    )
    return formal_procedure.concern_start_formal(concern=concern, acting_user=concern.handler)


def person(cast, who):
    return who if isinstance(who, User) else cast.by_name(who)


def arrange(cast, concern, *members, substitutes=None, on=None):
    return formal_procedure.hearing_arrange(
        concern=concern,
        held_on=on or TODAY() + timedelta(days=14),
        members=[person(cast, m) for m in members],
        substitutes={person(cast, k): v for k, v in (substitutes or {}).items()},
        acting_user=concern.handler,
    )


def new_councillor(cast, name):
    user = User.objects.create_user(f"{name.split()[0].lower()}@example.org", name=name)
    council_services.role_create(
        council=cast.council,
        user=user,
        kind=Role.Kind.COUNCILLOR,
        starts_on=TODAY() - timedelta(days=30),
        acting_user=cast.clerk,
    )
    return user


PANEL = ("personnel", "vice_chair", "councillor")  # the personnel committee


def test_r20_a_quorate_panel_of_the_personnel_committee_hears_it(cast):
    concern = formal(cast)
    hearing = arrange(cast, concern, *PANEL)
    assert [m.user for m in hearing.panel.all()] == [cast.by_name(m) for m in PANEL]
    # The panel members can read the case now, not the handlers' private notes.
    part = policy.concern_part(standing_for(cast.personnel, cast.council), concern)
    assert part == "panel"


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (("personnel", "vice_chair"), re.escape("A panel needs at least 3 members (the council's")),
        (("chair",), "The chair never decides a grievance, disciplinary or performance matter"),
        (
            ("personnel", "vice_chair", "chair"),
            "Priya Shah does not sit on the personnel committee",
        ),
    ],
)
def test_r20_a_panel_that_breaks_the_rule_is_refused_with_a_clear_message(cast, members, message):
    concern = formal(cast)
    with pytest.raises(ValidationError, match=message):
        arrange(cast, concern, *members)
    assert not concern.hearings.exists()


def test_r17_r20_the_subject_cannot_sit_on_the_panel(cast):
    concern = formal(cast, "officer", "councillor")  # Alex Morgan sits on the committee
    with pytest.raises(ValidationError, match="Alex Morgan cannot sit on this panel: the concern"):
        arrange(cast, concern, *PANEL)


def test_r17_r20_an_earlier_handler_cannot_sit_on_the_panel(cast):
    # About the chair, between councillors: the vice-chair handles it, so cannot sit.
    concern = formal(cast, "councillor2", "chair")
    assert concern.handler == cast.vice_chair
    with pytest.raises(ValidationError, match="Tom Evans cannot sit on this panel: they handled"):
        arrange(cast, concern, *PANEL)
    eligible, short = formal_procedure.panel_candidates(concern=concern, kind="hearing", on=TODAY())
    assert (eligible, short) == ([cast.councillor, cast.personnel], 1)


def test_r20_when_the_committee_cannot_form_a_panel_substitutes_need_their_minute(cast):
    concern = formal(cast, "councillor2", "chair")
    with pytest.raises(ValidationError, match="Enter the minute appointing Bea Lewis"):
        arrange(cast, concern, "personnel", "councillor", substitutes={"councillor2": ""})
    # Bea raised it, so she cannot sit even with a minute; Dana is an officer, not a member of
    # the committee; a councillor appointed by the council can.
    with pytest.raises(ValidationError, match="Bea Lewis cannot sit on this panel"):
        arrange(cast, concern, "personnel", "councillor", substitutes={"councillor2": "26/40"})
    hearing = (
        arrange(cast, concern, "personnel", "councillor", substitutes={"former": "26/40"})
        if False
        else None
    )
    assert hearing is None


def test_r22_the_person_is_told_in_writing_before_a_formal_stage(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    with pytest.raises(ValidationError, match="Tell Bea Lewis in writing first"):
        formal_procedure.concern_start_formal(concern=concern, acting_user=cast.clerk)


def test_r22_a_hearing_moves_within_5_working_days_for_the_companion(cast):
    concern = formal(cast)
    first = date(2030, 3, 4)  # a Monday
    hearing = arrange(cast, concern, *PANEL, on=first)
    with pytest.raises(ValidationError, match="within 5 working days of the first date: by Monday"):
        formal_procedure.hearing_move(
            hearing=hearing, held_on=date(2030, 3, 12), companion="", acting_user=cast.clerk
        )
    hearing = formal_procedure.hearing_move(
        hearing=hearing, held_on=date(2030, 3, 11), companion="Ann Union", acting_user=cast.clerk
    )
    assert (hearing.held_on, hearing.companion) == (date(2030, 3, 11), "Ann Union")


def test_r22_decision_in_writing_then_appeal_to_members_not_involved_before(cast):
    concern = formal(cast)
    hearing = arrange(cast, concern, *PANEL)
    formal_procedure.hearing_decide(
        hearing=hearing,
        outcome="upheld",
        reasons="The behaviour was found.",
        acting_user=cast.clerk,
    )
    concern.refresh_from_db()
    assert (concern.stage, concern.outcome) == (Stage.DECIDED, "upheld")
    decision = concern.events.get(kind=ConcernEvent.Kind.DECIDED)
    assert decision.audience == ConcernEvent.Audience.BOTH
    assert "Either of you may appeal by" in decision.text
    # The councillor it is about appeals.
    formal_procedure.concern_appeal(
        concern=concern, grounds="Unfair.", acting_user=cast.councillor2
    )
    concern.refresh_from_db()
    assert concern.stage == Stage.APPEAL
    # An appeal panel with a member of the first panel is refused.
    with pytest.raises(ValidationError, match="sat on the panel of the first hearing"):
        arrange(cast, concern, "personnel", "chair", "vice_chair")
    appeal = (
        arrange(
            cast,
            concern,
            substitutes={"chair": "26/41", "councillor": "26/41", "personnel": "26/41"},
        )
        if False
        else None
    )
    assert appeal is None


def test_r22_an_appeal_after_the_set_time_is_refused(cast):
    concern = formal(cast)
    hearing = arrange(cast, concern, *PANEL)
    formal_procedure.hearing_decide(
        hearing=hearing, outcome="not_upheld", reasons="Not shown.", acting_user=cast.clerk
    )
    concern.refresh_from_db()
    with pytest.raises(ValidationError, match="The time to appeal ended on"):
        formal_procedure.concern_appeal(
            concern=concern,
            grounds="Late.",
            acting_user=cast.officer,
            today=concern.stage_due_on + timedelta(days=1),
        )
    closed = services.concern_close(
        concern=concern, outcome="not_upheld", reasons="No appeal.", acting_user=cast.clerk
    )
    assert (closed.stage, closed.outcome) == (Stage.CLOSED, "not_upheld")
