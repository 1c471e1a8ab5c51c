"""Every list page runs a fixed number of queries, whatever the number of rows.

Every signed-in council page makes the same few queries first (tests/query_counts.py); each page
below lists only its own.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from council import outbox, services
from council.demo import MINIMAL_PDF
from council.models import Committee, PoliticalGroup, Role, User
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

TODAY = timezone.localdate


def add_people(cast, n: int, *, ends_in_days: int | None = None) -> list[User]:
    people = []
    for i in range(n):
        user = User.objects.create_user(f"extra{i}-{ends_in_days}@example.org", name=f"Extra {i}")
        services.role_create(
            council=cast.council,
            user=user,
            kind=Role.Kind.COUNCILLOR,
            starts_on=TODAY() - timedelta(days=10),
            ends_on=TODAY() + timedelta(days=ends_in_days) if ends_in_days else None,
            acting_user=cast.clerk,
        )
        people.append(user)
    return people


def add_committees(cast, n: int = 20):
    for i, person in enumerate(add_people(cast, n)):
        committee = services.committee_save(
            committee=Committee(council=cast.council, name=f"Committee {i}"),
            acting_user=cast.clerk,
        )
        services.seat_create(
            committee=committee,
            user=person,
            position="chair",
            starts_on=TODAY(),
            acting_user=cast.clerk,
        )


def add_groups(cast, n: int = 20):
    for i, person in enumerate(add_people(cast, n)):
        group = services.group_save(
            group=PoliticalGroup(council=cast.council, name=f"Group {i}"), acting_user=cast.clerk
        )
        services.membership_create(
            group=group, user=person, starts_on=TODAY(), acting_user=cast.clerk
        )


def add_documents(cast, n: int = 20):
    for i in range(n):
        services.document_create(
            council=cast.council,
            title=f"Document {i}",
            classification="committee",
            committee=cast.planning,
            file=ContentFile(MINIMAL_PDF, name=f"d{i}.pdf"),
            acting_user=cast.clerk,
        )


def add_notifications(cast, n: int):
    for i in range(n):
        outbox.notification_create(
            user=cast.clerk,
            council=cast.council,
            key=f"extra:{i}",
            kind="test",
            subject=f"Notice {i}",
            body="Body",
        )


# page -> (url name, who looks, exact query count, how to add 20 rows; the queries beyond the
# common ones are listed beside each)
PAGES = {
    # + proper officer for the council, roles ending within 30 days (with their people), the
    # protocol panel's adopted version with "acknowledged?" (none here), the
    # requests panel's counts (one aggregate), the concerns panel's counts (one aggregate) and
    # the hearings to hold (one count; the clerk arranges them), the group reports panel's counts
    # (one aggregate), the press panel's counts (one aggregate)
    "council home": (
        "council:home",
        COUNCIL_PAGE + 8,
        lambda c: add_people(c, 20, ends_in_days=10),
    ),
    # + every role with its person
    "people and roles": ("council:people", COUNCIL_PAGE + PAGE_OF + 1, lambda c: add_people(c, 20)),
    # + committees, then their current seats with people (one prefetch)
    "committees": ("council:committees", COUNCIL_PAGE + PAGE_OF + 2, add_committees),
    # + groups, then their current memberships with people (one prefetch)
    "political groups": ("council:groups", COUNCIL_PAGE + PAGE_OF + 2, add_groups),
    # + documents with their committee
    "document register": ("council:documents", COUNCIL_PAGE + PAGE_OF + 1, add_documents),
}


@pytest.mark.parametrize("page", PAGES)
def test_list_page_query_count_does_not_grow_with_rows(
    page, cast, client_for, django_assert_num_queries
):
    name, expected, add_rows = PAGES[page]
    client = client_for("clerk")
    url = reverse(name, args=[cast.council.slug])
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    add_rows(cast)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Extra 19" in response.content or b"Document 19" in response.content


def test_notification_list_query_count_does_not_grow_with_rows(
    cast, client_for, django_assert_num_queries
):
    client = client_for("clerk")
    url = reverse("notifications")
    # session, user, current roles (the two-factor check and the switcher), unread count, the
    # list's total and the page's ids, notifications with their council
    add_notifications(cast, 1)
    with django_assert_num_queries(5 + PAGE_OF):
        client.get(url)
    add_notifications(cast, 20)
    with django_assert_num_queries(5 + PAGE_OF):
        response = client.get(url)
    assert b"Notice 19" in response.content
