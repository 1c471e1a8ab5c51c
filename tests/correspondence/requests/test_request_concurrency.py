"""Two officers deciding the same request at the same moment produce one decision, and the second
is told whose decision stands (the row is locked: council.services.locked).

Row locks need a real database server: CI's second run sets DATABASE_URL to PostgreSQL. SQLite
locks the whole database instead, which serialises writers without testing our lock.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from correspondence.models import InformationRequest, RequestEvent
from correspondence.requests import services
from council.models import Notification
from council.policy import standing_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL's row locks: set DATABASE_URL=postgres://... (CI's second run "
        "does)",
    ),
]


def test_r7_two_officers_deciding_at_once_make_one_decision_and_the_second_is_told(cast):
    info_request = services.request_submit(
        standing=standing_for(cast.councillor, cast.council),
        documents=[cast.committee_document],
        summary="The planning schedule",
        information="",
        purpose="For the meeting.",
        justification="",
    )
    services.request_delegate(info_request=info_request, officer=cast.rfo, acting_user=cast.clerk)

    first_decided = threading.Event()
    let_first_commit = threading.Event()
    outcome: dict[str, object] = {}

    def first_officer():
        # The clerk decides and, before the transaction commits, holds the row (as a slow request
        # would) while the RFO tries to decide too.
        try:
            with transaction.atomic():
                services.request_decide(
                    info_request=info_request,
                    outcome="granted",
                    reasons="Presumed: a member of the planning committee.",
                    acting_user=cast.clerk,
                )
                first_decided.set()
                let_first_commit.wait(timeout=10)
            outcome["clerk"] = "decided"
        finally:
            connection.close()

    def second_officer():
        first_decided.wait(timeout=10)
        try:
            services.request_decide(
                info_request=info_request,
                outcome="refused",
                reasons="Not needed.",
                acting_user=cast.rfo,
            )
            outcome["rfo"] = "decided"
        except ValidationError as error:
            outcome["rfo"] = " ".join(error.messages)
        finally:
            connection.close()

    clerk = threading.Thread(target=first_officer)
    rfo = threading.Thread(target=second_officer)
    clerk.start()
    rfo.start()
    assert first_decided.wait(timeout=10)
    # The RFO's decision waits on the lock while the clerk's transaction is open.
    rfo.join(timeout=1.0)
    assert rfo.is_alive(), "the second decision did not wait for the first one's lock"
    let_first_commit.set()
    clerk.join(timeout=10)
    rfo.join(timeout=10)

    assert outcome["clerk"] == "decided"
    assert outcome["rfo"] == services.MSG_ALREADY_DECIDED.format(
        who=cast.clerk.name, status="granted", day=f"{info_request.received_on:%-d %B %Y}"
    )
    info_request = InformationRequest.objects.get(pk=info_request.pk)
    assert (info_request.status, info_request.decided_by) == ("granted", cast.clerk)
    assert info_request.events.filter(kind=RequestEvent.Kind.DECIDED).count() == 1
    assert Notification.objects.filter(kind="request_decided").count() == 1
    assert list(info_request.requested_documents.values_list("granted", flat=True)) == [True]
