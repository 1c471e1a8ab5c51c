"""Two people acting on the same concern at the same moment: one wins, the other is told why
nothing happened, and the concern has one history (the row is locked: council.services.locked).

As tests/correspondence/requests/test_request_concurrency.py does for information requests: two
threads, each with its own database connection, the first holding its transaction open until the
second is seen to wait. Row locks need a real database server: CI's second run sets DATABASE_URL
to PostgreSQL. SQLite locks the whole database instead, which serialises writers without testing
our lock.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from concerns import services
from concerns.models import Concern, ConcernEvent
from council.celery import app as celery_app
from council.policy import standing_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's row locks: set DATABASE_URL=postgres://... (CI's second run "
        "does)",
    ),
]

Stage = Concern.Stage


@pytest.fixture(autouse=True)
def tasks_in_process():
    """`services` tests talk to the real broker by default (tests/conftest.py); these need only
    PostgreSQL, so their notices are delivered in-process, leaving nothing in Redis."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def race(first, second) -> dict[str, str]:
    """Run first() in a transaction held open, as a slow request would, until second() has been
    waiting on the lock for a second; then let it commit. Each returns "done" or the message of
    the ValidationError it raised."""
    first_acted = threading.Event()
    let_first_commit = threading.Event()
    outcome: dict[str, str] = {}

    def run(name, action, before=None, hold=None):
        try:
            if before:
                before()
            with transaction.atomic():
                action()
                if hold:
                    hold()
            outcome[name] = "done"
        except ValidationError as error:
            outcome[name] = " ".join(error.messages)
        finally:
            connection.close()

    one = threading.Thread(
        target=run,
        args=("first", first),
        kwargs={"hold": lambda: (first_acted.set(), let_first_commit.wait(timeout=10))},
    )
    two = threading.Thread(
        target=run, args=("second", second), kwargs={"before": lambda: first_acted.wait(10)}
    )
    one.start()
    two.start()
    assert first_acted.wait(timeout=10)
    two.join(timeout=1.0)
    assert two.is_alive(), "the second action did not wait for the first one's lock"
    let_first_commit.set()
    one.join(timeout=10)
    two.join(timeout=10)
    return outcome


def raise_concern(cast, raiser, subject):
    return services.concern_raise(
        raiser=standing_for(cast.by_name(raiser), cast.council),
        subject=cast.by_name(subject),
        kind=Concern.Kind.CONDUCT,
        what_happened="Shouted at me in the office on Tuesday.",
        outcome_hoped="An apology.",
    )


def test_a_concern_triaged_twice_at_once_is_triaged_once_and_the_second_is_told(cast):
    # Guards council.services.locked (select_for_update) in concern_triage: without it both read
    # the stage as triage, both move it, and the concern has two triage records.
    concern = raise_concern(cast, "officer", "councillor2")  # R19: the clerk handles it
    assert concern.handler == cast.clerk

    def triage(note):
        return lambda: services.concern_triage(
            concern=concern, next_stage=Stage.INFORMAL, note=note, acting_user=cast.clerk
        )

    # The clerk in two tabs, or a double click: the same step twice at the same moment.
    outcome = race(triage("Spoke to both."), triage("Spoke to both, again."))
    assert outcome == {"first": "done", "second": "This concern has been triaged already."}
    concern.refresh_from_db()
    assert concern.stage == Stage.INFORMAL
    triaged = concern.events.filter(kind=ConcernEvent.Kind.TRIAGED)
    assert [e.text for e in triaged] == ["Next: Informal resolution. Spoke to both."]


def test_a_concern_closed_while_its_raiser_withdraws_it_has_one_ending(cast):
    # Guards council.services.locked in concern_close and concern_withdraw: without it the
    # withdrawal reads the concern as open and overwrites the handler's outcome.
    concern = raise_concern(cast, "officer", "councillor2")
    services.concern_triage(
        concern=concern, next_stage=Stage.INFORMAL, note="", acting_user=cast.clerk
    )
    outcome = race(
        lambda: services.concern_close(
            concern=concern,
            outcome=Concern.Outcome.RESOLVED_INFORMALLY,
            reasons="Both agreed a way of working.",
            acting_user=cast.clerk,
        ),
        lambda: services.concern_withdraw(concern=concern, acting_user=cast.officer),
    )
    assert outcome == {"first": "done", "second": services.MSG_CLOSED}
    concern.refresh_from_db()
    assert (concern.stage, concern.outcome) == (Stage.CLOSED, "resolved_informally")
    endings = concern.events.filter(
        kind__in=[ConcernEvent.Kind.CLOSED, ConcernEvent.Kind.WITHDRAWN]
    )
    assert list(endings.values_list("kind", flat=True)) == [ConcernEvent.Kind.CLOSED]
