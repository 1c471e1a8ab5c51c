"""Councillors' information requests: R3 and R5–R9 end to end, through the services and the pages.

Dates: the services take `today`, so the working-day cases use fixed dates; the pages use the real
day, and those tests use dates relative to it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from correspondence.models import DocumentAccess, InformationRequest, RequestEvent, Route
from correspondence.requests import deadlines, services
from council import services as council_services
from council.lib.working_days import add_working_days
from council.models import Notification, Role
from council.policy import standing_for
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

Status = InformationRequest.Status
TODAY = timezone.localdate


def ask(cast, who="councillor", documents=None, *, on=None, justification="", information=""):
    documents = [cast.committee_document] if documents is None else documents
    return services.request_submit(
        standing=standing_for(cast.by_name(who), cast.council, on),
        documents=documents,
        summary="The papers for the next meeting",
        information=information,
        purpose="To prepare for the meeting.",
        justification=justification,
        today=on,
    )


def detail_url(info_request) -> str:
    return reverse("requests:request_detail", args=[info_request.council.slug, info_request.pk])


def new_url(cast) -> str:
    return reverse("requests:request_new", args=[cast.council.slug])


def notices(user, kind) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind).order_by("id"))


# ---------------------------------------------------------------------------------------------
# Making a request: the route is said up front and saved with the request (R5–R7)
# ---------------------------------------------------------------------------------------------


def test_r5_the_form_marks_each_document_with_its_route_before_submitting(cast, client_for):
    page = client_for("councillor").get(new_url(cast)).content.decode()
    presumed = "Planning applications schedule (Committee; Planning committee; need to know"
    assert f"{presumed} presumed" in page
    assert "Allotment tenants and arrears (Contains third-party personal data; say " in page
    assert "Legal advice on the boundary dispute (Confidential; the officer decides)" in page
    # Public documents are open to every councillor already, so they are not offered.
    assert "Annual governance statement" not in page


def test_r5_a_committee_members_request_is_presumed_and_says_so(cast, client_for):
    client = client_for("councillor")
    response = client.post(
        new_url(cast),
        {
            "summary": "The planning schedule",
            "documents": [cast.committee_document.pk],
            "purpose": "For the committee meeting.",
        },
    )
    info_request = InformationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(info_request)
    assert info_request.route == Route.PRESUMED
    assert info_request.handler == cast.clerk
    page = client.get(detail_url(info_request)).content.decode()
    assert "Need to know is presumed" in page


def test_r5_a_seat_that_ended_yesterday_gives_no_presumption(cast):
    # councillor2's planning seat ended yesterday (demo data): the officer decides.
    assert ask(cast, "councillor2").route == Route.OFFICER_DECIDES
    yesterday = TODAY() - timedelta(days=1)
    assert ask(cast, "councillor2", on=yesterday).route == Route.PRESUMED


def test_r6_a_personal_data_request_without_justification_is_refused_and_creates_nothing(
    cast, client_for
):
    before = (Notification.objects.count(), InformationRequest.history.count())
    response = client_for("councillor").post(
        new_url(cast),
        {
            "summary": "Allotment arrears",
            "documents": [cast.personal_document.pk, cast.committee_document.pk],
            "purpose": "A resident asked me.",
            "justification": "   ",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Say specifically why you need the personal data in &#x27;Allotment tenants" in page
    # Nothing is lost: what they typed and ticked is still there.
    assert "A resident asked me." in page
    assert page.count("checked") == 2
    assert InformationRequest.objects.count() == 0
    assert (Notification.objects.count(), InformationRequest.history.count()) == before


def test_r6_with_a_specific_justification_the_request_goes_to_the_officer(cast):
    info_request = ask(
        cast, documents=[cast.personal_document], justification="I chair the working party."
    )
    assert info_request.route == Route.JUSTIFICATION
    assert info_request.justification == "I chair the working party."
    assert info_request.status == Status.SUBMITTED


def test_r7_information_described_in_words_is_for_the_officer(cast):
    info_request = ask(cast, documents=[], information="Grass-cutting costs for three years.")
    assert info_request.route == Route.OFFICER_DECIDES


def test_a_request_must_ask_for_something(cast, client_for):
    response = client_for("councillor").post(
        new_url(cast), {"summary": "Something", "purpose": "Curious."}
    )
    assert response.status_code == 200
    assert services.MSG_NOTHING_ASKED in response.content.decode()
    assert InformationRequest.objects.count() == 0


def test_documents_of_another_council_cannot_be_asked_for(cast):
    other_document = council_services.document_create(
        council=cast.other,
        title="Cwm papers",
        classification="committee",
        committee=None,
        file=ContentFile(b"plain text", name="cwm.txt"),
        acting_user=cast.clerk,
    )
    with pytest.raises(ValidationError):
        ask(cast, documents=[other_document])


# ---------------------------------------------------------------------------------------------
# R3: requests go to the Proper Officer, who alone delegates
# ---------------------------------------------------------------------------------------------


def test_r3_a_request_goes_to_the_proper_officer_who_is_told(cast):
    info_request = ask(cast)
    assert info_request.handler == cast.clerk
    assert [n.subject for n in notices(cast.clerk, "request_received")] == [
        f"New request from {cast.councillor.name}: The papers for the next meeting"
    ]


def test_r3_the_proper_officer_delegates_and_the_officer_then_handles_it(cast, client_for):
    info_request = ask(cast)
    url = reverse("requests:request_delegate", args=[cast.council.slug, info_request.pk])
    response = client_for("clerk").post(url, {"officer": cast.rfo.pk})
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert info_request.handler == cast.rfo
    assert len(notices(cast.rfo, "request_delegated")) == 1
    # The RFO may now decide it; the other officer still cannot see it.
    decide = reverse("requests:request_decide", args=[cast.council.slug, info_request.pk])
    assert client_for("rfo").get(decide).status_code == 200
    assert client_for("officer").get(decide).status_code == 404


def test_r3_a_request_cannot_be_delegated_to_a_councillor(cast):
    with pytest.raises(ValidationError) as error:
        services.request_delegate(
            info_request=ask(cast), officer=cast.chair, acting_user=cast.clerk
        )
    assert "is not an officer of this council" in str(error.value)


def test_r3_only_the_proper_officer_may_delegate(cast, client_for):
    info_request = ask(cast)
    services.request_delegate(info_request=info_request, officer=cast.rfo, acting_user=cast.clerk)
    url = reverse("requests:request_delegate", args=[cast.council.slug, info_request.pk])
    assert client_for("rfo").post(url, {"officer": cast.officer.pk}).status_code == 403
    info_request.refresh_from_db()
    assert info_request.handler == cast.rfo


# ---------------------------------------------------------------------------------------------
# R7: decisions with reasons; refusals tell of the Freedom of Information route
# ---------------------------------------------------------------------------------------------


def decide_url(info_request) -> str:
    return reverse("requests:request_decide", args=[info_request.council.slug, info_request.pk])


def test_r7_a_refusal_records_reasons_and_tells_the_councillor_of_the_foi_route(cast, client_for):
    info_request = ask(cast, documents=[cast.confidential_document])
    response = client_for("clerk").post(
        decide_url(info_request), {"outcome": "refused", "reasons": "Legally privileged advice."}
    )
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert (info_request.status, info_request.decided_by) == (Status.REFUSED, cast.clerk)
    assert info_request.decision_reasons == "Legally privileged advice."
    assert info_request.requested_documents.get().granted is False
    page = client_for("councillor").get(detail_url(info_request)).content.decode()
    assert "Legally privileged advice." in page
    assert "Freedom of Information Act 2000" in page
    [notice] = notices(cast.councillor, "request_decided")
    assert "Legally privileged advice." in notice.body
    assert "Freedom of Information Act 2000" in notice.body


def test_r7_every_decision_needs_reasons(cast, client_for):
    info_request = ask(cast)
    response = client_for("clerk").post(
        decide_url(info_request), {"outcome": "granted", "reasons": ""}
    )
    assert response.status_code == 200
    assert "Enter reasons" in response.content.decode()
    info_request.refresh_from_db()
    assert info_request.status == Status.SUBMITTED


def test_r7_partly_granted_releases_only_the_documents_chosen(cast, client_for):
    info_request = ask(cast, documents=[cast.committee_document, cast.confidential_document])
    response = client_for("clerk").post(
        decide_url(info_request),
        {
            "outcome": "partly_granted",
            "granted_documents": [cast.committee_document.pk],
            "reasons": "The schedule yes; the legal advice is privileged.",
        },
    )
    assert response.status_code == 302
    granted = dict(info_request.requested_documents.values_list("document_id", "granted"))
    assert granted == {cast.committee_document.pk: True, cast.confidential_document.pk: False}
    assert "Freedom of Information Act 2000" in notices(cast.councillor, "request_decided")[0].body


def test_r7_partly_granted_must_choose_some_but_not_all(cast):
    info_request = ask(cast, documents=[cast.committee_document, cast.confidential_document])
    for chosen, message in (
        ([], services.MSG_GRANT_SOME),
        ([cast.committee_document, cast.confidential_document], services.MSG_GRANT_NOT_ALL),
    ):
        with pytest.raises(ValidationError) as error:
            services.request_decide(
                info_request=info_request,
                outcome="partly_granted",
                reasons="Some.",
                granted_documents=chosen,
                acting_user=cast.clerk,
            )
        assert message in str(error.value)


def test_r7_a_decided_request_cannot_be_decided_again(cast):
    info_request = ask(cast)
    services.request_decide(
        info_request=info_request, outcome="granted", reasons="Presumed.", acting_user=cast.clerk
    )
    with pytest.raises(ValidationError) as error:
        services.request_decide(
            info_request=info_request, outcome="refused", reasons="No.", acting_user=cast.rfo
        )
    assert f"{cast.clerk.name} has already decided this request (granted)" in str(error.value)
    info_request.refresh_from_db()
    assert info_request.status == Status.GRANTED


def test_the_councillor_may_withdraw_an_open_request(cast, client_for):
    info_request = ask(cast)
    url = reverse("requests:request_withdraw", args=[cast.council.slug, info_request.pk])
    assert client_for("councillor").post(url).status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == Status.WITHDRAWN
    assert len(notices(cast.clerk, "request_withdrawn")) == 1
    with pytest.raises(ValidationError):
        services.request_decide(
            info_request=info_request, outcome="granted", reasons="Yes.", acting_user=cast.clerk
        )


# ---------------------------------------------------------------------------------------------
# R8: release to the requester only, purpose first, every access logged, ends with the term
# ---------------------------------------------------------------------------------------------


def granted_request(cast):
    info_request = ask(cast)
    return services.request_decide(
        info_request=info_request, outcome="granted", reasons="Presumed.", acting_user=cast.clerk
    )


def download_url(info_request, document) -> str:
    return reverse(
        "requests:release_download",
        args=[info_request.council.slug, info_request.pk, document.pk],
    )


def test_r8_the_councillor_confirms_the_purpose_before_the_first_download(cast, client_for):
    info_request = granted_request(cast)
    client = client_for("councillor")
    url = download_url(info_request, cast.committee_document)
    response = client.get(url)
    confirm = reverse("requests:release_confirm", args=[cast.council.slug, info_request.pk])
    assert response.status_code == 302 and response["Location"] == f"{confirm}?next={url}"
    assert DocumentAccess.objects.count() == 0
    # Without ticking the box: an error, nothing recorded.
    response = client.post(f"{confirm}?next={url}", {})
    assert response.status_code == 200
    assert "Confirm that you will use this information only" in response.content.decode()
    info_request.refresh_from_db()
    assert info_request.purpose_confirmed_at is None
    # Ticked: recorded, and back to the document.
    response = client.post(f"{confirm}?next={url}", {"confirm": "on"})
    assert response["Location"] == url
    info_request.refresh_from_db()
    assert info_request.purpose_confirmed_at is not None
    assert info_request.events.filter(kind=RequestEvent.Kind.PURPOSE_CONFIRMED).count() == 1


def test_r8_every_access_is_logged_and_the_file_is_streamed_privately(cast, client_for):
    info_request = granted_request(cast)
    services.release_confirm_purpose(info_request=info_request, acting_user=cast.councillor)
    client = client_for("councillor")
    for _ in range(2):
        response = client.get(download_url(info_request, cast.committee_document))
        assert response.status_code == 200
        assert response.streaming
        assert response["Cache-Control"] == "private, no-store"
        assert response.getvalue().startswith(b"%PDF")
    accesses = DocumentAccess.objects.all()
    assert [(a.user, a.document) for a in accesses] == [
        (cast.councillor, cast.committee_document)
    ] * 2
    # The log is the Proper Officer's to see.
    log = reverse("requests:access_log", args=[cast.council.slug])
    page = client_for("clerk").get(log).content.decode()
    assert page.count(cast.councillor.name) == 2
    assert client_for("rfo").get(log).status_code == 403


def test_r8_a_refused_or_undecided_document_is_not_released(cast, client_for):
    info_request = ask(cast)
    url = download_url(info_request, cast.committee_document)
    assert client_for("councillor").get(url).status_code == 403
    services.request_decide(
        info_request=info_request, outcome="refused", reasons="No.", acting_user=cast.clerk
    )
    assert client_for("councillor").get(url).status_code == 403


def test_r8_another_councillor_cannot_reach_the_released_document(cast, client_for):
    info_request = granted_request(cast)
    services.release_confirm_purpose(info_request=info_request, acting_user=cast.councillor)
    url = download_url(info_request, cast.committee_document)
    for name in ("vice_chair", "chair", "councillor2", "other_council", "former"):
        assert client_for(name).get(url).status_code == 404, name
    assert DocumentAccess.objects.count() == 0


def test_r8_r1_access_ends_with_the_councillors_term(cast, client_for):
    info_request = services.request_decide(
        info_request=ask(cast, on=TODAY() - timedelta(days=5)),
        outcome="granted",
        reasons="Presumed.",
        acting_user=cast.clerk,
    )
    services.release_confirm_purpose(info_request=info_request, acting_user=cast.councillor)
    url = download_url(info_request, cast.committee_document)
    assert client_for("councillor").get(url).status_code == 200
    role = cast.councillor.roles.get()
    yesterday = TODAY() - timedelta(days=1)
    council_services.role_change_dates(
        role=role, starts_on=role.starts_on, ends_on=yesterday, acting_user=cast.clerk
    )
    assert client_for("councillor").get(url).status_code == 404
    # Re-elected today, in a new term: the old release does not carry over; they ask again.
    council_services.role_create(
        council=cast.council,
        user=cast.councillor,
        kind=Role.Kind.COUNCILLOR,
        starts_on=TODAY(),
        acting_user=cast.clerk,
    )
    assert client_for("councillor").get(url).status_code == 403


# ---------------------------------------------------------------------------------------------
# R9: acknowledged, due in working days, pauses, reminders and escalation
# ---------------------------------------------------------------------------------------------


def test_r9_a_request_is_acknowledged_with_its_due_date_in_working_days(cast):
    info_request = ask(cast, on=date(2026, 3, 2))  # a Monday
    assert info_request.received_on == date(2026, 3, 2)
    assert info_request.due_on == date(2026, 3, 16)  # ten working days
    [acknowledgement] = notices(cast.councillor, "request_acknowledged")
    assert "Monday 16 March 2026" in acknowledgement.body
    assert "presumed" in acknowledgement.body


def test_r9_the_councils_own_number_of_working_days_is_used(cast):
    cast.council.response_working_days = 5
    council_services.council_update(council=cast.council, acting_user=cast.clerk)
    assert ask(cast, on=date(2026, 3, 2)).due_on == date(2026, 3, 9)


def test_r9_over_christmas_the_page_shows_how_the_date_was_worked_out(cast, client_for):
    info_request = ask(cast, on=date(2026, 12, 21))
    assert info_request.due_on == date(2027, 1, 7)
    page = client_for("councillor").get(detail_url(info_request)).content.decode()
    assert "How the due date was worked out" in page
    assert "Received Monday 21 December 2026." in page
    assert "Skipped Christmas Day, Friday 25 December 2026." in page
    assert "Skipped Boxing Day (observed), Monday 28 December 2026." in page
    assert "Due by the end of Thursday 7 January 2027." in page


def test_r9_over_easter_in_wales(cast):
    # Cwm Dulais is in Wales: Good Friday and Easter Monday 2027 do not count.
    standing = standing_for(cast.clerk, cast.other)
    assert standing.is_officer
    councillor = standing_for(cast.other_council, cast.other, date(2027, 3, 25))
    info_request = services.request_submit(
        standing=councillor,
        documents=[],
        summary="Footpath survey",
        information="The footpath survey",
        purpose="A resident asked.",
        justification="",
        today=date(2027, 3, 25),
    )
    assert info_request.due_on == add_working_days(date(2027, 3, 25), 10, "wales").due
    assert info_request.due_on == date(2027, 4, 12)


def test_r9_a_clarification_pause_extends_the_due_date_by_the_working_days_paused(cast, client_for):
    info_request = ask(cast, on=date(2026, 12, 21))
    assert info_request.due_on == date(2027, 1, 7)
    services.request_ask_clarification(
        info_request=info_request,
        question="Which meeting?",
        acting_user=cast.clerk,
        today=date(2026, 12, 24),
    )
    # Answered on Tuesday 5 January: paused for 29, 30, 31 December and 4, 5 January.
    info_request = services.request_clarify(
        info_request=info_request,
        answer="The January meeting.",
        acting_user=cast.councillor,
        today=date(2027, 1, 5),
    )
    assert info_request.paused_working_days == 5
    assert info_request.due_on == date(2027, 1, 14)
    assert info_request.status == Status.SUBMITTED
    # Resuming keeps the history: the pause and the answer are both there.
    statuses = list(info_request.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["submitted", "clarification", "submitted"]
    assert [e.kind for e in info_request.events.all()] == [
        "submitted",
        "clarification_asked",
        "clarified",
    ]
    page = client_for("councillor").get(detail_url(info_request)).content.decode()
    assert "Plus 5 working days while waiting for clarification." in page
    assert "Which meeting?" in page and "The January meeting." in page


def test_r9_the_councillor_answers_through_the_page(cast, client_for):
    info_request = ask(cast)
    services.request_ask_clarification(
        info_request=info_request, question="Which meeting?", acting_user=cast.clerk
    )
    url = reverse("requests:request_clarify", args=[cast.council.slug, info_request.pk])
    client = client_for("councillor")
    assert "Which meeting?" in client.get(url).content.decode()
    assert client.post(url, {"answer": ""}).status_code == 200  # an empty answer is an error
    assert client.post(url, {"answer": "March."}).status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == Status.SUBMITTED
    assert len(notices(cast.clerk, "request_clarified")) == 1


def test_r9_reminder_two_working_days_before_and_escalation_when_overdue_each_once(cast):
    info_request = ask(cast, on=date(2026, 3, 2))  # due Monday 16 March
    services.request_delegate(info_request=info_request, officer=cast.rfo, acting_user=cast.clerk)
    sent = {
        day: deadlines.reminders_send(today=day)
        for day in (
            date(2026, 3, 11),  # Wednesday: three working days to go
            date(2026, 3, 12),  # Thursday: two working days before (Friday, Monday): remind
            date(2026, 3, 13),
            date(2026, 3, 16),  # the due day: still not overdue
            date(2026, 3, 17),  # overdue: escalate to the Proper Officer
            date(2026, 3, 18),
            date(2026, 3, 25),
        )
    }
    assert sent == {
        date(2026, 3, 11): 0,
        date(2026, 3, 12): 1,
        date(2026, 3, 13): 0,
        date(2026, 3, 16): 0,
        date(2026, 3, 17): 1,
        date(2026, 3, 18): 0,
        date(2026, 3, 25): 0,
    }
    [reminder] = notices(cast.rfo, "request_due_soon")
    assert "Monday 16 March 2026" in reminder.subject
    [escalation] = notices(cast.clerk, "request_overdue")
    assert "handled by Chris Patel" in escalation.body
    assert notices(cast.clerk, "request_due_soon") == []


def test_r9_a_paused_or_decided_request_is_not_chased(cast):
    paused = ask(cast, on=date(2026, 3, 2))
    services.request_ask_clarification(
        info_request=paused, question="?", acting_user=cast.clerk, today=date(2026, 3, 3)
    )
    decided = ask(cast, on=date(2026, 3, 2))
    services.request_decide(
        info_request=decided,
        outcome="granted",
        reasons="Yes.",
        acting_user=cast.clerk,
        today=date(2026, 3, 3),
    )
    assert deadlines.reminders_send(today=date(2026, 3, 12)) == 0
    assert deadlines.reminders_send(today=date(2026, 3, 20)) == 0


def test_r9_reminders_run_from_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["information-request-reminders"]
    assert schedule["task"] == "correspondence.tasks.send_request_reminders"
    from correspondence.tasks import send_request_reminders

    assert send_request_reminders.name == schedule["task"]


def test_r9_timeliness_median_and_share_on_time_over_twelve_months(cast, client_for):
    today = TODAY()
    # Received 20 calendar days ago and decided at once (on time); received 40 days ago and
    # decided 30 days later (late); one decided 400 days ago (outside the 12 months); one open and
    # overdue.
    cases = [(20, 20), (40, 10), (500, 400)]
    for received, decided in cases:
        info_request = ask(cast, on=today - timedelta(days=received))
        services.request_decide(
            info_request=info_request,
            outcome="granted",
            reasons="Yes.",
            acting_user=cast.clerk,
            today=today - timedelta(days=decided),
        )
    overdue = ask(cast, on=today - timedelta(days=30))
    stats = deadlines.timeliness(council=cast.council, today=today)
    assert stats.decided == 2
    assert stats.on_time_share == 0.5
    late = InformationRequest.objects.get(received_on=today - timedelta(days=40))
    assert stats.median_working_days == (0 + late.decision_working_days) / 2
    assert stats.overdue == [overdue]
    assert stats.open_by_status["Waiting for a decision"] == 1
    page = client_for("clerk").get(reverse("requests:timeliness", args=[cast.council.slug]))
    assert "50%" in page.content.decode()
    assert "Decided on time" in page.content.decode()


# ---------------------------------------------------------------------------------------------
# The officer's queue
# ---------------------------------------------------------------------------------------------


def queue(client, cast, **filters):
    url = reverse("requests:request_queue", args=[cast.council.slug])
    return client.get(url, filters).content.decode()


def test_the_queue_filters_by_state_due_date_overdue_requester_and_committee(cast, client_for):
    today = TODAY()
    planning = ask(cast, "councillor")
    services.request_ask_clarification(info_request=planning, question="?", acting_user=cast.clerk)
    late = ask(cast, "chair", [cast.confidential_document], on=today - timedelta(days=30))
    late.summary = "Late one"
    late.save()
    done = ask(cast, "vice_chair")
    services.request_decide(
        info_request=done, outcome="granted", reasons="Yes.", acting_user=cast.clerk
    )
    client = client_for("clerk")

    def shown(**filters):
        page = queue(client, cast, **filters)
        return {r.pk for r in (planning, late, done) if detail_url(r) in page}

    assert shown() == {planning.pk, late.pk}  # open by default
    assert shown(status="all") == {planning.pk, late.pk, done.pk}
    assert shown(status="decided") == {done.pk}
    assert shown(status="clarification") == {planning.pk}
    assert shown(overdue="on") == {late.pk}
    assert shown(due_by=(today + timedelta(days=1)).isoformat()) == {late.pk}
    assert shown(status="all", requester=cast.vice_chair.pk) == {done.pk}
    assert shown(status="all", committee=cast.planning.pk) == {planning.pk, done.pk}
    # A filter that makes no sense is an error on the page, not a crash; the rest still apply.
    page = queue(client, cast, due_by="31 Febtember")
    assert "Enter a valid date" in page
    assert detail_url(late) in page
    # The queue shows the presumption and the due date.
    page = queue(client, cast, status="all")
    assert "Need to know is presumed" in page and "The officer decides" in page


def test_an_officer_sees_only_the_requests_delegated_to_them(cast, client_for):
    mine = ask(cast)
    theirs = ask(cast, "chair")
    services.request_delegate(info_request=mine, officer=cast.rfo, acting_user=cast.clerk)
    page = queue(client_for("rfo"), cast)
    assert detail_url(mine) in page and detail_url(theirs) not in page


def add_requests(cast, n: int) -> None:
    for i in range(n):
        who = cast.councillor if i % 2 else cast.vice_chair
        documents = [cast.committee_document] if i % 3 else [cast.confidential_document]
        info_request = services.request_submit(
            standing=standing_for(who, cast.council),
            documents=documents,
            summary=f"Extra {i}",
            information="",
            purpose="Duties.",
            justification="",
        )
        if i % 4 == 0:
            services.request_delegate(
                info_request=info_request, officer=cast.rfo, acting_user=cast.clerk
            )


@pytest.mark.parametrize(
    ("who", "url_name", "queries"),
    [
        # tests/query_counts.py + the filter's councillors and committees, the requests with
        # their people, and their documents with committees (one prefetch).
        ("clerk", "requests:request_queue", COUNCIL_PAGE + PAGE_OF + 4),
        # The common queries + their requests with their document counts.
        ("councillor", "requests:request_list", COUNCIL_PAGE + PAGE_OF + 1),
        # The common queries + the accesses with their request, document and person.
        ("clerk", "requests:access_log", COUNCIL_PAGE + PAGE_OF + 1),
        # The common queries + open counts, overdue requests, decided in 12 months.
        ("clerk", "requests:timeliness", COUNCIL_PAGE + 3),
    ],
)
def test_request_list_pages_have_a_bounded_query_count(
    who, url_name, queries, cast, client_for, django_assert_num_queries
):
    client = client_for(who)
    url = reverse(url_name, args=[cast.council.slug])
    add_requests(cast, 2)
    # At least one row of every list (an empty list needs only its total).
    DocumentAccess.objects.create(
        request=InformationRequest.objects.first(),
        document=cast.committee_document,
        user=cast.councillor,
    )
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_requests(cast, 20)
    for info_request in InformationRequest.objects.all()[:10]:
        DocumentAccess.objects.create(
            request=info_request, document=cast.committee_document, user=cast.councillor
        )
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_the_request_page_query_count_does_not_grow_with_documents_or_events(
    cast, client_for, django_assert_num_queries
):
    info_request = ask(cast, documents=[cast.committee_document, cast.confidential_document])
    client = client_for("clerk")

    def talk(rounds: int) -> None:
        for _ in range(rounds):
            services.request_ask_clarification(
                info_request=info_request, question="?", acting_user=cast.clerk
            )
            services.request_clarify(
                info_request=info_request, answer="!", acting_user=cast.councillor
            )
            DocumentAccess.objects.create(
                request=info_request, document=cast.committee_document, user=cast.councillor
            )

    # tests/query_counts.py + the request with its people, its documents with their committees,
    # its events with their actors, and the access log.
    talk(1)
    with django_assert_num_queries(COUNCIL_PAGE + 4):
        assert client.get(detail_url(info_request)).status_code == 200
    talk(5)
    with django_assert_num_queries(COUNCIL_PAGE + 4):
        assert client.get(detail_url(info_request)).status_code == 200


# ---------------------------------------------------------------------------------------------
# R27: every change to a request is in its history, with who made it
# ---------------------------------------------------------------------------------------------


def test_r27_every_change_to_a_request_records_who_made_it(cast):
    info_request = ask(cast)
    services.request_delegate(info_request=info_request, officer=cast.rfo, acting_user=cast.clerk)
    services.request_decide(
        info_request=info_request, outcome="granted", reasons="Presumed.", acting_user=cast.rfo
    )
    services.release_confirm_purpose(info_request=info_request, acting_user=cast.councillor)
    rows = info_request.history.order_by("history_id")
    assert [(r.history_user, r.status, r.handler_id) for r in rows] == [
        (cast.councillor, "submitted", cast.clerk.pk),
        (cast.clerk, "submitted", cast.rfo.pk),
        (cast.rfo, "granted", cast.rfo.pk),
        (cast.councillor, "granted", cast.rfo.pk),
    ]
    [row] = info_request.requested_documents.all()
    assert row.history.latest("history_id").history_user == cast.rfo


def test_seed_demo_has_a_request_in_each_state_a_clerk_meets(db):
    from django.core.management import call_command

    call_command("seed_demo")
    statuses = set(InformationRequest.objects.values_list("status", flat=True))
    assert statuses == {"granted", "refused", "submitted", "clarification"}
    # The demo's timeline matches its dates: each request was made on the day it was received.
    for info_request in InformationRequest.objects.all():
        submitted = info_request.events.get(kind=RequestEvent.Kind.SUBMITTED)
        assert timezone.localtime(submitted.at).date() == info_request.received_on


def test_the_workflow_allows_only_the_moves_in_its_table(cast):
    info_request = ask(cast)
    with pytest.raises(ValidationError, match=services.MSG_NOT_WAITING):
        services.request_clarify(info_request=info_request, answer="?", acting_user=cast.councillor)
    services.request_ask_clarification(
        info_request=info_request, question="?", acting_user=cast.clerk
    )
    with pytest.raises(ValidationError, match=services.MSG_ALREADY_ASKED):
        services.request_ask_clarification(
            info_request=info_request, question="Again?", acting_user=cast.clerk
        )
    # Decided while waiting for the councillor: allowed, and then final.
    services.request_decide(
        info_request=info_request, outcome="refused", reasons="No.", acting_user=cast.clerk
    )
    with pytest.raises(ValidationError, match="has already decided this request"):
        services.request_withdraw(info_request=info_request, acting_user=cast.councillor)
    assert InformationRequest.TRANSITIONS.keys() == set(InformationRequest.OPEN)
