"""Data protection (issue 8, part 5): retention periods per council, the nightly purge of expired
records and their history rows, and the subject access export.

The purge is run on a day years ahead (`today=`), so that records made now are old by then; the
"recent" ones have their dates moved to a month before that day.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from concerns import formal as concern_formal
from concerns import services as concerns
from concerns.models import Concern, ConcernEvent, Hearing, PanelMember
from correspondence.letters import services as letters
from correspondence.models import (
    Correspondence,
    DocumentAccess,
    InformationRequest,
    Recipient,
    RequestedDocument,
    RequestEvent,
)
from correspondence.requests import services as requests
from council import outbox, privacy, services
from council.models import (
    AuditEvent,
    AuditKind,
    Document,
    Notification,
    RetentionPolicy,
    Role,
    User,
)
from council.policy import standing_for
from council.privacy import months_before, start_of
from protocol.models import ProtocolVersion
from tests.query_counts import COUNCIL_PAGE

TODAY = timezone.localdate
LATER = 73  # months ahead: past the six-year defaults, by a month


def later(months: int = LATER):
    return months_before(TODAY(), -months)


# ---------------------------------------------------------------------------------------------
# Making records
# ---------------------------------------------------------------------------------------------


def ask(cast, who, summary, documents=(), *, council=None, justification=""):
    return requests.request_submit(
        standing=standing_for(who, council or cast.council),
        documents=list(documents),
        summary=summary,
        information="" if documents else f"Information for {summary}.",
        purpose=f"Purpose of {summary}.",
        justification=justification,
    )


def grant_and_open(cast, info_request, who, document):
    requests.request_decide(
        info_request=info_request, outcome="granted", reasons="Presumed.", acting_user=cast.clerk
    )
    info_request = requests.release_confirm_purpose(info_request=info_request, acting_user=who)
    requests.release_open(info_request=info_request, document=document, acting_user=who)


def refuse(cast, info_request):
    return requests.request_decide(
        info_request=info_request,
        outcome="refused",
        reasons=f"Reasons for {info_request.summary}.",
        acting_user=cast.clerk,
    )


def letter(cast, subject, to, *, council=None, send=True, body=None):
    item = letters.item_draft(
        council=council or cast.council,
        kind="email",
        subject=subject,
        body=body or f"Text of {subject}.",
        recipients=[letters.To(user=to)],
        signatory=cast.clerk,
        acting_user=cast.clerk,
    )
    if send:
        letters.item_send(item=item, acting_user=cast.clerk)
    return item


def concern(cast, raiser, subject, what, *, council=None):
    return concerns.concern_raise(
        raiser=standing_for(raiser, council or cast.council),
        subject=subject,
        kind="conduct",
        what_happened=what,
    )


def closed_concern_with_hearing(cast, what):
    """An officer's concern about councillor2, taken to a hearing with its panel, then withdrawn:
    closed, with events, a hearing, panel members and their history rows."""
    made = concern(cast, cast.officer, cast.councillor2, what)
    concerns.concern_tell_subject(concern=made, message="Raised with you.", acting_user=cast.clerk)
    concern_formal.concern_start_formal(concern=made, acting_user=cast.clerk)
    concern_formal.hearing_arrange(
        concern=made,
        held_on=TODAY() + timedelta(days=10),
        members=[cast.personnel, cast.vice_chair, cast.councillor],
        acting_user=cast.clerk,
    )
    return concerns.concern_withdraw(concern=made, acting_user=cast.officer)


def all_sent():
    """Tests run in a transaction that never commits, so delivery (on commit) never runs: mark
    the outbox sent, as the worker would have."""
    Notification.objects.update(status=Notification.Status.SENT, sent_at=timezone.now())


def history_of(model, **lookup) -> int:
    return model.history.model.objects.filter(**lookup).count()


# ---------------------------------------------------------------------------------------------
# Retention settings
# ---------------------------------------------------------------------------------------------


def test_defaults_are_six_years_for_records_and_one_year_for_drafts_and_notifications(cast):
    policy = RetentionPolicy.for_council(cast.council)
    assert policy.pk is None  # nothing is written until the clerk saves the page
    assert (
        policy.requests_months,
        policy.personal_data_access_months,
        policy.concerns_months,
        policy.correspondence_months,
        policy.drafts_months,
        policy.notifications_months,
        policy.people_months,
    ) == (72, 72, 72, 72, 12, 12, 72)
    assert not RetentionPolicy.objects.exists()


GOOD = {
    "requests_months": "60",
    "personal_data_access_months": "84",
    "concerns_months": "72",
    "correspondence_months": "72",
    "drafts_months": "6",
    "notifications_months": "12",
    "people_months": "72",
}


def test_the_clerk_saves_retention_periods_and_the_change_has_its_history(cast, client_for):
    url = reverse("council:retention_settings", args=[cast.council.slug])
    response = client_for("clerk").post(url, GOOD)
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(council=cast.council)
    assert (policy.requests_months, policy.personal_data_access_months) == (60, 84)
    assert policy.history.get().history_user == cast.clerk  # R27


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("requests_months", "6.5", "Enter a whole number of months"),
        ("requests_months", "six", "Enter a whole number of months"),
        ("requests_months", "6", "Enter at least 12 months"),
        ("concerns_months", "-1", "Enter at least 12 months"),
        ("drafts_months", "0", "Enter at least 1 months"),
        ("notifications_months", "2", "Enter at least 3 months"),
        ("people_months", "601", "Enter at most 600 months"),
        ("people_months", "", "Enter the months for people whose roles have all ended"),
        # The issue: the log of who opened personal data is kept for the requests' period.
        ("personal_data_access_months", "48", "at least as long as requests: 60 months"),
    ],
)
def test_bad_retention_periods_are_refused_with_an_error_summary_and_nothing_changes(
    cast, client_for, field, value, message
):
    url = reverse("council:retention_settings", args=[cast.council.slug])
    response = client_for("clerk").post(url, {**GOOD, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not RetentionPolicy.objects.exists()
    assert not RetentionPolicy.history.exists()


# ---------------------------------------------------------------------------------------------
# The purge
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def records(cast):
    """Expired and recent records of every kind in Little Wickham (the default periods), and
    records as old in Cwm Dulais, which keeps everything for ten years."""
    services.retention_policy_save(
        policy=RetentionPolicy(
            council=cast.other,
            **dict.fromkeys(
                [
                    "requests_months",
                    "personal_data_access_months",
                    "concerns_months",
                    "correspondence_months",
                    "drafts_months",
                    "notifications_months",
                    "people_months",
                ],
                120,
            ),
        ),
        acting_user=cast.clerk,
    )
    recent = months_before(later(), 1)

    old_request = ask(cast, cast.councillor, "old granted", [cast.committee_document])
    grant_and_open(cast, old_request, cast.councillor, cast.committee_document)
    recent_request = refuse(cast, ask(cast, cast.councillor, "recent refused"))
    InformationRequest.objects.filter(pk=recent_request.pk).update(decided_on=recent)
    open_request = ask(cast, cast.councillor, "still open")
    other_request = refuse(cast, ask(cast, cast.other_council, "cwm refused", council=cast.other))

    old_concern = closed_concern_with_hearing(cast, "old concern")
    recent_concern = concerns.concern_withdraw(
        concern=concern(cast, cast.officer, cast.councillor2, "recent concern"),
        acting_user=cast.officer,
    )
    Concern.objects.filter(pk=recent_concern.pk).update(closed_on=recent)
    open_concern = concern(cast, cast.officer, cast.councillor2, "open concern")
    other_concern = concerns.concern_withdraw(
        concern=concern(cast, cast.other_council, None, "cwm concern", council=cast.other),
        acting_user=cast.other_council,
    )

    old_letter = letter(cast, "old letter", cast.councillor)
    recent_letter = letter(cast, "recent letter", cast.councillor)
    Correspondence.objects.filter(pk=recent_letter.pk).update(sent_on=recent)
    old_draft = letter(cast, "old draft", cast.councillor, send=False)
    recent_draft = letter(cast, "recent draft", cast.councillor, send=False)
    Correspondence.history.filter(id=recent_draft.pk).update(history_date=start_of(recent))
    other_letter = letter(cast, "cwm letter", cast.other_council, council=cast.other)

    all_sent()
    recent_notice = outbox.notification_create(
        user=cast.councillor, council=cast.council, key="recent", kind="t", subject="s", body="b"
    )
    Notification.objects.filter(pk=recent_notice.pk).update(
        status=Notification.Status.SENT, sent_at=start_of(recent)
    )
    return {
        "old_request": old_request,
        "recent_request": recent_request,
        "open_request": open_request,
        "other_request": other_request,
        "old_concern": old_concern,
        "recent_concern": recent_concern,
        "open_concern": open_concern,
        "other_concern": other_concern,
        "old_letter": old_letter,
        "recent_letter": recent_letter,
        "old_draft": old_draft,
        "recent_draft": recent_draft,
        "other_letter": other_letter,
    }


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_the_purge_removes_exactly_the_expired_records_and_their_history_rows(cast, records):
    r = records
    hearing = Hearing.objects.get(concern=r["old_concern"])
    counts_before = {
        model: model.objects.count()
        for model in (Document, Role, User, ProtocolVersion, EmailAddress)
    }
    assert history_of(InformationRequest, id=r["old_request"].pk) > 0
    assert history_of(PanelMember, hearing_id=hearing.pk) == 3
    open_notices = ids(
        Notification.objects.filter(key__startswith=f"request:{r['open_request'].pk}:")
    )
    open_notices |= ids(
        Notification.objects.filter(key__startswith=f"concern:{r['open_concern'].pk}:")
    )
    other_notices = ids(Notification.objects.filter(council=cast.other))
    recent_notice = ids(Notification.objects.filter(key="recent"))
    audit_before = AuditEvent.objects.count()
    notices_before = Notification.objects.count()

    removed = services.retention_purge(today=later())

    assert removed == {
        "notifications": notices_before - Notification.objects.count(),
        "people": 2,  # the former councillor, and councillor2 (term ends in 20 days)
        "information_requests": 1,
        "correspondence": 1,
        "drafts": 1,
        "concerns": 1,
    }
    assert removed["notifications"] > 0
    # Requests: the old one went with its steps, documents list, access log and history.
    assert ids(InformationRequest.objects.all()) == {
        r["recent_request"].pk,
        r["open_request"].pk,
        r["other_request"].pk,
    }
    old = r["old_request"].pk
    assert not RequestEvent.objects.filter(request_id=old).exists()
    assert not RequestedDocument.objects.filter(request_id=old).exists()
    assert not DocumentAccess.objects.filter(request_id=old).exists()
    assert history_of(InformationRequest, id=old) == 0
    assert history_of(RequestedDocument, request_id=old) == 0
    assert history_of(InformationRequest, id=r["recent_request"].pk) > 0
    # Concerns: the old one went with its events, hearing, panel and history.
    assert ids(Concern.objects.all()) == {
        r["recent_concern"].pk,
        r["open_concern"].pk,
        r["other_concern"].pk,
    }
    assert not ConcernEvent.objects.filter(concern_id=r["old_concern"].pk).exists()
    assert not Hearing.objects.filter(pk=hearing.pk).exists()
    assert not PanelMember.objects.filter(hearing_id=hearing.pk).exists()
    assert history_of(Concern, id=r["old_concern"].pk) == 0
    assert history_of(Hearing, concern_id=r["old_concern"].pk) == 0
    assert history_of(PanelMember, hearing_id=hearing.pk) == 0
    assert history_of(Concern, id=r["recent_concern"].pk) > 0
    # Correspondence: the old letter and the old draft, with recipients and history.
    assert ids(Correspondence.objects.all()) == {
        r["recent_letter"].pk,
        r["recent_draft"].pk,
        r["other_letter"].pk,
    }
    for item in (r["old_letter"], r["old_draft"]):
        assert not Recipient.objects.filter(item_id=item.pk).exists()
        assert history_of(Correspondence, id=item.pk) == 0
        assert history_of(Recipient, item_id=item.pk) == 0
    # Notifications: only the recent one, the other council's, and those an open request's or
    # concern's sweep could make again.
    assert ids(Notification.objects.all()) == open_notices | other_notices | recent_notice
    assert open_notices and other_notices
    # Nothing else: documents (and their files), roles, people's rows, the protocol.
    assert {
        model: model.objects.count()
        for model in (Document, Role, User, ProtocolVersion, EmailAddress)
    } == {**counts_before, EmailAddress: counts_before[EmailAddress] - 2}
    assert all(d.file.storage.exists(d.file.name) for d in Document.objects.all())
    # One audit event for the run, appended (the log itself is never purged).
    assert AuditEvent.objects.count() == audit_before + 1
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.kind == AuditKind.RETENTION_PURGED
    assert event.data["removed"]["concerns"] == 1
    assert event.data["council_ids"] == [cast.council.pk]


def test_the_purge_is_idempotent_and_a_second_run_leaves_no_trace(cast, records):
    first = services.retention_purge(today=later())
    assert sum(first.values()) > 0
    audit = AuditEvent.objects.count()
    rows = (InformationRequest.objects.count(), Notification.objects.count())
    assert set(services.retention_purge(today=later()).values()) == {0}
    assert AuditEvent.objects.count() == audit
    assert (InformationRequest.objects.count(), Notification.objects.count()) == rows


def test_the_purge_keeps_everything_before_its_period_ends(cast, records):
    assert set(services.retention_purge(today=later(11)).values()) == {0}
    assert InformationRequest.objects.count() == 4
    assert not AuditEvent.objects.filter(kind=AuditKind.RETENTION_PURGED).exists()


def test_the_purge_works_in_batches(cast, records, monkeypatch):
    services.retention_purge(today=later())
    for i in range(3):
        refuse(cast, ask(cast, cast.councillor, f"batch {i}"))
    first = privacy.purge_all(today=later(), limit=2)
    assert first["information_requests"] == 2
    assert privacy.purge_all(today=later(), limit=2)["information_requests"] == 1


def test_the_purge_runs_daily_from_celery_beat(settings, cast, records):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-records"]
    assert entry["task"] == "council.tasks.purge_expired_records"
    assert entry["schedule"] == timedelta(days=1)
    from council.tasks import purge_expired_records

    # Today nothing has expired: the task runs and removes nothing.
    assert set(purge_expired_records.delay().get().values()) == {0}
    assert InformationRequest.objects.count() == 4


def test_r8_a_release_stays_while_the_term_in_which_it_was_asked_lasts(cast):
    services.retention_policy_save(
        policy=RetentionPolicy(council=cast.council, requests_months=12), acting_user=cast.clerk
    )
    granted = ask(cast, cast.councillor, "granted", [cast.committee_document])
    grant_and_open(cast, granted, cast.councillor, cast.committee_document)
    refused = refuse(cast, ask(cast, cast.councillor, "refused"))
    # 13 months on: both past 12 months, but the councillor's term runs for another 20 months.
    services.retention_purge(today=later(13))
    assert ids(InformationRequest.objects.all()) == {granted.pk}
    assert not InformationRequest.objects.filter(pk=refused.pk).exists()
    # Once the term has ended, the release goes too.
    services.retention_purge(today=later(40))
    assert not InformationRequest.objects.exists()


def test_the_log_of_who_opened_personal_data_is_kept_for_the_retention_period(cast):
    services.retention_policy_save(
        policy=RetentionPolicy(
            council=cast.council, requests_months=12, personal_data_access_months=72
        ),
        acting_user=cast.clerk,
    )
    personal = ask(
        cast, cast.councillor, "personal", [cast.personal_document], justification="Casework."
    )
    grant_and_open(cast, personal, cast.councillor, cast.personal_document)
    ordinary = ask(cast, cast.councillor, "ordinary", [cast.committee_document])
    grant_and_open(cast, ordinary, cast.councillor, cast.committee_document)
    # 40 months on: the term has ended and both requests are past 12 months; the log of who
    # opened the personal data, 72 months, keeps that request and its log.
    services.retention_purge(today=later(40))
    assert ids(InformationRequest.objects.all()) == {personal.pk}
    assert DocumentAccess.objects.filter(request=personal).count() == 1
    # A month past 72 months from the opening, both go.
    services.retention_purge(today=later(LATER))
    assert not InformationRequest.objects.exists()
    assert not DocumentAccess.objects.exists()
    assert Document.objects.filter(pk=cast.personal_document.pk).exists()  # the council's record


def test_people_whose_roles_all_ended_are_anonymised_and_keep_their_row(cast):
    former = cast.former
    before = history_of(User, id=former.pk)
    assert before >= 1
    services.retention_purge(today=later())
    former.refresh_from_db()
    assert former.name == privacy.ANONYMISED_NAME
    assert former.email == f"anonymised-{former.pk}@anonymised.invalid"
    assert not former.is_active and not former.has_usable_password()
    assert not EmailAddress.objects.filter(user=former).exists()
    assert Role.objects.filter(user=former).exists()  # the council's records still point at it
    # One history row is left, the anonymised one: the old name and address are gone.
    assert list(User.history.filter(id=former.pk).values_list("name", flat=True)) == [
        privacy.ANONYMISED_NAME
    ]
    assert "Frances Oakley" not in str(list(User.history.values_list("name", "email")))
    cast.councillor.refresh_from_db()
    assert cast.councillor.name == "Alex Morgan"  # term ended 40 months before: not yet


def test_a_person_is_anonymised_only_once_every_councils_period_has_passed(cast):
    services.retention_policy_save(
        policy=RetentionPolicy(council=cast.other, people_months=120), acting_user=cast.clerk
    )
    both = User.objects.create_user("both@example.org", name="Sam Both")
    for council in (cast.council, cast.other):
        services.role_create(
            council=council,
            user=both,
            kind=Role.Kind.COUNCILLOR,
            starts_on=TODAY() - timedelta(days=400),
            ends_on=TODAY() - timedelta(days=60),
            acting_user=cast.clerk,
        )
    services.retention_purge(today=later())
    both.refresh_from_db()
    assert both.name == "Sam Both"  # Cwm Dulais keeps names for ten years
    services.retention_purge(today=later(121))
    both.refresh_from_db()
    assert both.name == privacy.ANONYMISED_NAME


# ---------------------------------------------------------------------------------------------
# The subject access export
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def two_people(cast):
    """The councillor and councillor2 each made a request, raised a concern and received a
    letter; the officer raised one concern about the councillor that they were told of, and one
    they were not."""
    for who, tag in ((cast.councillor, "ALEX"), (cast.councillor2, "BEA")):
        refuse(cast, ask(cast, who, f"{tag} request <script>alert(1)</script>"))
        concern(cast, who, cast.rfo, f"{tag} concern about the RFO")
        letter(cast, f"{tag} letter", who)
    told = concern(cast, cast.officer, cast.councillor, "TOLD officer's account")
    concerns.concern_tell_subject(
        concern=told, message="TOLD raised with you.", acting_user=cast.clerk
    )
    concerns.concern_add_note(
        concern=told,
        kind="note",
        audience="handlers",
        text="TOLD private note",
        acting_user=cast.clerk,
    )
    concern(cast, cast.officer, cast.councillor, "UNTOLD officer's account")
    return cast


def export_json(client, cast, person):
    url = reverse("council:person_data_json", args=[cast.council.slug, person.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_export_holds_the_councillors_requests_concerns_and_letters(two_people, client_for):
    cast = two_people
    response = export_json(client_for("clerk"), cast, cast.councillor)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{cast.councillor.pk}-{TODAY():%Y-%m-%d}.json"'
    )
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    text = json.dumps(data)
    keys = [s["key"] for s in data["sections"]]
    assert keys == [
        "account",
        "roles",
        "information_requests",
        "correspondence",
        "concerns",
        "protocol",
        "notifications",
        "audit",
        "history",
    ]
    for mine in (
        "ALEX request",
        "Reasons for ALEX request",  # the officer's reasons are the councillor's data too
        "ALEX letter",
        "councillor@example.org",
        "Planning committee",
        "Oak Party",
        "TOLD raised with you.",  # shared with them when they were told
    ):
        assert mine in text, mine
    # R16: the concern about them shows neither who raised it nor the raiser's account; a
    # concern they were not told of is not there at all; the handlers' note is listed, not read.
    for withheld in ("TOLD officer's account", "UNTOLD", "TOLD private note", "Dana Hughes"):
        assert withheld not in text, withheld
    about = next(s for s in data["sections"] if s["key"] == "concerns")["tables"]
    assert len(about[1]["rows"]) == 1 and about[1]["withheld"]
    assert len(about[3]["rows"]) == 1  # the private note, by date only
    # Nothing of anyone else: councillor2 made similar records.
    for theirs in ("BEA", "Bea Lewis", "councillor2@example.org", "Independents"):
        assert theirs not in text, theirs
    # Never the password.
    assert cast.councillor.password not in text
    # R16: the concern the councillor raised about the RFO is the chair's to triage, not the
    # clerk's, so the clerk's copy leaves it out; the councillor's own copy holds it, with whom it
    # is about (they named them).
    assert "ALEX concern about the RFO" not in text
    own = json.dumps(json.loads(client_for("councillor").get(reverse("my_data_json")).content))
    assert "ALEX concern about the RFO" in own
    assert "Chris Patel" in own


def test_the_html_page_has_a_heading_per_section_and_escapes_what_people_wrote(
    two_people, client_for
):
    cast = two_people
    url = reverse("council:person_data", args=[cast.council.slug, cast.councillor.pk])
    response = client_for("clerk").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h2 id="section-information_requests">Your requests for information</h2>' in page
    assert "ALEX request &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "BEA" not in page
    assert reverse("council:person_data_json", args=[cast.council.slug, cast.councillor.pk]) in (
        page
    )


def test_each_export_is_recorded_in_the_audit_log(two_people, client_for):
    cast = two_people
    export_json(client_for("clerk"), cast, cast.councillor)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.kind == AuditKind.PERSONAL_DATA_EXPORTED
    assert (event.actor_id, event.target_pk) == (cast.clerk.pk, str(cast.councillor.pk))
    assert event.data == {"format": "json", "council_ids": [cast.council.pk], "own": False}


def test_the_clerk_exports_their_councils_people_and_a_person_their_own_nobody_else(
    two_people, client_for
):
    cast = two_people
    url = reverse("council:person_data", args=[cast.council.slug, cast.councillor.pk])
    assert client_for("clerk").get(url).status_code == 200
    assert client_for("councillor").get(url).status_code == 200  # their own
    exports = AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_EXPORTED).count()
    for who in ("councillor2", "chair", "officer", "rfo", "former", "other_council"):
        assert client_for(who).get(url).status_code == 404, who
    # The clerk of both councils, for a person of the other one, through this council: 404.
    other = reverse("council:person_data", args=[cast.council.slug, cast.other_council.pk])
    assert client_for("clerk").get(other).status_code == 404
    # Refusals disclose nothing and record nothing.
    assert AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_EXPORTED).count() == exports


def test_a_former_councillor_downloads_their_own_data_from_their_account(cast, client_for):
    client = client_for("former")
    assert reverse("my_data") in client.get(reverse("home")).content.decode()
    response = client.get(reverse("my_data_json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["person_id"] == cast.former.pk
    assert data["councils"] == [cast.council.name]
    assert "former@example.org" in response.content.decode()
    assert client_for("anonymous").get(reverse("my_data")).status_code == 302


def test_the_person_page_and_the_home_page_link_to_the_export(cast, client_for):
    person = reverse("council:person_detail", args=[cast.council.slug, cast.councillor.pk])
    export = reverse("council:person_data", args=[cast.council.slug, cast.councillor.pk])
    assert export in client_for("clerk").get(person).content.decode()
    home = client_for("councillor").get(reverse("council:home", args=[cast.council.slug]))
    assert reverse("my_data") in home.content.decode()
    clerk_home = client_for("clerk").get(reverse("council:home", args=[cast.council.slug]))
    assert reverse("council:retention_settings", args=[cast.council.slug]) in (
        clerk_home.content.decode()
    )


# ---------------------------------------------------------------------------------------------
# Query counts: the same with 1 row of each kind and with 20
# ---------------------------------------------------------------------------------------------

# PostgreSQL takes the audit log's advisory lock first (council/audit.py); SQLite needs none.
AUDIT_LOCK = 1 if connection.vendor == "postgresql" else 0


def add_rows(cast, n: int, start: int = 0):
    for i in range(start, start + n):
        refuse(cast, ask(cast, cast.councillor, f"Row {i}"))
        letter(cast, f"Letter {i}", cast.councillor)
        concern(cast, cast.councillor, cast.officer, f"Concern {i}")


# + the person (get_person_for_user); the sections: the account's email addresses and
# authenticators, roles, seats, memberships, spokesperson appointments, notifications, audit
# events, the account's history, the roles' history (10); the acknowledgements (1); requests, their
# steps, their documents, the openings, the correspondence, its recipients, press releases (7);
# concerns raised, concerns about them, their events, their hearings (4; no panels to prefetch
# without hearings); the audit event of the export (a savepoint, the last event, the insert, the
# savepoint's release: 4).
EXPORT_QUERIES = 1 + 10 + 1 + 7 + 4 + 4 + AUDIT_LOCK


@pytest.mark.parametrize(
    "name, layout",
    [
        # The page's layout also counts unread notifications; the file has no layout.
        ("council:person_data", COUNCIL_PAGE),
        ("council:person_data_json", COUNCIL_PAGE - 1),
    ],
)
def test_export_query_count_does_not_grow_with_rows(
    cast, client_for, django_assert_num_queries, name, layout
):
    client = client_for("clerk")
    url = reverse(name, args=[cast.council.slug, cast.councillor.pk])
    add_rows(cast, 1)
    with django_assert_num_queries(layout + EXPORT_QUERIES):
        assert client.get(url).status_code == 200
    add_rows(cast, 19, start=1)
    with django_assert_num_queries(layout + EXPORT_QUERIES):
        response = client.get(url)
    assert b"Row 19" in response.content


def test_own_export_query_count_does_not_grow_with_rows(
    cast, client_for, django_assert_num_queries
):
    client = client_for("councillor")
    url = reverse("my_data_json")
    # session, user, their current roles (the two-factor middleware), the councils they hold or
    # held a role in; then the sections and the audit event as above (no person lookup: it is
    # the signed-in user)
    expected = 4 + EXPORT_QUERIES - 1
    add_rows(cast, 1)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    add_rows(cast, 19, start=1)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert b"Row 19" in response.content


def test_retention_settings_page_query_count(cast, client_for, django_assert_num_queries):
    client = client_for("clerk")
    url = reverse("council:retention_settings", args=[cast.council.slug])
    # + the council's retention row (none yet: the defaults)
    with django_assert_num_queries(COUNCIL_PAGE + 1):
        assert client.get(url).status_code == 200
    client.post(url, GOOD)
    with django_assert_num_queries(COUNCIL_PAGE + 1):
        response = client.get(url)
    assert b'value="60"' in response.content
