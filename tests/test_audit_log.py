"""R27, the tamper-evident audit log (council.audit): every workflow transition, release, opening
of a document with personal data, role change and failed sign-in appends one event to a hash
chain; a change behind the database's back is detected and named by `manage.py verify_audit`.

Two tests need PostgreSQL (its trigger, and row-level concurrency): CI's second run sets
DATABASE_URL to PostgreSQL, as for tests/test_request_concurrency.py. On SQLite the rest run,
including the tampering tests (there a raw UPDATE gets behind the model's guards).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from concerns import services as concerns
from concerns.models import Concern
from correspondence import group_reports, letters, press
from correspondence import services as requests
from correspondence.letters import To
from correspondence.models import Correspondence, GroupReport, Recipient
from council import services
from council.audit import (
    GENESIS_HASH,
    AuditEvent,
    AuditKind,
    AuditLogIsAppendOnly,
    audit_record,
    verify_chain,
)
from council.demo import DEMO_PASSWORD
from council.models import PoliticalGroup, Role, User
from council.policy import standing_for
from protocol import services as protocol

TODAY = timezone.localdate
POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
needs_postgresql = pytest.mark.skipif(
    not POSTGRESQL,
    reason="needs PostgreSQL (its trigger, its row locks): set DATABASE_URL=postgres://... (CI's "
    "second run does)",
)
Stage = Concern.Stage


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


class Since:
    """The events appended since it was made."""

    def __init__(self):
        self.mark = last_sequence()

    def events(self) -> list[AuditEvent]:
        events = list(AuditEvent.objects.filter(sequence__gt=self.mark))
        self.mark = last_sequence()
        return events

    def one(self, kind, *, actor, council, target) -> AuditEvent:
        """Exactly one new event, of this kind, naming this actor, council and target."""
        events = self.events()
        assert [e.kind for e in events] == [kind]
        (event,) = events
        assert (event.actor_id, event.actor_name) == (actor.pk, actor.name)
        assert (event.council_id, event.council_name) == (council.pk, council.name)
        assert (event.target_model, event.target_pk) == (target._meta.label_lower, str(target.pk))
        return event


@contextmanager
def behind_the_triggers_back():
    """Raw SQL gets past the model's guards; on PostgreSQL the trigger is switched off too (inside
    the test's transaction, so it is back on when the test ends, whatever happens)."""
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute(
                "ALTER TABLE council_auditevent DISABLE TRIGGER council_auditevent_append_only"
            )
        yield cursor
        if POSTGRESQL:
            cursor.execute(
                "ALTER TABLE council_auditevent ENABLE TRIGGER council_auditevent_append_only"
            )


def ask(cast, documents, justification=""):
    return requests.request_submit(
        standing=standing_for(cast.councillor, cast.council),
        documents=documents,
        summary="The papers for the next meeting",
        information="",
        purpose="To prepare for the meeting.",
        justification=justification,
    )


def raise_concern(cast, subject="councillor2", **extra):
    return concerns.concern_raise(
        raiser=standing_for(cast.officer, cast.council),
        subject=cast.by_name(subject),
        what_happened="Shouted at me in the office on Tuesday.",
        **{"kind": Concern.Kind.CONDUCT, **extra},
    )


# ---------------------------------------------------------------------------------------------
# Each hook appends exactly one event, naming who, which council and what
# ---------------------------------------------------------------------------------------------


def test_r27_every_transition_of_an_information_request_appends_one_event(cast):
    since = Since()
    info_request = ask(cast, [cast.committee_document])
    event = since.one(
        AuditKind.REQUEST_SUBMITTED,
        actor=cast.councillor,
        council=cast.council,
        target=info_request,
    )
    assert event.data == {"route": "presumed", "document_ids": [cast.committee_document.pk]}
    requests.request_delegate(info_request=info_request, officer=cast.rfo, acting_user=cast.clerk)
    event = since.one(
        AuditKind.REQUEST_DELEGATED, actor=cast.clerk, council=cast.council, target=info_request
    )
    assert event.data == {"handler_id": cast.rfo.pk}
    requests.request_ask_clarification(
        info_request=info_request, question="Which meeting?", acting_user=cast.rfo
    )
    since.one(
        AuditKind.REQUEST_CLARIFICATION_ASKED,
        actor=cast.rfo,
        council=cast.council,
        target=info_request,
    )
    requests.request_clarify(info_request=info_request, answer="June.", acting_user=cast.councillor)
    since.one(
        AuditKind.REQUEST_CLARIFIED,
        actor=cast.councillor,
        council=cast.council,
        target=info_request,
    )
    requests.request_decide(
        info_request=info_request, outcome="granted", reasons="Presumed.", acting_user=cast.rfo
    )
    event = since.one(
        AuditKind.REQUEST_DECIDED, actor=cast.rfo, council=cast.council, target=info_request
    )
    assert event.data == {
        "outcome": "granted",
        "granted_document_ids": [cast.committee_document.pk],
    }
    # The question, the answer and the reasons stay on the request, not in the log.
    assert "June" not in str(AuditEvent.objects.values_list("data", flat=True))

    other = ask(cast, [cast.committee_document])
    since.events()
    requests.request_withdraw(info_request=other, acting_user=cast.councillor)
    since.one(
        AuditKind.REQUEST_WITHDRAWN, actor=cast.councillor, council=cast.council, target=other
    )


def test_r27_a_released_document_is_logged_as_released_at_its_first_opening_only(cast, client_for):
    info_request = ask(cast, [cast.committee_document])
    requests.request_decide(
        info_request=info_request, outcome="granted", reasons="Presumed.", acting_user=cast.clerk
    )
    requests.release_confirm_purpose(info_request=info_request, acting_user=cast.councillor)
    url = reverse(
        "correspondence:release_download",
        args=[cast.council.slug, info_request.pk, cast.committee_document.pk],
    )
    client = client_for("councillor")
    since = Since()
    assert client.get(url).status_code == 200
    event = since.one(
        AuditKind.DOCUMENT_RELEASED,
        actor=cast.councillor,
        council=cast.council,
        target=cast.committee_document,
    )
    assert event.data == {"request_id": info_request.pk}
    # Later openings are in the access log (R8); the release happened once.
    assert client.get(url).status_code == 200
    assert since.events() == []


def test_r27_every_opening_of_a_document_with_personal_data_is_logged(cast, client_for):
    # Through the register: an officer opens it twice; a committee document is not logged.
    client = client_for("officer")
    since = Since()
    for _ in range(2):
        url = reverse(
            "council:document_download", args=[cast.council.slug, cast.personal_document.pk]
        )
        assert client.get(url).status_code == 200
        event = since.one(
            AuditKind.PERSONAL_DATA_DOCUMENT_OPENED,
            actor=cast.officer,
            council=cast.council,
            target=cast.personal_document,
        )
        assert event.data == {"via": "register"}
    url = reverse("council:document_download", args=[cast.council.slug, cast.committee_document.pk])
    assert client.get(url).status_code == 200
    assert since.events() == []

    # Released to a councillor: the first opening is the release and an opening; later ones are
    # openings.
    info_request = ask(cast, [cast.personal_document], justification="The arrears complaint.")
    requests.request_decide(
        info_request=info_request, outcome="granted", reasons="Needed.", acting_user=cast.clerk
    )
    info_request = requests.release_confirm_purpose(
        info_request=info_request, acting_user=cast.councillor
    )
    since.events()
    for kinds in (
        [AuditKind.DOCUMENT_RELEASED, AuditKind.PERSONAL_DATA_DOCUMENT_OPENED],
        [AuditKind.PERSONAL_DATA_DOCUMENT_OPENED],
    ):
        requests.release_open(
            info_request=info_request, document=cast.personal_document, acting_user=cast.councillor
        )
        events = since.events()
        assert [e.kind for e in events] == kinds
        assert {(e.actor_id, e.target_pk) for e in events} == {
            (cast.councillor.pk, str(cast.personal_document.pk))
        }
        assert events[-1].data == {"via": "release", "request_id": info_request.pk}


def test_r27_every_stage_change_of_a_concern_appends_one_event(cast):
    since = Since()
    concern = raise_concern(cast)
    event = since.one(
        AuditKind.CONCERN_RAISED, actor=cast.officer, council=cast.council, target=concern
    )
    # R16: the log keeps the route and the handler, nothing of what happened.
    assert event.data == {"path": concern.path, "handler_id": cast.clerk.pk}
    concerns.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="Talk first.", acting_user=cast.clerk
    )
    since.one(AuditKind.CONCERN_TRIAGED, actor=cast.clerk, council=cast.council, target=concern)
    concerns.concern_tell_subject(concern=concern, message="Raised.", acting_user=cast.clerk)
    since.one(
        AuditKind.CONCERN_SUBJECT_TOLD, actor=cast.clerk, council=cast.council, target=concern
    )
    concerns.concern_start_formal(concern=concern, acting_user=cast.clerk)
    since.one(AuditKind.CONCERN_FORMAL, actor=cast.clerk, council=cast.council, target=concern)
    first = date(2030, 3, 4)  # a Monday
    hearing = concerns.hearing_arrange(
        concern=concern,
        held_on=first,
        members=[cast.personnel, cast.vice_chair, cast.councillor],
        acting_user=cast.clerk,
    )
    since.one(
        AuditKind.CONCERN_HEARING_ARRANGED, actor=cast.clerk, council=cast.council, target=hearing
    )
    concerns.hearing_move(
        hearing=hearing, held_on=first + timedelta(days=1), companion="Ann", acting_user=cast.clerk
    )
    since.one(
        AuditKind.CONCERN_HEARING_MOVED, actor=cast.clerk, council=cast.council, target=hearing
    )
    concerns.hearing_decide(
        hearing=hearing, outcome="upheld", reasons="Found.", acting_user=cast.clerk
    )
    event = since.one(
        AuditKind.CONCERN_HEARING_DECIDED, actor=cast.clerk, council=cast.council, target=hearing
    )
    assert event.data == {"concern_id": concern.pk, "kind": "hearing", "outcome": "upheld"}
    concerns.concern_appeal(concern=concern, grounds="Unfair.", acting_user=cast.councillor2)
    since.one(
        AuditKind.CONCERN_APPEALED, actor=cast.councillor2, council=cast.council, target=concern
    )

    informal = raise_concern(cast)
    since.events()
    concerns.concern_close(
        concern=informal,
        outcome=Concern.Outcome.RESOLVED_INFORMALLY,
        reasons="Settled.",
        acting_user=cast.clerk,
    )
    since.one(AuditKind.CONCERN_CLOSED, actor=cast.clerk, council=cast.council, target=informal)

    withdrawn = raise_concern(cast)
    since.events()
    concerns.concern_withdraw(concern=withdrawn, acting_user=cast.officer)
    since.one(
        AuditKind.CONCERN_WITHDRAWN, actor=cast.officer, council=cast.council, target=withdrawn
    )

    referred = raise_concern(cast, kind=Concern.Kind.CODE_OF_CONDUCT)
    since.events()
    concerns.concern_refer(
        concern=referred, referred_on=TODAY(), reference="WDC/1", acting_user=cast.clerk
    )
    since.one(AuditKind.CONCERN_REFERRED, actor=cast.clerk, council=cast.council, target=referred)


def test_r27_correspondence_sent_recorded_and_copied_each_append_one_event(cast):
    def draft(kind=Correspondence.Kind.EMAIL):
        return letters.item_draft(
            council=cast.council,
            kind=kind,
            subject="The bus shelter",
            body="Thank you for your letter.",
            recipients=[To(user=cast.councillor)],
            signatory=cast.clerk,
            acting_user=cast.clerk,
        )

    item = draft()
    since = Since()
    letters.item_send(item=item, acting_user=cast.clerk)
    event = since.one(
        AuditKind.CORRESPONDENCE_SENT, actor=cast.clerk, council=cast.council, target=item
    )
    assert event.data["recipient_ids"] == [item.recipients.get().pk]
    letters.item_copy(item=item, recipients=[To(user=cast.councillor2)], acting_user=cast.clerk)
    event = since.one(
        AuditKind.CORRESPONDENCE_COPIED, actor=cast.clerk, council=cast.council, target=item
    )
    copy = Recipient.objects.get(item=item, user=cast.councillor2)
    assert event.data == {"recipient_ids": [copy.pk]}
    letter = draft(Correspondence.Kind.LETTER)
    since.events()
    letters.item_record(item=letter, sent_on=TODAY(), acting_user=cast.clerk)
    since.one(
        AuditKind.CORRESPONDENCE_RECORDED, actor=cast.clerk, council=cast.council, target=letter
    )


def test_r27_press_approval_and_publication_each_append_one_event(cast):
    release = press.press_draft(
        council=cast.council,
        title="Bench news",
        body="New benches on the green.",
        quoted=None,
        quote="",
        sensitive=False,
        acting_user=cast.chair,
    )
    release = press.press_submit(release=release, acting_user=cast.chair)
    since = Since()
    press.press_approve(release=release, acting_user=cast.clerk)
    event = since.one(
        AuditKind.PRESS_APPROVED, actor=cast.clerk, council=cast.council, target=release
    )
    assert event.data == {"status": "approved"}
    press.press_publish(release=release, acting_user=cast.clerk)
    since.one(AuditKind.PRESS_PUBLISHED, actor=cast.clerk, council=cast.council, target=release)


def test_r27_issuing_a_group_report_appends_one_event(cast):
    group = PoliticalGroup.objects.get(council=cast.council, name="Oak Party")
    report = group_reports.report_save(
        council=cast.council,
        group=group,
        subject="The village hall roof",
        facts="The roof leaks.",
        options="Repair it, or replace it.",
        acting_user=cast.clerk,
    )
    since = Since()
    group_reports.report_issue(report=report, acting_user=cast.clerk)
    event = since.one(
        AuditKind.GROUP_REPORT_ISSUED, actor=cast.clerk, council=cast.council, target=report
    )
    assert event.data == {"group_id": group.pk, "issued_on": TODAY().isoformat()}
    assert GroupReport.objects.get(pk=report.pk).status == "issued"


def test_r27_adopting_the_protocol_appends_one_event(cast):
    draft = protocol.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    since = Since()
    protocol.version_adopt(
        version=draft,
        adopted_on=TODAY(),
        minute_reference="26/01",
        review_on=TODAY() + timedelta(days=365),
        acting_user=cast.clerk,
    )
    event = since.one(
        AuditKind.PROTOCOL_ADOPTED, actor=cast.clerk, council=cast.council, target=draft
    )
    assert event.data["minute_reference"] == "26/01"
    assert event.data["superseded_id"] is None


def test_r27_a_role_created_changed_and_ended_each_append_one_event(cast):
    user = User.objects.create_user("nia@example.org", name="Nia Evans")
    since = Since()
    role = services.role_create(
        council=cast.council,
        user=user,
        kind=Role.Kind.COUNCILLOR,
        starts_on=TODAY(),
        ends_on=TODAY() + timedelta(days=400),
        acting_user=cast.clerk,
    )
    event = since.one(AuditKind.ROLE_CREATED, actor=cast.clerk, council=cast.council, target=role)
    assert event.data == {
        "user_id": user.pk,
        "kind": "councillor",
        "acting": False,
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + timedelta(days=400)).isoformat(),
    }
    later = TODAY() + timedelta(days=800)
    services.role_change_dates(role=role, starts_on=TODAY(), ends_on=later, acting_user=cast.clerk)
    event = since.one(AuditKind.ROLE_CHANGED, actor=cast.clerk, council=cast.council, target=role)
    assert event.data["now"]["ends_on"] == later.isoformat()
    services.role_change_dates(
        role=role, starts_on=TODAY(), ends_on=TODAY(), acting_user=cast.clerk
    )
    event = since.one(AuditKind.ROLE_ENDED, actor=cast.clerk, council=cast.council, target=role)
    assert (event.data["was"]["ends_on"], event.data["now"]["ends_on"]) == (
        later.isoformat(),
        TODAY().isoformat(),
    )


def test_r27_a_failed_sign_in_is_recorded_without_the_password(cast, client):
    since = Since()
    password = "not-the-password-1234"
    response = client.post(
        reverse("account_login"), {"login": "Councillor@example.org", "password": password}
    )
    assert b"not correct" in response.content
    (event,) = since.events()
    assert (event.kind, event.actor_id, event.council_id) == (AuditKind.SIGN_IN_FAILED, None, None)
    assert (event.target_model, event.target_pk) == ("council.user", str(cast.councillor.pk))
    assert event.data == {"step": "password"}
    assert b"councillor@example.org" not in event.canonical()
    assert password.encode() not in event.canonical()

    # An address that is nobody's is not kept at all.
    client.post(reverse("account_login"), {"login": "someone@example.net", "password": password})
    (event,) = since.events()
    assert (event.kind, event.target_pk, event.data) == (
        AuditKind.SIGN_IN_FAILED,
        "",
        {"step": "password"},
    )
    assert b"someone@example.net" not in event.canonical()
    assert password.encode() not in event.canonical()


def test_r27_a_wrong_two_factor_code_is_recorded_as_a_failed_sign_in(cast, client):
    response = client.post(
        reverse("account_login"), {"login": cast.clerk.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and "2fa" in response["Location"]
    since = Since()
    client.post(response["Location"], {"code": "000000"})
    (event,) = since.events()
    assert (event.kind, event.target_pk) == (AuditKind.SIGN_IN_FAILED, str(cast.clerk.pk))
    assert event.data == {"step": "two_factor"}
    assert b"000000" not in event.canonical()


# ---------------------------------------------------------------------------------------------
# Same transaction as the change
# ---------------------------------------------------------------------------------------------


def test_r27_a_rolled_back_change_leaves_no_audit_event(cast):
    user = User.objects.create_user("nia@example.org", name="Nia Evans")
    before = last_sequence()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.role_create(
            council=cast.council,
            user=user,
            kind=Role.Kind.COUNCILLOR,
            starts_on=TODAY(),
            acting_user=cast.clerk,
        )
        raise RuntimeError("the rest of the request failed")
    assert not Role.objects.filter(user=user).exists()
    assert last_sequence() == before
    # A refused action leaves none either, and the next event continues the chain.
    info_request = ask(cast, [cast.committee_document])
    requests.request_decide(
        info_request=info_request, outcome="granted", reasons="Yes.", acting_user=cast.clerk
    )
    before = last_sequence()
    with pytest.raises(ValidationError):
        requests.request_decide(
            info_request=info_request, outcome="refused", reasons="No.", acting_user=cast.rfo
        )
    assert last_sequence() == before
    assert verify_chain().ok


# ---------------------------------------------------------------------------------------------
# The chain, and tampering
# ---------------------------------------------------------------------------------------------


def test_r27_each_event_holds_the_previous_events_hash_and_the_chain_verifies(cast, capsys):
    ask(cast, [cast.committee_document])
    events = list(AuditEvent.objects.all())
    assert len(events) > 10  # the demo's roles, and the request
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
    for event in events:
        assert event.hash == event.compute_hash() and len(event.hash) == 64
    check = verify_chain(chunk_size=3)  # several chunks
    assert check == (True, None, "", len(events), events[-1].hash)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"Audit log intact: {len(events)} events." in out
    assert events[-1].hash in out


def test_r27_audit_chain_detects_a_row_altered_behind_the_triggers_back(cast):
    assert verify_chain().ok
    victim = AuditEvent.objects.get(sequence=3)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET actor_name = %s WHERE sequence = %s",
            ["Someone Else", victim.sequence],
        )
    check = verify_chain()
    assert (check.ok, check.first_broken_id) == (False, 3)
    assert "do not match its hash" in check.reason
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert str(error.value) == (
        f"Audit log broken at event 3 ({victim.kind}, {victim.at.isoformat()}): {check.reason}."
    )


def test_r27_audit_chain_detects_a_row_rewritten_with_a_fresh_hash_at_the_next_row(cast):
    victim = AuditEvent.objects.get(sequence=3)
    victim.actor_name = "Someone Else"
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET actor_name = %s, hash = %s WHERE sequence = %s",
            [victim.actor_name, victim.compute_hash(), victim.sequence],
        )
    check = verify_chain()
    assert (check.ok, check.first_broken_id) == (False, 4)
    assert "does not match the event before it" in check.reason


def test_r27_audit_chain_detects_a_row_removed_from_the_middle(cast):
    with behind_the_triggers_back() as cursor:
        cursor.execute("DELETE FROM council_auditevent WHERE sequence = %s", [5])
    check = verify_chain()
    assert (check.ok, check.first_broken_id) == (False, 6)
    assert check.reason == "events 5 to 5 are missing before it"
    with pytest.raises(CommandError, match="Audit log broken at event 6"):
        call_command("verify_audit")


@needs_postgresql
def test_r27_postgresql_refuses_to_update_or_delete_an_audit_event(cast):
    statements = [
        "UPDATE council_auditevent SET actor_name = 'Someone Else' WHERE sequence = 1",
        "DELETE FROM council_auditevent WHERE sequence = 1",
    ]
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.get(sequence=1).actor_name == cast.clerk.name
    assert verify_chain().ok


def test_r27_the_model_refuses_to_change_or_delete_an_event(cast):
    event = AuditEvent.objects.get(sequence=1)
    event.actor_name = "Someone Else"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(sequence=1).update(actor_name="Someone Else")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_create([AuditEvent(sequence=999)])
    # A copy with the primary key of an existing row cannot overwrite it either.
    copy = AuditEvent(**{f.attname: getattr(event, f.attname) for f in AuditEvent._meta.fields})
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()
    assert AuditEvent.objects.get(sequence=1).actor_name == cast.clerk.name
    assert verify_chain().ok


def test_r27_audit_record_refuses_an_unknown_kind_and_floats_in_its_data(cast):
    with pytest.raises(ValueError, match="Unknown audit event kind"):
        audit_record(kind="made_up", acting_user=cast.clerk)
    with pytest.raises(TypeError, match="no floats"):
        audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=cast.clerk, data={"x": [1.5]})
    assert verify_chain().ok


# ---------------------------------------------------------------------------------------------
# Concurrency (PostgreSQL)
# ---------------------------------------------------------------------------------------------


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_r27_concurrent_appends_wait_for_each_other_and_keep_one_chain(cast):
    first_appended = threading.Event()
    let_first_commit = threading.Event()

    def first():
        try:
            with transaction.atomic():
                audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=cast.clerk, data={"n": 1})
                first_appended.set()
                let_first_commit.wait(timeout=10)
        finally:
            connection.close()

    def second():
        first_appended.wait(timeout=10)
        try:
            audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=cast.rfo, data={"n": 2})
        finally:
            connection.close()

    start = last_sequence()
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_appended.wait(timeout=10)
    threads[1].join(timeout=1.0)
    assert threads[1].is_alive(), "the second append did not wait for the first one's lock"
    let_first_commit.set()
    for thread in threads:
        thread.join(timeout=10)
    a, b = AuditEvent.objects.filter(sequence__gt=start)
    assert (a.data, b.data) == ({"n": 1}, {"n": 2})
    assert b.prev_hash == a.hash

    # Many at once, with nobody holding back: still one unbroken chain.
    def append_five(n: int):
        try:
            for i in range(5):
                audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=None, data={"n": n, "i": i})
        finally:
            connection.close()

    threads = [threading.Thread(target=append_five, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert AuditEvent.objects.filter(sequence__gt=start).count() == 2 + 30
    check = verify_chain()
    assert check.ok, check
