"""R23: each stage has a due date and a reminder (once); the clerk's queue says what each matter
waits for and from whom; the chair sees overdue and escalated matters at a glance; the personnel
committee sees its hearings; the clerk sees which protocol sections concerns involve, without
names."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from concerns import formal as formal_procedure
from concerns import services
from concerns.models import Concern
from council import policy
from council.demo import DEMO_TOTP_SECRET
from council.lib.working_days import add_working_days, working_days_before
from council.models import Notification, Seat
from council.policy import standing_for
from protocol import services as protocol_services
from tests.concerns.test_concerns import arrange, formal, new_councillor, raise_concern
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

Stage = Concern.Stage
TODAY = date.today


def concern_notices(user=None):
    notices = Notification.objects.filter(kind="concern")
    return notices.filter(user=user) if user else notices


def overdue(concern, days=1):
    """The first day on which the concern's stage is overdue, plus `days - 1`."""
    return concern.stage_due_on + timedelta(days=days)


# ---------------------------------------------------------------------------------------------
# Due dates and reminders, each once
# ---------------------------------------------------------------------------------------------


def test_r23_each_stage_has_a_due_date_in_working_days(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    nation = cast.council.nation
    assert concern.stage_due_on == add_working_days(TODAY(), 5, nation).due
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk
    )
    concern.refresh_from_db()
    assert concern.stage_due_on == add_working_days(TODAY(), 20, nation).due


def test_r23_the_handler_is_reminded_two_working_days_before_the_due_date_once(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    reminder_day = working_days_before(concern.stage_due_on, 2, cast.council.nation)
    assert services.reminders_send(today=reminder_day - timedelta(days=1)) == 0
    assert services.reminders_send(today=reminder_day) == 1
    notice = concern_notices(cast.clerk).get(key__contains="due-soon")
    assert (notice.subject, notice.body) == (services.NOTICE_SUBJECT, services.NOTICE_BODY)
    # Hourly runs on the days that follow send nothing more.
    for day in range(3):
        assert services.reminders_send(today=reminder_day + timedelta(days=day)) == 0


def test_r23_an_overdue_matter_is_escalated_to_the_chair_once_without_details(cast):
    concern = raise_concern(cast, "officer", "councillor2", what_happened="SECRET DETAIL")
    late = overdue(concern)
    assert services.reminders_send(today=late) == 2  # the handler, and the chair
    chair_notice = concern_notices(cast.chair).get(key__contains="escalated")
    assert chair_notice.link == reverse("concerns:escalations", args=[cast.council.slug])
    assert concern_notices(cast.clerk).filter(key__contains="overdue").count() == 1
    for notice in concern_notices():
        assert (notice.subject, notice.body) == (services.NOTICE_SUBJECT, services.NOTICE_BODY)
    assert services.reminders_send(today=late) == 0
    assert services.reminders_send(today=late + timedelta(days=5)) == 0


def test_r23_an_overdue_matter_about_the_chair_is_escalated_to_the_vice_chair(cast):
    concern = raise_concern(cast, "officer", "chair")
    assert concern.handler == cast.clerk
    services.reminders_send(today=overdue(concern))
    assert not concern_notices(cast.chair).exists()
    assert concern_notices(cast.vice_chair).count() == 1


def test_r23_the_chair_handling_an_overdue_matter_is_told_once(cast):
    concern = raise_concern(cast, "councillor", "rfo")  # R18: the chair triages it
    assert concern.handler == cast.chair
    assert services.reminders_send(today=overdue(concern)) == 1
    assert concern_notices(cast.chair).filter(key__contains="overdue").count() == 1
    assert not concern_notices(cast.chair).filter(key__contains="escalated").exists()


def test_r23_a_new_stage_earns_its_own_reminders(cast):
    concern = raise_concern(cast, "officer", "councillor2")
    late = overdue(concern)
    services.reminders_send(today=late)
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk, today=late
    )
    concern.refresh_from_db()
    before = concern_notices(cast.clerk).count()
    assert services.reminders_send(today=overdue(concern)) == 2
    assert concern_notices(cast.clerk).count() == before + 1


def test_r23_no_reminder_while_the_parties_may_still_appeal(cast):
    concern = formal(cast)
    hearing = arrange(cast, concern, "personnel", "vice_chair", "councillor")
    formal_procedure.hearing_decide(
        hearing=hearing, outcome="upheld", reasons="Proven.", acting_user=cast.clerk
    )
    concern.refresh_from_db()
    Notification.objects.all().delete()
    assert services.reminders_send(today=concern.stage_due_on) == 0
    # Once the time to appeal has passed, the handler is reminded to close it.
    assert services.reminders_send(today=overdue(concern)) >= 1
    assert concern_notices(cast.clerk).exists()


def test_r23_reminders_run_from_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["concern-stage-reminders"]
    assert entry["task"] == "concerns.tasks.send_stage_reminders"
    from concerns.tasks import send_stage_reminders

    assert send_stage_reminders.name == entry["task"]


# ---------------------------------------------------------------------------------------------
# What each matter waits for, and from whom
# ---------------------------------------------------------------------------------------------


def test_r23_each_stage_says_what_it_waits_for_and_from_whom(cast):
    today = TODAY()
    concern = raise_concern(cast, "officer", "councillor2")
    assert services.waiting_for(concern, today) == services.Waiting(
        "Triage: choosing the next step", cast.clerk.name
    )
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk
    )
    concern.refresh_from_db()
    assert services.waiting_for(concern, today).what.startswith("Raising it with the person")
    services.concern_tell_subject(concern=concern, message="Raised.", acting_user=cast.clerk)
    concern.refresh_from_db()
    assert services.waiting_for(concern, today).what.startswith("Informal resolution")
    formal_procedure.concern_start_formal(concern=concern, acting_user=cast.clerk)
    concern.refresh_from_db()
    assert services.waiting_for(concern, today).what == "A hearing to be arranged, with a panel"
    hearing = arrange(cast, concern, "personnel", "vice_chair", "councillor")
    waiting = services.waiting_for(concern, today)
    assert waiting.what.startswith("The panel's decision after the hearing on")
    assert waiting.whom == f"The panel: {cast.personnel.name}, {cast.vice_chair.name}, " + (
        cast.councillor.name
    )
    formal_procedure.hearing_decide(
        hearing=hearing, outcome="upheld", reasons="R.", acting_user=cast.clerk
    )
    concern.refresh_from_db()
    assert services.waiting_for(concern, today).whom == "The two people"
    assert services.waiting_for(concern, overdue(concern)) == services.Waiting(
        "Closing it: the time to appeal has ended", cast.clerk.name
    )


def test_r23_the_clerks_queue_shows_stages_overdue_first_and_what_each_waits_for(cast, client_for):
    later = raise_concern(cast, "officer", "councillor2", what_happened="Later")
    late = raise_concern(cast, "officer", None, what_happened="Late")
    Concern.objects.filter(pk=late.pk).update(stage_due_on=TODAY() - timedelta(days=2))
    url = reverse("concerns:concern_queue", args=[cast.council.slug])
    page = client_for("clerk").get(url).content.decode()
    assert page.index(f"Concern {late.pk} ") < page.index(f"Concern {later.pk} ")
    assert "Overdue" in page
    assert "Triage: choosing the next step" in page
    assert "Waiting for triage (2)" in page
    services.concern_triage(
        concern=later, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk
    )
    page = client_for("clerk").get(url, {"stage": "informal"}).content.decode()
    assert f"Concern {later.pk} " in page and f"Concern {late.pk} " not in page
    assert 'aria-current="page">Informal resolution (1)' in page


# ---------------------------------------------------------------------------------------------
# The chair's escalations page (R23 with R16, R17)
# ---------------------------------------------------------------------------------------------


def escalations(cast, client_for, who="chair"):
    url = reverse("concerns:escalations", args=[cast.council.slug])
    return client_for(who).get(url).content.decode()


def test_r23_the_chair_sees_overdue_matters_at_a_glance_but_not_what_they_are_about(
    cast, client_for
):
    concern = raise_concern(cast, "officer", "councillor2", what_happened="SECRET DETAIL")
    on_time = raise_concern(cast, "officer", None, what_happened="On time")
    page = escalations(cast, client_for)
    assert f"Concern {concern.pk}" not in page
    Concern.objects.filter(pk=concern.pk).update(stage_due_on=TODAY() - timedelta(days=1))
    page = escalations(cast, client_for)
    assert f"Concern {concern.pk}" in page
    assert f"Concern {on_time.pk}" not in page
    assert "1 matter overdue" in page
    assert cast.clerk.name in page  # who has it
    assert "Triage: choosing the next step" in page
    # R16: the chair does not handle it, so sees neither its content nor a link to it.
    assert "SECRET DETAIL" not in page and cast.councillor2.name not in page
    assert f"/concerns/{concern.pk}/" not in page
    detail = reverse("concerns:concern_detail", args=[cast.council.slug, concern.pk])
    assert client_for("chair").get(detail).status_code == 404


def test_r23_matters_escalated_to_the_chair_are_on_the_page_with_a_link(cast, client_for):
    concern = raise_concern(cast, "councillor", "rfo")  # R18: the chair's to triage
    page = escalations(cast, client_for)
    assert f'href="/{cast.council.slug}/concerns/{concern.pk}/"' in page
    assert "Yours" in page


def test_r23_r17_an_overdue_matter_about_the_chair_is_on_the_vice_chairs_page_only(
    cast, client_for
):
    concern = raise_concern(cast, "officer", "chair")
    Concern.objects.filter(pk=concern.pk).update(stage_due_on=TODAY() - timedelta(days=1))
    assert f"Concern {concern.pk}" not in escalations(cast, client_for, "chair")
    assert f"Concern {concern.pk}" in escalations(cast, client_for, "vice_chair")
    # Matters not about the chair are the chair's to chase, not the vice-chair's.
    other = raise_concern(cast, "officer", "councillor2")
    Concern.objects.filter(pk=other.pk).update(stage_due_on=TODAY() - timedelta(days=1))
    assert f"Concern {other.pk}" not in escalations(cast, client_for, "vice_chair")
    assert f"Concern {other.pk}" in escalations(cast, client_for, "chair")


def test_r23_the_chairs_home_page_points_to_overdue_matters(cast, client_for):
    concern = raise_concern(cast, "officer", "councillor2")
    Concern.objects.filter(pk=concern.pk).update(stage_due_on=TODAY() - timedelta(days=1))
    home = reverse("council:home", args=[cast.council.slug])
    assert "1 overdue matter to look at" in client_for("chair").get(home).content.decode()
    assert "overdue matter to look at" not in client_for("councillor").get(home).content.decode()


# ---------------------------------------------------------------------------------------------
# The personnel committee's hearings (R20)
# ---------------------------------------------------------------------------------------------


def test_r20_the_personnel_committee_sees_the_hearings_it_must_hold(cast, client_for):
    concern = formal(cast)
    waiting_page = reverse("concerns:hearings", args=[cast.council.slug])
    assert "1 matter is at the formal or appeal stage with no hearing arranged yet" in (
        client_for("personnel").get(waiting_page).content.decode()
    )
    hearing = arrange(cast, concern, "personnel", "vice_chair", "councillor")
    newcomer = new_councillor(cast, "Nia Rees")
    Seat.objects.create(
        committee=cast.personnel_committee, user=newcomer, starts_on=TODAY() - timedelta(days=1)
    )
    # The personnel committee must use two-factor (issue 8): a member who has set it up.
    TOTP.activate(newcomer, DEMO_TOTP_SECRET)
    assert policy.can_view_hearings(standing_for(newcomer, cast.council))
    client = client_for("personnel")
    page = client.get(waiting_page).content.decode()
    assert f"{hearing.held_on:%A %-d %B %Y}" in page
    assert cast.vice_chair.name in page
    assert f'href="/{cast.council.slug}/concerns/{concern.pk}/"' in page  # on the panel
    assert "no hearing arranged yet" not in page
    # A committee member not on this panel sees the date, not the concern (R16).
    client.force_login(newcomer)
    page = client.get(waiting_page).content.decode()
    assert f"{hearing.held_on:%A %-d %B %Y}" in page
    assert f"/concerns/{concern.pk}/" not in page
    assert "Shouted" not in page


# ---------------------------------------------------------------------------------------------
# Outcome records: which sections cause friction, without names
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def sections(cast):
    draft = protocol_services.draft_start(
        council=cast.council, source="model", acting_user=cast.clerk
    )
    return list(draft.sections.order_by("position"))


def close_informally(cast, concern):
    services.concern_close(
        concern=concern,
        outcome=Concern.Outcome.RESOLVED_INFORMALLY,
        reasons="Talked it through.",
        actions_agreed="Copies only with notice.",
        acting_user=concern.handler,
    )


def test_outcome_records_count_closed_concerns_per_section_without_names(
    cast, client_for, sections
):
    first, second = sections[0], sections[1]
    a = raise_concern(cast, "officer", "councillor2", sections=[first, second], what_happened="AAA")
    b = raise_concern(cast, "councillor", "rfo", sections=[first], what_happened="BBB")
    raise_concern(cast, "officer", None, sections=[second])  # still open: not counted
    close_informally(cast, a)
    services.concern_withdraw(concern=b, acting_user=cast.councillor)
    rows, totals = services.outcome_counts(cast.council)
    assert [(r.number, r.closed) for r in rows] == [(first.number, 2), (second.number, 1)]
    assert rows[0].by_outcome == {"resolved_informally": 1, "withdrawn": 1}
    assert totals == {"resolved_informally": 1, "withdrawn": 1}
    page = client_for("clerk").get(reverse("concerns:outcomes", args=[cast.council.slug]))
    text = page.content.decode()
    assert f"{first.number} {first.heading}" in text
    for secret in ("AAA", "BBB", cast.councillor2.name, cast.rfo.name, cast.officer.name):
        assert secret not in text


# ---------------------------------------------------------------------------------------------
# The queues' query counts do not grow with the number of concerns
# ---------------------------------------------------------------------------------------------


def add_matters(cast, n):
    """n open concerns for the clerk, half of them overdue, and overdue ones with hearings (one
    for the first, one more for each ten after)."""
    late = TODAY() - timedelta(days=3)
    for _ in range(1 if n == 1 else n // 10):
        heard = formal(cast)
        arrange(cast, heard, "personnel", "vice_chair", "councillor")
        Concern.objects.filter(pk=heard.pk).update(stage_due_on=late)
    for i in range(n):
        concern = raise_concern(cast, "officer", "councillor2" if i % 2 else None)
        if i % 2 == 0:
            Concern.objects.filter(pk=concern.pk).update(stage_due_on=late)


@pytest.mark.parametrize(
    ("who", "url_name", "queries"),
    [
        # tests/query_counts.py + counts by stage + the concerns with their people + pending
        # hearings + their panels.
        ("clerk", "concerns:concern_queue", COUNCIL_PAGE + PAGE_OF + 4),
        # The common queries + the concerns + pending hearings + their panels.
        ("chair", "concerns:escalations", COUNCIL_PAGE + PAGE_OF + 4),
        # The common queries + hearings (with their concern) + panels + the count waiting.
        ("personnel", "concerns:hearings", COUNCIL_PAGE + PAGE_OF + 3),
        # The common queries + totals + counts per section.
        ("clerk", "concerns:outcomes", COUNCIL_PAGE + 2),
        # The chair's home page: the common queries + the Proper Officer + the protocol panel
        # (none adopted) + the requests panel + the concerns panel's counts + the overdue count +
        # the group reports panel + the press panel.
        ("chair", "council:home", COUNCIL_PAGE + 7),
    ],
)
def test_r23_queue_query_counts_do_not_grow_with_the_number_of_concerns(
    who, url_name, queries, cast, client_for, django_assert_num_queries
):
    client = client_for(who)
    url = reverse(url_name, args=[cast.council.slug])
    add_matters(cast, 1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_matters(cast, 20)
    with django_assert_num_queries(queries):
        response = client.get(url)
    if url_name not in ("concerns:outcomes", "council:home"):
        assert len(re.findall(r"concern \d+", response.content.decode(), re.I)) >= 3
