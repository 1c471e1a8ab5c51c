"""R27, the tamper-evident audit log (council.audit): every workflow transition, release, opening
of a document with personal data, role change and failed sign-in appends one event to its council's
hash chain (or the portal's); a change behind the database's back is detected and named, with its
chain, by `manage.py verify_audit`. Migration 0008's re-seal of the old single chain is tested here
too, through its functions.

Some tests need PostgreSQL (its trigger, and its locks: two councils' appends must not wait for
each other): CI's second run sets DATABASE_URL to PostgreSQL, as for
tests/correspondence/requests/test_request_concurrency.py. On SQLite the rest run, including the
tampering tests (there a raw UPDATE gets behind the model's guards).
"""

from __future__ import annotations

import importlib
import threading
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from concerns import formal as concern_formal
from concerns import services as concerns
from concerns.models import Concern
from correspondence.group_reports import services as group_reports
from correspondence.letters import services as letters
from correspondence.letters.services import To
from correspondence.models import Correspondence, GroupReport, Recipient
from correspondence.press import services as press
from correspondence.requests import services as requests
from council import services
from council.audit import GENESIS_HASH, audit_record, verify_chain
from council.demo import DEMO_PASSWORD
from council.models import (
    PORTAL_CHAIN,
    AuditEvent,
    AuditKind,
    AuditLogIsAppendOnly,
    PoliticalGroup,
    Role,
    User,
)
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


def at_position(chain: int, position: int) -> AuditEvent:
    """The event at this place in this chain (PORTAL_CHAIN, or a council's id)."""
    return AuditEvent.objects.get(chain=chain, position=position)


def portal_events(n: int = 2) -> None:
    """Append n events that belong to no council (the demo makes none): the portal's chain."""
    for i in range(n):
        audit_record(kind=AuditKind.SIGN_IN_FAILED, acting_user=None, data={"step": str(i)})


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
        "requests:release_download",
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
    concern_formal.concern_start_formal(concern=concern, acting_user=cast.clerk)
    since.one(AuditKind.CONCERN_FORMAL, actor=cast.clerk, council=cast.council, target=concern)
    first = date(2030, 3, 4)  # a Monday
    hearing = concern_formal.hearing_arrange(
        concern=concern,
        held_on=first,
        members=[cast.personnel, cast.vice_chair, cast.councillor],
        acting_user=cast.clerk,
    )
    since.one(
        AuditKind.CONCERN_HEARING_ARRANGED, actor=cast.clerk, council=cast.council, target=hearing
    )
    concern_formal.hearing_move(
        hearing=hearing, held_on=first + timedelta(days=1), companion="Ann", acting_user=cast.clerk
    )
    since.one(
        AuditKind.CONCERN_HEARING_MOVED, actor=cast.clerk, council=cast.council, target=hearing
    )
    concern_formal.hearing_decide(
        hearing=hearing, outcome="upheld", reasons="Found.", acting_user=cast.clerk
    )
    event = since.one(
        AuditKind.CONCERN_HEARING_DECIDED, actor=cast.clerk, council=cast.council, target=hearing
    )
    assert event.data == {"concern_id": concern.pk, "kind": "hearing", "outcome": "upheld"}
    concern_formal.concern_appeal(concern=concern, grounds="Unfair.", acting_user=cast.councillor2)
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
    # Not the link: the first event of the portal's chain holds the genesis hash, all zeros.
    assert b"000000" not in event.canonical().replace(event.prev_hash.encode(), b"")


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
# The chains, one per council and one for the portal, and tampering
# ---------------------------------------------------------------------------------------------


def test_r27_each_council_has_its_own_chain_and_every_chain_verifies(cast, capsys):
    ask(cast, [cast.committee_document])
    portal_events()
    events = list(AuditEvent.objects.order_by("chain", "position"))
    assert len(events) > 10  # the demo's roles, the request and the failed sign-ins
    chains: dict[int, list[AuditEvent]] = {}
    for event in events:
        chains.setdefault(event.chain, []).append(event)
    assert list(chains) == [PORTAL_CHAIN, cast.council.pk, cast.other.pk]
    for chain, in_chain in chains.items():
        assert {e.council_id or PORTAL_CHAIN for e in in_chain} == {chain}
        # Positions count from 1 in each chain, with no gaps, in the order they were appended.
        assert [e.position for e in in_chain] == list(range(1, len(in_chain) + 1))
        assert [e.sequence for e in in_chain] == sorted(e.sequence for e in in_chain)
        assert in_chain[0].prev_hash == GENESIS_HASH
        for before, event in zip(in_chain, in_chain[1:], strict=False):
            assert event.prev_hash == before.hash
    for event in events:
        assert event.hash == event.compute_hash() and len(event.hash) == 64
    check = verify_chain(chunk_size=3)  # several chunks, which cross from chain to chain
    assert (check.ok, check.first_broken_id, check.reason, check.checked) == (
        True,
        None,
        "",
        len(events),
    )
    assert [(s.chain, s.checked, s.last_position, s.last_hash, s.ok) for s in check.chains] == [
        (chain, len(in_chain), len(in_chain), in_chain[-1].hash, True)
        for chain, in_chain in chains.items()
    ]
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert f"Audit log intact: {len(events)} events in 3 chains." in out
    # Each chain's latest hash, since a chain cannot show events removed from its end.
    for council in (cast.council, cast.other):
        n = len(chains[council.pk])
        line = f"{council.name} (council {council.pk}): {n} events, latest hash "
        assert line + chains[council.pk][-1].hash in out
    assert f"the portal: 2 events, latest hash {chains[PORTAL_CHAIN][-1].hash}" in out


def test_r27_the_hash_covers_the_chain_and_the_position(cast):
    event = AuditEvent.objects.filter(chain=cast.council.pk).order_by("position").last()
    assert event is not None
    original = event.compute_hash()
    for field, value in (("chain", cast.other.pk), ("position", event.position + 1)):
        moved = AuditEvent(
            **{f.attname: getattr(event, f.attname) for f in AuditEvent._meta.fields}
        )
        setattr(moved, field, value)
        assert moved.compute_hash() != original
    # The id orders the whole log but is not hashed: the database assigns it after the hash.
    assert b'"sequence"' not in event.canonical()
    assert b'"chain":%d' % cast.council.pk in event.canonical()


def test_r27_audit_chain_detects_a_row_altered_behind_the_triggers_back(cast):
    assert verify_chain().ok
    victim = at_position(cast.council.pk, 3)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET actor_name = %s WHERE sequence = %s",
            ["Someone Else", victim.sequence],
        )
    check = verify_chain()
    assert (check.ok, check.first_broken_id) == (False, victim.sequence)
    assert "do not match its hash" in check.reason
    assert [s.chain for s in check.broken] == [cast.council.pk]  # the other chains are intact
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert str(error.value) == (
        f"Audit log broken in the chain of {cast.council.name} (council {cast.council.pk}) at "
        f"event {victim.sequence} ({victim.kind}, {victim.at.isoformat()}): {check.reason}."
    )


@pytest.mark.parametrize("which", ["other council", "portal"])
def test_r27_verify_audit_names_the_chain_of_a_row_altered_in_another_chain(cast, capsys, which):
    portal_events()
    chain = cast.other.pk if which == "other council" else PORTAL_CHAIN
    victim = at_position(chain, 2)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET data = %s WHERE sequence = %s",
            ['{"step": "none"}', victim.sequence],
        )
    label = f"{cast.other.name} (council {cast.other.pk})" if chain else "the portal"
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert str(error.value).startswith(
        f"Audit log broken in the chain of {label} at event {victim.sequence} ({victim.kind}, "
    )
    assert str(error.value).endswith(
        "its contents do not match its hash: it was changed after it was written."
    )
    # The intact chains' latest hashes are still printed, to be kept.
    out = capsys.readouterr().out
    assert f"{cast.council.name} (council {cast.council.pk}): " in out
    assert label + ":" not in out


def test_r27_audit_chain_detects_a_row_rewritten_with_a_fresh_hash_at_the_next_row(cast):
    victim = at_position(cast.council.pk, 3)
    victim.actor_name = "Someone Else"
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET actor_name = %s, hash = %s WHERE sequence = %s",
            [victim.actor_name, victim.compute_hash(), victim.sequence],
        )
    check = verify_chain()
    assert (check.ok, check.first_broken_id) == (False, at_position(cast.council.pk, 4).sequence)
    assert "does not match the event before it" in check.reason


def test_r27_audit_chain_detects_a_row_removed_from_the_middle_as_a_gap_in_its_chain(cast):
    portal_events(3)
    after = at_position(PORTAL_CHAIN, 3)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "DELETE FROM council_auditevent WHERE sequence = %s",
            [at_position(PORTAL_CHAIN, 2).sequence],
        )
    check = verify_chain()
    assert (check.ok, check.first_broken_id) == (False, after.sequence)
    assert check.reason == "the event at position 2 is missing before it"
    assert [s.chain for s in check.broken] == [PORTAL_CHAIN]
    with pytest.raises(CommandError, match=f"the portal at event {after.sequence} "):
        call_command("verify_audit")

    # Two in a row, in a council's chain.
    after = at_position(cast.council.pk, 7)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "DELETE FROM council_auditevent WHERE chain = %s AND position IN (5, 6)",
            [cast.council.pk],
        )
    (portal, council) = verify_chain().broken
    assert (council.chain, council.first_broken_id) == (cast.council.pk, after.sequence)
    assert council.reason == "the events at positions 5 to 6 are missing before it"


def test_r27_an_event_moved_to_another_chain_is_detected(cast):
    victim = at_position(cast.council.pk, 3)
    after = at_position(cast.council.pk, 4)
    end = AuditEvent.objects.filter(chain=cast.other.pk).order_by("position").last()
    assert end is not None
    # Filed at the end of the other council's chain, linked to its last event.
    moved = dict(
        chain=cast.other.pk,
        council_id=cast.other.pk,
        council_name=cast.other.name,
        position=end.position + 1,
        prev_hash=end.hash,
    )
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET "
            + ", ".join(f"{column} = %s" for column in moved)
            + " WHERE sequence = %s",
            [*moved.values(), victim.sequence],
        )
    check = verify_chain()
    broken = {status.chain: status for status in check.broken}
    assert set(broken) == {cast.council.pk, cast.other.pk}
    # Its hash covers its chain and its position; and its own chain has a gap where it was.
    assert broken[cast.other.pk].first_broken_id == victim.sequence
    assert "do not match its hash" in broken[cast.other.pk].reason
    assert broken[cast.council.pk].first_broken_id == after.sequence
    assert broken[cast.council.pk].reason == "the event at position 3 is missing before it"

    # Even with its hash recomputed, the gap it left stays.
    event = AuditEvent.objects.get(sequence=victim.sequence)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE council_auditevent SET hash = %s WHERE sequence = %s",
            [event.compute_hash(), victim.sequence],
        )
    (broken_chain,) = verify_chain().broken
    assert (broken_chain.chain, broken_chain.first_broken_id) == (cast.council.pk, after.sequence)

    # Moved to another chain without its council: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        with behind_the_triggers_back() as cursor:
            cursor.execute(
                "UPDATE council_auditevent SET chain = %s WHERE sequence = %s",
                [cast.other.pk, after.sequence],
            )


def test_r27_two_events_cannot_take_the_same_place_in_a_chain(cast):
    last = AuditEvent.objects.filter(chain=cast.council.pk).order_by("position").last()
    assert last is not None
    twin = AuditEvent(**{f.attname: getattr(last, f.attname) for f in AuditEvent._meta.fields})
    twin.sequence = None  # a new row, at the same position in the same chain
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@needs_postgresql
def test_r27_postgresql_refuses_to_update_or_delete_an_audit_event(cast):
    first = at_position(cast.council.pk, 1)
    statements = [
        f"UPDATE council_auditevent SET actor_name = 'Someone Else' WHERE sequence = {first.pk}",
        f"DELETE FROM council_auditevent WHERE sequence = {first.pk}",
    ]
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditEvent.objects.get(pk=first.pk).actor_name == cast.clerk.name
    assert verify_chain().ok


def test_r27_the_model_refuses_to_change_or_delete_an_event(cast):
    event = at_position(cast.council.pk, 1)
    event.actor_name = "Someone Else"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="Someone Else")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_create([AuditEvent(sequence=999)])
    # A copy with the primary key of an existing row cannot overwrite it either.
    copy = AuditEvent(**{f.attname: getattr(event, f.attname) for f in AuditEvent._meta.fields})
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()
    assert AuditEvent.objects.get(pk=event.pk).actor_name == cast.clerk.name
    assert verify_chain().ok


def test_r27_audit_record_refuses_an_unknown_kind_and_floats_in_its_data(cast):
    with pytest.raises(ValueError, match="Unknown audit event kind"):
        audit_record(kind="made_up", acting_user=cast.clerk)
    with pytest.raises(TypeError, match="no floats"):
        audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=cast.clerk, data={"x": [1.5]})
    assert verify_chain().ok


# ---------------------------------------------------------------------------------------------
# Migration 0008: the single global chain re-sealed into one chain per council
# ---------------------------------------------------------------------------------------------

resealing = importlib.import_module("council.migrations.0008_audit_chain_per_council")


def old_global_chain(cast) -> list[AuditEvent]:
    """The events so far, rewritten as the single chain of migration 0007 had them: `sequence`
    1, 2, 3 … across every council, each event linked to the one before it whichever council it
    belongs to, the old hash form. (Chain and position, which 0007 had not, are placeholders the
    re-seal overwrites.) Returns them as written."""
    portal_events()
    ask(cast, [cast.committee_document])
    audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=cast.clerk, council=cast.other)
    portal_events(1)
    events = list(AuditEvent.objects.order_by("sequence"))
    with behind_the_triggers_back() as cursor:
        cursor.execute("DELETE FROM council_auditevent")
    prev_hash = GENESIS_HASH
    for n, event in enumerate(events, start=1):
        event.sequence, event.position, event.prev_hash = n, 10**9 + n, prev_hash
        event.hash = resealing.global_hash(event)
        event._state.adding = True
        event.save()
        prev_hash = event.hash
    return events


def test_r27_the_migration_reseals_the_global_chain_into_one_chain_per_council(cast, capsys):
    events = old_global_chain(cast)
    chains = [e.chain for e in events]
    assert len(set(chains)) == 3 and chains != sorted(chains)  # interleaved, as they happened
    assert resealing.first_break_in_the_global_chain(AuditEvent) is None
    assert not verify_chain().ok  # the old form does not pass as the new one
    with behind_the_triggers_back():
        assert resealing.reseal(AuditEvent) == 3
    check = verify_chain(chunk_size=7)
    assert check.ok and check.checked == len(events)
    # Each chain holds its council's events in their old order, numbered from 1.
    for status in check.chains:
        in_chain = [e.sequence for e in events if (e.council_id or PORTAL_CHAIN) == status.chain]
        rows = AuditEvent.objects.filter(chain=status.chain).order_by("position")
        assert [(e.sequence, e.position) for e in rows] == [
            (sequence, n) for n, sequence in enumerate(in_chain, start=1)
        ]
    # The migration's frozen copy of the hash form is the model's.
    for event in AuditEvent.objects.all():
        assert resealing.chained_hash(event) == event.compute_hash() == event.hash
    # And the chains go on from there.
    event = audit_record(kind=AuditKind.ROLE_CHANGED, acting_user=cast.clerk, council=cast.other)
    assert event.position == AuditEvent.objects.filter(chain=cast.other.pk).count()
    call_command("verify_audit")
    assert f"Audit log intact: {len(events) + 1} events in 3 chains." in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["altered", "removed"])
def test_r27_the_migration_refuses_to_reseal_a_broken_chain(cast, damage):
    events = old_global_chain(cast)
    victim = events[4]  # sequence 5
    with behind_the_triggers_back() as cursor:
        if damage == "altered":
            cursor.execute(
                "UPDATE council_auditevent SET actor_name = 'Someone Else' WHERE sequence = 5"
            )
        else:
            cursor.execute("DELETE FROM council_auditevent WHERE sequence = 5")
            victim = events[5]
    with pytest.raises(resealing.AuditLogBroken) as error:
        resealing.refuse_a_broken_chain(AuditEvent)
    reason = {
        "altered": "its contents do not match its hash: it was changed after it was written",
        "removed": "events 5 to 5 are missing before it",
    }[damage]
    assert str(error.value).startswith(
        f"The audit log is broken at event {victim.sequence} ({victim.kind}, "
        f"{victim.at.isoformat()}): {reason}. Migration council 0008 re-seals"
    )


# ---------------------------------------------------------------------------------------------
# Concurrency (PostgreSQL)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def tasks_in_process_for_services():
    """As in tests/concerns/test_concern_concurrency.py: these `services` tests need only
    PostgreSQL, so the cast's notices are delivered in-process, leaving nothing in Redis."""
    from council.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


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
    assert (a.chain, b.chain, b.position) == (PORTAL_CHAIN, PORTAL_CHAIN, a.position + 1)
    assert b.prev_hash == a.hash

    # Many at once, in three chains, with nobody holding back: still three unbroken chains.
    councils = [cast.council, cast.other, None]

    def append_five(n: int):
        try:
            for i in range(5):
                audit_record(
                    kind=AuditKind.ROLE_CHANGED,
                    acting_user=None,
                    council=councils[n % 3],
                    data={"n": n, "i": i},
                )
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
    assert len(check.chains) == 3


@pytest.mark.services
@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tasks_in_process_for_services")
def test_two_councils_audited_writes_do_not_wait_for_each_other(cast):
    a_appended = threading.Event()
    let_a_commit = threading.Event()
    finished: dict[str, AuditEvent] = {}

    def append(name, council, hold=False):
        try:
            with transaction.atomic():
                finished[name] = audit_record(
                    kind=AuditKind.ROLE_CHANGED,
                    acting_user=None,
                    council=council,
                    data={"by": name},
                )
                if hold:  # a slow request: its transaction stays open
                    a_appended.set()
                    let_a_commit.wait(timeout=20)
        finally:
            connection.close()

    a = threading.Thread(target=append, args=("a", cast.council, True))
    b = threading.Thread(target=append, args=("b", cast.other))
    a_again = threading.Thread(target=append, args=("a again", cast.council))
    try:
        a.start()
        assert a_appended.wait(timeout=10)
        # Council B's audited write finishes while council A's transaction is still open.
        b.start()
        b.join(timeout=5)
        assert not b.is_alive(), "council B's append waited for council A's transaction"
        assert "b" in finished and a.is_alive()
        # Another append to council A's chain waits for A's transaction: the lock still
        # serialises one chain.
        a_again.start()
        a_again.join(timeout=1.5)
        assert a_again.is_alive(), "a second append to council A's chain did not wait"
        assert "a again" not in finished
    finally:
        let_a_commit.set()
        for thread in (a, b, a_again):
            if thread.ident is not None:
                thread.join(timeout=10)
    first, second = finished["a"], finished["a again"]
    assert (second.chain, second.position) == (cast.council.pk, first.position + 1)
    assert second.prev_hash == first.hash
    assert verify_chain().ok
