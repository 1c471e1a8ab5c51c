"""The pages the benchmark drives (benchmark/personas.py) make a fixed number of queries: the same
with one row of everything they show as with twenty times as many. The queues, the escalations,
the request page and the public protocol page have theirs beside their features
(test_information_requests, test_concern_queues, test_protocol); these are the others."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from concerns import services as concern_services
from correspondence.requests import services as request_services
from council import outbox, services
from council.demo import MINIMAL_PDF
from council.models import Committee
from council.policy import standing_for
from protocol import services as protocol_services
from protocol.models import Section
from tests.query_counts import COUNCIL_PAGE

TODAY = timezone.localdate


def add_councillor_rows(cast, n: int, start: int) -> None:
    """n of everything a councillor's home page counts or lists: seats on committees, requests,
    concerns raised, notifications, and sections of the protocol in force."""
    me = cast.councillor
    for i in range(start, start + n):
        committee = services.committee_save(
            committee=Committee(council=cast.council, name=f"Committee {i}"),
            acting_user=cast.clerk,
        )
        services.seat_create(
            committee=committee,
            user=me,
            position="member",
            starts_on=TODAY(),
            acting_user=cast.clerk,
        )
        request_services.request_submit(
            standing=standing_for(me, cast.council),
            documents=[cast.committee_document],
            summary=f"Papers {i}",
            information="",
            purpose="To prepare for the meeting.",
            justification="",
        )
        concern_services.concern_raise(
            raiser=standing_for(me, cast.council),
            subject=cast.officer,
            kind="conduct",
            what_happened=f"Happened {i}",
            outcome_hoped="An apology.",
        )
        outbox.notification_create(
            user=me, council=cast.council, key=f"extra:{i}", kind="test", subject="N", body="B"
        )
    draft = protocol_services.draft_start(
        council=cast.council, source="model", acting_user=cast.clerk
    )
    for i in range(start, start + n):
        Section.objects.create(
            version=draft, position=500 + i, number=f"50.{i}", heading="More", body="More text"
        )
    adopted_on = TODAY()  # the same day as the version it replaces, or later (R24)
    protocol_services.version_adopt(
        version=draft,
        adopted_on=adopted_on,
        minute_reference=f"26/{start}",
        review_on=adopted_on + timedelta(days=365),
        acting_user=cast.clerk,
    )


def test_a_councillors_home_page_makes_the_same_queries_with_twenty_times_the_rows(
    cast, client_for, django_assert_num_queries
):
    client = client_for("councillor")
    url = reverse("council:home", args=[cast.council.slug])
    add_councillor_rows(cast, 1, start=0)
    # tests/query_counts.py + the Proper Officer, the protocol in force with "acknowledged?",
    # the requests panel's counts, the concerns panel's counts, the hearings to hold (one count:
    # the councillor sits on the personnel committee), the group reports panel, the press panel.
    expected = COUNCIL_PAGE + 7
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    add_councillor_rows(cast, 20, start=1)
    with django_assert_num_queries(expected):
        page = client.get(url).content.decode()
    assert "Committee 20" in page


def test_a_document_download_makes_the_same_queries_with_twenty_times_the_documents(
    cast, client_for, django_assert_num_queries
):
    client = client_for("clerk")

    def add_documents(n: int, start: int):
        return [
            services.document_create(
                council=cast.council,
                title=f"Document {i}",
                classification="committee",
                committee=cast.planning,
                file=ContentFile(MINIMAL_PDF, name=f"d{i}.pdf"),
                acting_user=cast.clerk,
            )
            for i in range(start, start + n)
        ]

    first = add_documents(1, 0)[0]
    url = reverse("council:document_download", args=[cast.council.slug, first.pk])
    # session, user, roles (with the two-factor check), seats, the document. No layout: a file.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.getvalue() == MINIMAL_PDF
    add_documents(20, 1)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
