"""R5–R7: which rule decides a councillor's request for documents."""

from datetime import timedelta

from correspondence.models import Route
from correspondence.requests.services import ROUTE_EXPLANATIONS, request_route
from council import policy


def route(cast, who, *documents, on=None):
    standing = policy.standing_for(cast.by_name(who), cast.council, on=on)
    return request_route(standing=standing, documents=documents)


def test_r5_need_to_know_is_presumed_for_a_member_of_the_documents_committee(cast):
    # The councillor chairs the planning committee; the schedule relates to it.
    assert route(cast, "councillor", cast.committee_document) == Route.PRESUMED
    assert route(cast, "vice_chair", cast.committee_document) == Route.PRESUMED


def test_r5_presumption_follows_dated_seats_a_seat_that_ended_yesterday_does_not_count(cast):
    # councillor2's planning seat ended yesterday (demo data).
    seat = cast.planning.seats.get(user=cast.councillor2)
    assert route(cast, "councillor2", cast.committee_document) == Route.OFFICER_DECIDES
    assert route(cast, "councillor2", cast.committee_document, on=seat.ends_on) == Route.PRESUMED
    assert (
        route(cast, "councillor2", cast.committee_document, on=seat.ends_on + timedelta(days=1))
        == Route.OFFICER_DECIDES
    )


def test_r5_presumption_needs_every_document_to_be_of_a_committee_they_sit_on(cast):
    mixed = (cast.committee_document, cast.confidential_document)
    assert route(cast, "councillor", *mixed) == Route.OFFICER_DECIDES


def test_r6_third_party_personal_data_needs_a_justification_even_for_committee_members(cast):
    assert route(cast, "councillor", cast.personal_document) == Route.JUSTIFICATION
    both = (cast.committee_document, cast.personal_document)
    assert route(cast, "councillor", *both) == Route.JUSTIFICATION
    assert "personal data" in ROUTE_EXPLANATIONS[Route.JUSTIFICATION]


def test_r7_the_officer_decides_everything_else(cast):
    # Not on the committee; a document of no committee; information described in words only.
    assert route(cast, "personnel", cast.committee_document) == Route.OFFICER_DECIDES
    assert route(cast, "councillor", cast.confidential_document) == Route.OFFICER_DECIDES
    assert route(cast, "councillor") == Route.OFFICER_DECIDES


def test_r2_the_route_does_not_depend_on_party_or_being_chair(cast):
    # The chair of the council (Oak Party) has no planning seat; the vice-chair (Independents)
    # has one. Being chair gives no presumption: the route follows the seat, nothing else.
    assert route(cast, "chair", cast.committee_document) == Route.OFFICER_DECIDES
    assert route(cast, "vice_chair", cast.committee_document) == Route.PRESUMED
