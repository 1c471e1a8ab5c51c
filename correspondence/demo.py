"""Demo information requests for Little Wickham, one in each state a clerk meets, so that the
queue, the timeliness page and a councillor's requests all have something to show."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from council.policy import standing_for

from . import services
from .models import RequestEvent


def _backdate(info_request, kind: str, day) -> None:
    """The demo's steps happened on past days; their timeline should say so."""
    at = timezone.make_aware(datetime.combine(day, time(10, 30)))
    RequestEvent.objects.filter(request=info_request, kind=kind).update(at=at)


def demo_requests(cast) -> None:
    today = timezone.localdate()

    def ask(who, documents, summary, purpose, *, days_ago, information="", justification=""):
        on = today - timedelta(days=days_ago)
        info_request = services.request_submit(
            standing=standing_for(who, cast.council, on),
            documents=documents,
            summary=summary,
            information=information,
            purpose=purpose,
            justification=justification,
            today=on,
        )
        _backdate(info_request, RequestEvent.Kind.SUBMITTED, on)
        return info_request

    def decide(info_request, outcome, reasons, *, days_ago):
        on = today - timedelta(days=days_ago)
        services.request_decide(
            info_request=info_request,
            outcome=outcome,
            reasons=reasons,
            acting_user=cast.clerk,
            today=on,
        )
        _backdate(info_request, RequestEvent.Kind.DECIDED, on)

    # Presumed (R5) and granted: the councillor can confirm the purpose and open it.
    granted = ask(
        cast.councillor,
        [cast.committee_document],
        "The planning applications schedule",
        "To prepare for the next planning committee meeting.",
        days_ago=12,
    )
    decide(
        granted,
        "granted",
        "You sit on the planning committee, so your need to know is presumed.",
        days_ago=10,
    )
    # Officer decides (R7) and refused, with reasons and the FOI route.
    refused = ask(
        cast.vice_chair,
        [cast.confidential_document],
        "Legal advice on the boundary dispute",
        "I would like to know what the solicitor said.",
        days_ago=30,
    )
    decide(
        refused,
        "refused",
        "The advice is legally privileged and you are not on a committee dealing with the "
        "dispute. Wishing to know is not a need to know for your duties.",
        days_ago=25,
    )
    # Personal data (R6) with a justification, waiting for the clerk's decision.
    ask(
        cast.councillor2,
        [cast.personal_document],
        "Allotment arrears",
        "A resident raised the allotment waiting list with me.",
        justification="I need to know whether the plot next to the resident is in arrears to "
        "answer their complaint to the allotments working party, which I chair.",
        days_ago=8,
    )
    # Information described in words, waiting for the chair to clarify.
    waiting = ask(
        cast.chair,
        [],
        "Grass-cutting costs",
        "To check the budget before the finance meeting.",
        information="What we spent on grass cutting in each of the last three years.",
        days_ago=3,
    )
    services.request_ask_clarification(
        info_request=waiting,
        question="Do you mean the whole parish, or only the recreation ground?",
        acting_user=cast.clerk,
        today=today - timedelta(days=1),
    )
    _backdate(waiting, RequestEvent.Kind.CLARIFICATION_ASKED, today - timedelta(days=1))
