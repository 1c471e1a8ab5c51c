"""Business actions for correspondence and information requests."""

from __future__ import annotations

from collections.abc import Iterable

from council.models import Document
from council.policy import Standing

from .models import Route

ROUTE_EXPLANATIONS = {
    Route.PRESUMED: (
        "You sit on the committee that each of these documents relates to, so your need to know "
        "is presumed."
    ),
    Route.JUSTIFICATION: (
        "At least one of these documents contains personal data about other people. Say "
        "specifically why you need it for your duties as a councillor; the officer decides."
    ),
    Route.OFFICER_DECIDES: (
        "The officer decides whether you need this for your duties, and records the reasons."
    ),
}


def request_route(*, standing: Standing, documents: Iterable[Document]) -> Route:
    """Which rule applies to a councillor's request, on the day of the standing."""
    documents = list(documents)
    # R6: third-party personal data always needs a specific written justification, whoever asks.
    if any(d.classification == Document.Classification.PERSONAL_DATA for d in documents):
        return Route.JUSTIFICATION
    # R5: presumed only when every document relates to a committee on which the councillor
    # holds a seat on that day (the standing's seats are dated, so an ended seat does not count).
    if documents and all(
        d.committee_id is not None and d.committee_id in standing.committee_ids for d in documents
    ):
        return Route.PRESUMED
    # R7: everything else, including information described in words, is the officer's decision.
    return Route.OFFICER_DECIDES
