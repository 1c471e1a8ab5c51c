"""Lists that stay cheap as they grow (issue 16, council.lib.pagination): one page of 50 rows with
the total, the same way on every list page, its links keeping the list's filters."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse

from council import services
from council.demo import MINIMAL_PDF
from council.lib.pagination import PER_PAGE, page_of
from council.models import Document
from tests.correspondence.requests.test_information_requests import add_requests


def add_documents(cast, n: int) -> None:
    for i in range(n):
        services.document_create(
            council=cast.council,
            title=f"Paged document {i:03d}",
            classification="public",
            committee=None,
            file=ContentFile(MINIMAL_PDF, name=f"p{i}.pdf"),
            acting_user=cast.clerk,
        )


def rows_in(page: str) -> int:
    return len(re.findall(r"Paged document \d{3}", page))


def test_a_long_list_shows_fifty_rows_with_its_total_and_the_next_page(cast, client_for):
    add_documents(cast, PER_PAGE + 7)
    total = Document.objects.for_council(cast.council).count()
    url = reverse("council:documents", args=[cast.council.slug])
    client = client_for("clerk")
    first = client.get(url).content.decode()
    assert rows_in(first) == PER_PAGE
    assert f"Showing 1 to {PER_PAGE} of {total} documents" in first
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert f"Showing {PER_PAGE + 1} to {total} of {total} documents" in second
    assert 'href="?page=1" rel="prev"' in second and 'rel="next"' not in second
    # Between them, every document once.
    shown = set(re.findall(r"Paged document \d{3}", first + second))
    assert len(shown) == PER_PAGE + 7


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_not_an_error(cast, client_for):
    add_documents(cast, PER_PAGE + 1)
    url = reverse("council:documents", args=[cast.council.slug])
    client = client_for("clerk")
    for asked, shown in (("999", "Page 2 of 2"), ("abc", "Page 1 of 2"), ("-1", "Page 2 of 2")):
        response = client.get(url, {"page": asked})
        assert response.status_code == 200
        assert shown in response.content.decode(), asked


def test_a_short_list_says_how_many_and_shows_no_page_links(cast, client_for):
    url = reverse("council:documents", args=[cast.council.slug])
    page = client_for("clerk").get(url).content.decode()
    total = Document.objects.for_council(cast.council).count()
    assert f"{total} documents" in page
    assert 'class="pagination"' not in page


def test_the_queues_page_links_keep_its_filters(cast, client_for):
    add_requests(cast, PER_PAGE + 2)
    url = reverse("requests:request_queue", args=[cast.council.slug])
    page = client_for("clerk").get(url, {"status": "open"}).content.decode()
    assert 'href="?status=open&amp;page=2" rel="next"' in page


def test_a_page_keeps_the_lists_order_and_fetches_only_its_own_rows(
    cast, django_assert_num_queries
):
    add_documents(cast, 12)
    rows = Document.objects.for_council(cast.council).order_by("-title")
    request = RequestFactory().get("/", {"page": "2"})
    # The total, the page's ids, the page's rows.
    with django_assert_num_queries(3):
        page = page_of(request, rows, per_page=5)
        titles = [d.title for d in page.object_list]
    assert titles == [d.title for d in rows][5:10]
