"""R16 and R17 across the whole portal: nobody meets a concern on any page (exports, history,
notices, queues) unless the concern's own audience rule lets them.

A concern is raised about each kind of person (the clerk, the chair, an officer, a councillor),
its handler adds a private note, and then the person it is about, not yet told, walks every page
the permission matrix lets them open, the subject-access copies of every person they may export
included. Neither the raiser's account nor the handler's note may appear on any of them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from concerns import services as concerns
from concerns.models import Concern, ConcernEvent
from council.policy import standing_for
from tests.cross.test_permission_matrix import EXTRA, MATRIX, make_matrix_data

# (the person the concern is about, who raises it)
ABOUT = [
    ("clerk", "councillor"),  # R17: triaged by the chair, never the clerk
    ("chair", "officer"),  # R17: triaged by the vice-chair
    ("officer", "councillor"),  # R18: to the chair, then the Proper Officer
    ("councillor", "officer"),  # R19: the Proper Officer
]


def raise_concern(cast, subject_name: str, raiser_name: str) -> tuple[Concern, str, str]:
    """A concern about `subject_name` with a secret account, triaged by its handler with a
    private note of its own. Returns the concern and both secrets."""
    account = f"Secret account about the {subject_name}: the minutes were altered"
    note = f"Private handler note about the {subject_name}: speak to the auditor first"
    concern = concerns.concern_raise(
        raiser=standing_for(cast.by_name(raiser_name), cast.council),
        subject=cast.by_name(subject_name),
        kind="conduct",
        what_happened=account,
        outcome_hoped=f"Hoped-for outcome about the {subject_name}",
    )
    assert concern.handler is not None
    assert concern.handler != cast.by_name(subject_name)  # R17
    concerns.concern_add_note(
        concern=concern,
        kind=ConcernEvent.Kind.NOTE,
        audience=ConcernEvent.Audience.HANDLERS,
        text=note,
        acting_user=concern.handler,
    )
    return concern, account, note


def pages_for(role: str, cast) -> list[str]:
    """Every page the matrix lets `role` open (GET, 200), and the subject-access copy, HTML and
    JSON, of every person of the council: the clerk may open them all, others their own."""
    urls = []
    for name, row in [*MATRIX.items(), *EXTRA]:
        if row.method == "get" and row.answers.get(role) == 200:
            urls.append(reverse(name, kwargs=row.kwargs(cast)))
    people = {r.user_id for r in cast.council.roles.all()}
    for user_id in sorted(people):
        for name in ("council:person_data", "council:person_data_json"):
            urls.append(reverse(name, args=[cast.council.slug, user_id]))
    return urls


@pytest.fixture
def walk_data(cast):
    return make_matrix_data(cast)


@pytest.mark.parametrize(("subject", "raiser"), ABOUT)
def test_r16_a_concern_is_on_no_page_of_the_person_it_is_about(
    subject, raiser, walk_data, client_for
):
    cast = walk_data
    concern, account, note = raise_concern(cast, subject, raiser)
    secrets = [account, note, concern.outcome_hoped]

    # The walk can see a concern where the rule lets it: the raiser's own copy holds the
    # account, and the handler's page holds both.
    own_copy = client_for(raiser).get(reverse("my_data_json"))
    assert account in own_copy.content.decode()
    handler = next(
        name for name in ("clerk", "chair", "vice_chair") if cast.by_name(name) == concern.handler
    )
    detail = reverse("concerns:concern_detail", args=[cast.council.slug, concern.pk])
    handler_page = client_for(handler).get(detail).content.decode()
    assert account in handler_page and note in handler_page

    client = client_for(subject)
    met = []
    opened = 0
    for url in pages_for(subject, cast):
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        met += [f"{url}: {secret!r}" for secret in secrets if secret in body]
    assert opened > 20  # the walk really opened the person's pages
    assert met == [], f"the {subject} met the concern about them:\n" + "\n".join(met)
    # And the concern's own page and history are the same 404 as a concern that is not there.
    assert client.get(detail).status_code == 404
    history = reverse("concerns:concern_history", args=[cast.council.slug, concern.pk])
    assert client.get(history).status_code == 404


def test_r16_the_clerks_copy_of_the_raisers_data_leaves_out_a_concern_about_the_clerk(
    walk_data, client_for
):
    """The defect as found: the clerk read a concern about themselves, the chair's triage note
    and the raiser's other concerns in the raiser's subject-access copy."""
    cast = walk_data
    concern, account, note = raise_concern(cast, "clerk", "councillor")
    concerns.concern_triage(
        concern=concern,
        next_stage=Concern.Stage.INFORMAL,
        note="Chair's triage: talk to the clerk informally",
        acting_user=concern.handler,
    )
    for name in ("council:person_data", "council:person_data_json"):
        url = reverse(name, args=[cast.council.slug, cast.councillor.pk])
        response = client_for("clerk").get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for secret in (account, note, "Chair's triage", "matrix concern about the clerk"):
            assert secret not in body, (name, secret)
        assert "Anything about concerns is left out of this copy" in body
    # The councillor's own copy keeps all of it that is theirs to see.
    own = client_for("councillor").get(reverse("my_data_json")).content.decode()
    assert account in own and "Chair's triage" in own
    assert note not in own  # the handler's private note is never the raiser's


def test_r16_the_clerks_copy_keeps_the_concerns_the_clerk_handles(walk_data, client_for):
    """The clerk answering a subject access request still sees the concerns the clerk handles:
    their page shows the clerk everything anyway."""
    cast = walk_data
    concern, account, _ = raise_concern(cast, "councillor2", "officer")
    assert concern.handler == cast.clerk
    url = reverse("council:person_data_json", args=[cast.council.slug, cast.officer.pk])
    assert account in client_for("clerk").get(url).content.decode()
