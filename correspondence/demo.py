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


def demo_letters(cast) -> None:
    """The register: an email copied to a second councillor (so the first has the R10 notice), a
    confidential letter to councillors, and a letter recorded after being posted by hand."""
    from . import letters
    from .models import Party

    today = timezone.localdate()
    To = letters.To

    def send(subject, body, recipients, days_ago, **extra):
        item = letters.item_draft(
            council=cast.council,
            kind=extra.pop("kind", "email"),
            subject=subject,
            body=body,
            recipients=recipients,
            signatory=extra.pop("signatory", cast.clerk),
            acting_user=cast.clerk,
            today=today - timedelta(days=days_ago),
            **extra,
        )
        return letters.item_send(
            item=item, acting_user=cast.clerk, today=today - timedelta(days=days_ago)
        )

    send(
        "Your question about the bus shelter",
        "Thank you for asking about the bus shelter on Mill Lane. The county council will "
        "repair the roof in March.",
        [To(user=cast.councillor), To(line="cc", user=cast.councillor2)],
        days_ago=6,
    )
    send(
        "The boundary dispute: legal advice",
        "The solicitor's advice on the boundary dispute is summarised below for members of the "
        "full council only.",
        [To(user=cast.chair), To(user=cast.vice_chair), To(line="cc", user=cast.councillor)],
        days_ago=4,
        kind="letter",
        confidential=True,
        confidential_reason="legal advice",
        confidential_statement="The summary of the solicitor's advice is legally privileged.",
    )
    posted = letters.item_draft(
        council=cast.council,
        kind="letter",
        subject="Representation on rural bus services",
        body="The council asks the Department to protect the village's only bus route.",
        recipients=[
            To(
                party=Party.OTHER_BODY,
                name="Secretary of State for Transport",
                address="Great Minster House, London",
            )
        ],
        signatory=cast.chair,
        signatory_exception="A representation to a Government minister, agreed at full council.",
        acting_user=cast.clerk,
        today=today - timedelta(days=20),
    )
    letters.item_record(item=posted, sent_on=today - timedelta(days=19), acting_user=cast.clerk)
