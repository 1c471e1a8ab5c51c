"""Lists that stay cheap as they grow (issue 16): every list page shows one page of PER_PAGE rows,
with the total, chosen the same way everywhere.

A page costs three queries, whatever the size of the list: the total (a COUNT on the list's
filter), the page's ids (the list's filter and order, reading only ids, so the plan can walk an
index and stop after the page), then those rows by id with everything each shows (select_related,
prefetches, annotations). Without the second step a page of a long list would make the database
join, annotate and sort every row of the list to return fifty.

The page's links keep the rest of the query string (a queue's filters), so a filtered view can be
bookmarked and paged through.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50


def page_of(request: HttpRequest, rows: QuerySet, *, per_page: int = PER_PAGE) -> Page:
    """The page of `rows` that `?page=` asks for (the first for anything but a page number, the
    last for one past the end), as a Django Page whose object_list holds the rows in order."""
    ids = rows.values_list("pk", flat=True)
    # values_list keeps the filter, annotations and order, and drops the joins and prefetches
    # that only the shown rows need.
    page = Paginator(ids, per_page).get_page(request.GET.get("page"))
    wanted = list(page.object_list)
    by_id = {row.pk: row for row in rows.filter(pk__in=wanted).order_by()} if wanted else {}
    page.object_list = [by_id[pk] for pk in wanted if pk in by_id]
    page.query_string = _other_parameters(request)  # type: ignore[attr-defined]
    return page


def _other_parameters(request: HttpRequest) -> str:
    """The query string without `page`, ready to take `page=N` after it ("" or "a=1&")."""
    others = request.GET.copy()
    others.pop("page", None)
    encoded = others.urlencode()
    return f"{encoded}&" if encoded else ""
