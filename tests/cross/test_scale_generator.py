"""The scale data generator (`manage.py generate_scale`) at a tiny scale: the rows it makes per
council, that every one of them passes the models' own validation and has its history row
(R27), that it follows the portal's rules (R3, R5–R9, R12, R17–R23, R25), that a second run
changes nothing, and that the pages open for the people it makes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from concerns import formal as concern_formal
from concerns import services as concern_services
from concerns.models import Concern, ConcernEvent
from concerns.routing import route_concern
from concerns.services import STAGE_WORKING_DAYS, subject_party_of
from correspondence.models import (
    Correspondence,
    InformationRequest,
    Party,
    Recipient,
    RequestEvent,
)
from correspondence.requests import deadlines as request_deadlines
from correspondence.requests import services as request_services
from council import policy, scale
from council.demo import MINIMAL_PDF
from council.lib.working_days import add_working_days
from council.models import Council, Document, Role, User
from council.scale import structure as scale_structure
from protocol import services as protocol_services
from protocol.models import ProtocolVersion, Section

COUNCILS = 4  # two clerks: one for councils 1–3, one for council 4
APPS = ("council", "protocol", "correspondence", "concerns")


def generate(councils: int = COUNCILS) -> str:
    """Run the command and return what it printed."""
    out = StringIO()
    call_command("generate_scale", councils=councils, seed=7, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(db) -> str:
    """A database with COUNCILS scale councils."""
    return generate()


def generated_models() -> list:
    """Every concrete model the generator writes to, history models aside."""
    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in APPS and not m.__name__.startswith("Historical")
    ]
    return [*ours, EmailAddress, Authenticator]


def row_counts() -> Counter:
    """Rows of every model, to compare before and after."""
    return Counter({m._meta.label: m.objects.count() for m in apps.get_models()})


def scale_council(index: int = 1) -> Council:
    """Scale council number `index`."""
    return Council.objects.get(slug=f"scale-{index:05d}")


def person(kind: str, index: int = 1, j: int | None = None) -> User:
    """A generated person by the email scheme (the clerk of council `index`'s group)."""
    if kind == "clerk":
        return User.objects.get(email=f"clerk-{(index - 1) // 3 + 1:05d}@{scale.EMAIL_DOMAIN}")
    suffix = f"-{j:02d}" if j else ""
    return User.objects.get(email=f"{kind}-{index:05d}{suffix}@{scale.EMAIL_DOMAIN}")


# ---------------------------------------------------------------------------------------------
# What it makes
# ---------------------------------------------------------------------------------------------


def test_each_council_gets_the_documented_rows(generated):
    assert "Created the scale councils" in generated
    councils = Council.objects.filter(slug__startswith="scale-").order_by("slug")
    assert [c.slug for c in councils] == [f"scale-{i:05d}" for i in range(1, COUNCILS + 1)]
    assert scale_council(1).name.endswith("Council 1")
    for index, council in enumerate(councils, start=1):
        assert (council.nation == "wales") == (index % 5 == 0)  # one in five is Welsh
        assert council.response_working_days == 10 and council.panel_quorum == 3
        assert council.documents.count() == 20
        assert council.protocols.count() == 5
        assert council.protocols.filter(status="adopted").count() == 1
        assert Section.objects.filter(version__council=council).count() == 5 * 40
        assert council.information_requests.count() == 100
        assert council.information_requests.open().count() == 6
        assert council.concerns.count() == 50
        assert council.concerns.filter(stage__in=Concern.OPEN).count() == 7
        assert council.correspondence.count() == 200
        assert council.committees.filter(kind="personnel").count() == 1
        assert council.political_groups.count() == 2
        councillors = Role.objects.filter(council=council, kind="councillor")
        assert 12 <= councillors.count() <= 13
        assert councillors.current().count() == scale.CURRENT_COUNCILLORS
        today = timezone.localdate()
        ending = councillors.current().filter(ends_on__lte=today + timedelta(days=30))
        assert 1 <= ending.count() <= 2
    # One clerk per three councils, plus an RFO, an officer and the councillors of each.
    clerks = -(-COUNCILS // 3)
    councillors = Role.objects.filter(kind="councillor").count()
    assert User.objects.count() == clerks + 2 * COUNCILS + councillors


def test_every_generated_object_passes_full_clean(generated):
    checked = 0
    for model in generated_models():
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 5_000  # every row of a council, about 1,700 each


def test_every_model_with_history_has_a_created_row_per_object_r27(generated):
    for model in generated_models():
        if not scale.is_historical(model):
            continue
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count(), model
        assert model.history.count() == model.objects.count(), model
    # Who made each row is named, except the first people of all, the clerks.
    nameless = User.history.filter(history_user__isnull=True)
    assert set(nameless.values_list("email", flat=True)) == {
        f"clerk-00001@{scale.EMAIL_DOMAIN}",
        f"clerk-00002@{scale.EMAIL_DOMAIN}",
    }
    for model in (InformationRequest, Concern, Correspondence, Recipient, Section, Document):
        assert not model.history.filter(history_user__isnull=True).exists(), model


def test_one_clerk_is_the_proper_officer_of_three_neighbouring_councils(generated):
    first, fourth = person("clerk", 1), person("clerk", 4)
    assert first != fourth
    for index in (1, 2, 3):
        assert policy.proper_officer_for(scale_council(index)) == first
    assert policy.proper_officer_for(scale_council(4)) == fourth
    # R3/two-factor: a Proper Officer must use it, and each clerk has an authenticator; so has
    # everyone else the rule asks it of (officers, chairs, the personnel committee), nobody else.
    assert policy.must_use_two_factor(first)
    with_one = set(Authenticator.objects.filter(type="totp").values_list("user_id", flat=True))
    must = {u.pk for u in User.objects.all() if policy.must_use_two_factor(u)}
    assert with_one == must
    assert len(must) < User.objects.count()  # plain councillors are not asked
    secret = Authenticator.objects.get(user=first).data["secret"]
    assert decrypt(secret) == scale.SCALE_TOTP_SECRET  # a benchmark can work out the codes
    # One password hash for everyone.
    assert User.objects.values("password").distinct().count() == 1
    assert first.check_password(scale.SCALE_PASSWORD)
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()


def test_a_second_run_changes_nothing(generated):
    before = row_counts()
    assert "already there; nothing changed" in generate()
    assert row_counts() == before


class _RolledBack(Exception):
    """Raised to undo a run inside the test's transaction."""


def snapshot() -> list:
    """What a run made, without database ids (PostgreSQL's sequences do not roll back), in an
    order that does not depend on them."""
    made = [
        (InformationRequest, ("requester__email", "summary", "status", "received_on", "due_on")),
        (Concern, ("raised_by__email", "subject__email", "stage", "raised_on", "stage_due_on")),
        (Correspondence, ("created_at", "subject", "status", "sent_on", "confidential")),
    ]
    return [
        list(model.objects.order_by("council__slug", *fields).values_list("council__slug", *fields))
        for model, fields in made
    ]


def test_the_same_seed_gives_the_same_data(db):
    try:
        with transaction.atomic():
            generate(3)
            first = snapshot()
            raise _RolledBack
    except _RolledBack:
        pass
    assert not scale.scale_exists()
    generate(3)
    assert snapshot() == first


# ---------------------------------------------------------------------------------------------
# It follows the portal's rules
# ---------------------------------------------------------------------------------------------


def test_requests_follow_routes_and_due_dates_r3_r5_r9(generated):
    today = timezone.localdate()
    for info_request in InformationRequest.objects.select_related("council", "requester"):
        council, received = info_request.council, info_request.received_on
        standing = policy.standing_for(info_request.requester, council, received)
        assert standing.is_councillor
        documents = [r.document for r in info_request.requested_documents.all()]
        assert documents or info_request.information
        assert info_request.route == request_services.request_route(
            standing=standing, documents=documents
        )
        assert info_request.due_on == info_request.deadline().due
        handler = policy.standing_for(info_request.handler, council, received)
        assert handler.is_officer
        if info_request.is_decided:
            assert info_request.decided_on < today
    for index in range(1, COUNCILS + 1):
        open_requests = scale_council(index).information_requests.open()
        assert open_requests.overdue(today).count() == 2
        in_two = add_working_days(today, 2, scale_council(index).nation).due
        assert open_requests.filter(due_on=in_two).exists()
        assert open_requests.filter(due_on__gt=in_two).exists()
        assert open_requests.exclude(handler=person("clerk", index)).exists()  # delegated (R3)


def test_concerns_follow_the_routing_table_r17_r19_r21(generated):
    for concern in Concern.objects.select_related("council", "raised_by", "subject"):
        raiser = policy.standing_for(concern.raised_by, concern.council, concern.raised_on)
        party = subject_party_of(concern.council, concern.subject, concern.raised_on)
        routing = route_concern(
            raiser=raiser, subject=concern.subject, subject_party=party, kind=concern.kind
        )
        assert (concern.path, concern.subject_party) == (routing.path, party)
        assert concern.referred_to == routing.refer_to
        if concern.stage == Concern.Stage.TRIAGE:
            assert concern.handler == routing.handler
        # R17: never handled by the person it is about or who raised it.
        handlers = {concern.handler_id, *concern.handled_by.values_list("id", flat=True)}
        assert concern.subject_id not in handlers and concern.raised_by_id not in handlers
        if concern.is_open and concern.stage in STAGE_WORKING_DAYS:
            days = STAGE_WORKING_DAYS[concern.stage]
            if concern.stage == Concern.Stage.DECIDED:
                days = concern.council.appeal_working_days
            expected = add_working_days(concern.stage_started_on, days, concern.council.nation)
            assert concern.stage_due_on == expected.due
    for hearing_concern in Concern.objects.filter(hearings__isnull=False).distinct():
        for hearing in hearing_concern.hearings.all():
            assert hearing.panel.count() >= hearing_concern.council.panel_quorum  # R20


def test_nothing_confidential_goes_outside_the_council_r12(generated):
    confidential = Recipient.objects.filter(item__confidential=True)
    assert confidential.exists()
    assert not confidential.filter(party__in=Party.outside()).exists()
    for recipient in Recipient.objects.filter(user__isnull=False).select_related("item"):
        on = recipient.added_on
        standing = policy.standing_for(recipient.user, recipient.item.council, on)
        assert standing.is_councillor or standing.is_officer


def test_the_reminder_sweeps_find_work_due_today_r9_r23_r25(generated):
    assert request_deadlines.reminders_send() > 0
    assert concern_services.reminders_send() > 0
    assert protocol_services.review_reminders_send() > 0
    chair = person("councillor", 1, 1)
    standing = policy.standing_for(chair, scale_council(1))
    open_concerns = Concern.objects.filter(stage__in=Concern.OPEN)
    escalated = policy.escalated_concerns(standing, open_concerns)
    assert escalated.filter(stage_due_on__lt=timezone.localdate()).exists()


# ---------------------------------------------------------------------------------------------
# The pages open for the people it makes
# ---------------------------------------------------------------------------------------------


def test_pages_open_for_the_generated_people(generated, client):
    slug = scale_council(1).slug
    assert client.get(f"/{slug}/protocol/").status_code == 200  # the public

    client.force_login(person("councillor", 1, 5))
    assert client.get(f"/{slug}/").status_code == 200

    clerk = person("clerk", 1)
    client.force_login(clerk)  # with an authenticator, so the two-factor middleware lets them in
    for name in ("requests:request_queue", "concerns:concern_queue"):
        response = client.get(reverse(name, args=[slug]))
        assert response.status_code == 200, name
    waiting = scale_council(1).information_requests.open().first()
    detail = reverse("requests:request_detail", args=[slug, waiting.pk])
    assert client.get(detail).status_code == 200
    document = Document.objects.filter(council__slug=slug).first()
    response = client.get(reverse("council:document_download", args=[slug, document.pk]))
    assert response.status_code == 200
    assert response.getvalue() in (MINIMAL_PDF, scale_structure.FILES[".csv"][1])

    client.force_login(person("councillor", 1, 1))  # the chair
    response = client.get(reverse("concerns:escalations", args=[slug]))
    assert response.status_code == 200
    assert response.context["overdue"] >= 1


def test_protocol_versions_are_dated_and_review_reminders_are_spread_r24_r25(generated):
    today = timezone.localdate()
    stages = set()
    for version in ProtocolVersion.objects.filter(council__slug__startswith="scale-"):
        assert version.review_on > version.adopted_on
        if version.status == "adopted":
            stages.add(protocol_services.review_stage(version.review_on, today))
        else:
            assert version.superseded_on is not None
    assert {"90", "30", "7"} <= stages


# ---------------------------------------------------------------------------------------------
# The generator and the services agree: each generated request replayed through the services
# ---------------------------------------------------------------------------------------------


def _replay_request(generated: InformationRequest) -> InformationRequest:
    """The same request made again through the real services, step by step as its timeline
    says, by the same people on the same days (in a transaction the caller rolls back)."""
    Kind = RequestEvent.Kind
    events = list(generated.events.order_by("at", "id"))
    assert events[0].kind == Kind.SUBMITTED
    standing = policy.standing_for(generated.requester, generated.council, generated.received_on)
    replayed = request_services.request_submit(
        standing=standing,
        documents=list(generated.documents.order_by("pk")),
        summary=generated.summary,
        information=generated.information,
        purpose=generated.purpose,
        justification=generated.justification,
        today=generated.received_on,
    )
    granted = [
        r.document for r in generated.requested_documents.filter(granted=True).order_by("pk")
    ]
    for event in events[1:]:
        day = timezone.localtime(event.at).date()
        if event.kind == Kind.DELEGATED:
            replayed = request_services.request_delegate(
                info_request=replayed, officer=generated.handler, acting_user=event.actor
            )
        elif event.kind == Kind.CLARIFICATION_ASKED:
            replayed = request_services.request_ask_clarification(
                info_request=replayed, question=event.text, acting_user=event.actor, today=day
            )
        elif event.kind == Kind.CLARIFIED:
            replayed = request_services.request_clarify(
                info_request=replayed, answer=event.text, acting_user=event.actor, today=day
            )
        elif event.kind == Kind.DECIDED:
            replayed = request_services.request_decide(
                info_request=replayed,
                outcome=generated.status,
                reasons=generated.decision_reasons,
                granted_documents=granted,
                acting_user=event.actor,
                today=day,
            )
        elif event.kind == Kind.WITHDRAWN:
            replayed = request_services.request_withdraw(
                info_request=replayed, acting_user=event.actor
            )
        elif event.kind == Kind.PURPOSE_CONFIRMED:
            replayed = request_services.release_confirm_purpose(
                info_request=replayed, acting_user=event.actor
            )
        else:  # a kind of event the services never write
            raise AssertionError(f"the generator wrote a {event.kind} event")
    replayed.refresh_from_db()
    return replayed


def _request_shape(info_request: InformationRequest) -> dict:
    return {
        "status": info_request.status,
        "route": info_request.route,
        "handler": info_request.handler_id,
        "due_on": info_request.due_on,
        "working_days": info_request.working_days,
        "paused_working_days": info_request.paused_working_days,
        "decided_by": info_request.decided_by_id,
        "decision_working_days": info_request.decision_working_days,
        "events": [e.kind for e in info_request.events.order_by("at", "id")],
        "granted": sorted(
            r.document_id for r in info_request.requested_documents.all() if r.granted
        ),
    }


def test_every_generated_request_is_what_the_services_make_of_the_same_steps(generated):
    # The generator writes requests in bulk without the services (correspondence/scale.py); this
    # replays one request of each (status, timeline) it makes through the services and compares
    # what they write, so that the two cannot drift apart unseen.
    council = scale_council(1)
    seen: dict[tuple, InformationRequest] = {}
    for info_request in InformationRequest.objects.filter(council=council).order_by("pk"):
        kinds = tuple(info_request.events.order_by("at", "id").values_list("kind", flat=True))
        seen.setdefault((info_request.status, kinds), info_request)
    assert len(seen) >= 5  # submitted, paused, delegated, granted, refused, withdrawn ...
    for (status, kinds), info_request in seen.items():
        with transaction.atomic():
            replayed = _replay_request(info_request)
            expected = _request_shape(info_request)
            got = _request_shape(replayed)
            transaction.set_rollback(True)
        assert got == expected, (status, kinds)


def _replay_concern(generated: Concern) -> Concern:
    """The same concern raised again through the real services and moved as its timeline says,
    by the same people on the same days (in a transaction the caller rolls back)."""
    Kind = ConcernEvent.Kind
    events = list(generated.events.order_by("at", "id"))
    assert events[0].kind == Kind.RAISED
    on = generated.raised_on
    with time_machine.travel(events[0].at, tick=False):
        replayed = concern_services.concern_raise(
            raiser=policy.standing_for(generated.raised_by, generated.council, on),
            subject=generated.subject,
            kind=generated.kind,
            sections=list(generated.sections.order_by("pk")),
            what_happened=generated.what_happened,
            outcome_hoped=generated.outcome_hoped,
        )
    hearings = iter(generated.hearings.order_by("first_held_on", "pk"))
    hearing = replayed_hearing = None
    moving = False
    labels = {label: value for value, label in Concern.Stage.choices}
    for number, event in enumerate(events[1:], start=1):
        day = timezone.localtime(event.at).date()
        actor = event.actor
        # Each step on its own day, as the timeline says (time-machine moves "today").
        with time_machine.travel(event.at, tick=False):
            if event.kind == Kind.TRIAGED:
                next_stage = labels[event.text.removeprefix("Next: ").split(". ")[0]]
                replayed = concern_services.concern_triage(
                    concern=replayed,
                    next_stage=next_stage,
                    note=event.text,
                    acting_user=actor,
                    today=day,
                )
            elif event.kind == Kind.SUBJECT_TOLD:
                replayed = concern_services.concern_tell_subject(
                    concern=replayed, message=event.text, acting_user=actor, today=day
                )
            elif event.kind in (Kind.CONVERSATION, Kind.CONCILIATION, Kind.NOTE):
                concern_services.concern_add_note(
                    concern=replayed,
                    kind=event.kind,
                    audience=event.audience,
                    text=event.text,
                    acting_user=actor,
                )
            elif event.kind == Kind.REFERRED:
                replayed = concern_services.concern_refer(
                    concern=replayed,
                    referred_on=generated.referred_on,
                    reference=generated.referral_reference,
                    acting_user=actor,
                )
            elif event.kind == Kind.FORMAL:
                replayed = concern_formal.concern_start_formal(
                    concern=replayed, acting_user=actor, today=day
                )
            elif event.kind == Kind.HEARING and moving:
                # The second event of a moved hearing: the move, for the companion.
                assert hearing is not None and replayed_hearing is not None
                replayed_hearing = concern_formal.hearing_move(
                    hearing=replayed_hearing,
                    held_on=hearing.held_on,
                    companion=hearing.companion,
                    acting_user=actor,
                )
                moving = False
            elif event.kind == Kind.HEARING:
                hearing = next(hearings)
                moving = hearing.held_on != hearing.first_held_on
                panel = list(hearing.panel.order_by("pk"))
                replayed_hearing = concern_formal.hearing_arrange(
                    concern=replayed,
                    held_on=hearing.first_held_on,
                    members=[p.user for p in panel if not p.substitute_minute],
                    substitutes={p.user: p.substitute_minute for p in panel if p.substitute_minute},
                    companion=hearing.companion,
                    acting_user=actor,
                    today=day,
                )
            elif event.kind == Kind.DECIDED:
                assert hearing is not None and replayed_hearing is not None, number
                concern_formal.hearing_decide(
                    hearing=replayed_hearing,
                    outcome=hearing.outcome,
                    reasons=hearing.reasons,
                    acting_user=actor,
                    today=day,
                )
            elif event.kind == Kind.APPEALED:
                replayed = concern_formal.concern_appeal(
                    concern=replayed, grounds=event.text, acting_user=actor, today=day
                )
            elif event.kind == Kind.CLOSED:
                replayed = concern_services.concern_close(
                    concern=replayed,
                    outcome=generated.outcome,
                    reasons=generated.outcome_reasons,
                    actions_agreed=generated.actions_agreed,
                    referral_outcome=generated.referral_outcome,
                    acting_user=actor,
                    today=day,
                )
            elif event.kind == Kind.WITHDRAWN:
                replayed = concern_services.concern_withdraw(
                    concern=replayed, acting_user=actor, today=day
                )
            else:  # a kind of event the generator never writes
                raise AssertionError(f"no replay for a {event.kind} event")
        replayed.refresh_from_db()
    return replayed


def _concern_shape(concern: Concern) -> dict:
    return {
        field: getattr(concern, field)
        for field in (
            "stage",
            "path",
            "handler_id",
            "raiser_party",
            "subject_party",
            "raised_on",
            "stage_started_on",
            "stage_due_on",
            "subject_told_on",
            "referred_to",
            "outcome",
            "closed_on",
        )
    } | {
        "events": [(e.kind, e.audience, e.actor_id) for e in concern.events.order_by("at", "id")],
        "hearings": [
            (h.kind, h.first_held_on, h.held_on, h.outcome, h.decided_on)
            for h in concern.hearings.order_by("first_held_on", "pk")
        ],
    }


def test_every_generated_concern_is_what_the_services_make_of_the_same_steps(generated):
    # As for requests: concerns/scale.py moves concerns through their stages without the
    # services; one concern of each (stage, timeline) it makes, replayed through the services,
    # must come out the same: stage, dates, handler, who may read each event, hearings.
    council = scale_council(1)
    seen: dict[tuple, Concern] = {}
    for concern in Concern.objects.filter(council=council).order_by("pk"):
        kinds = tuple(concern.events.order_by("at", "id").values_list("kind", flat=True))
        seen.setdefault((concern.stage, kinds), concern)
    assert len(seen) >= 5
    for (stage, kinds), concern in seen.items():
        with transaction.atomic():
            replayed = _replay_concern(concern)
            expected, got = _concern_shape(concern), _concern_shape(replayed)
            transaction.set_rollback(True)
        assert got == expected, (stage, kinds)
