"""Correspondence in the demo council, Little Wickham, through the real services:

- information requests, one in each state a clerk meets, so that the queue, the timeliness page
  and a councillor's requests all have something to show;
- the correspondence register: a copied email, a confidential letter, a letter posted by hand;
- the press office: a spokesperson, a pre-election period to come, a release published quoting
  the chair, one waiting for the clerk's approval, and an enquiry answered;
- reports for political groups (R15): one issued to the Oak Party, so that the Independents have
  a notice saying it exists, and one draft for the Independents waiting for the clerk to issue it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from council.demo import register_extra
from council.models import PoliticalGroup
from council.policy import standing_for

from .group_reports import services as group_reports
from .letters import services as letters
from .models import Party, RequestEvent
from .press import services as press
from .requests import services


def _backdate(info_request, kind: str, day) -> None:
    """The demo's steps happened on past days; their timeline should say so."""
    at = timezone.make_aware(datetime.combine(day, time(10, 30)))
    RequestEvent.objects.filter(request=info_request, kind=kind).update(at=at)


@register_extra
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


@register_extra
def demo_letters(cast) -> None:
    """The register: an email copied to a second councillor (so the first has the R10 notice), a
    confidential letter to councillors, and a letter recorded after being posted by hand."""
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


@register_extra
def demo_group_reports(cast) -> None:
    today = timezone.localdate()
    groups = {g.name: g for g in PoliticalGroup.objects.filter(council=cast.council)}

    roof = group_reports.report_save(
        council=cast.council,
        group=groups["Oak Party"],
        subject="Options for the village hall roof",
        facts=(
            "The village hall roof was surveyed in March. The survey found slipped tiles on the "
            "north side and rot in two rafters. Water has come through the ceiling of the small "
            "meeting room twice this winter.\n\n"
            "The council's building reserve holds £18,000. The hall's insurance does not cover "
            "wear and tear."
        ),
        options=(
            "1. Patch repair of the north side and the two rafters: about £6,500, with a "
            "surveyor's estimate of five to eight years before further work.\n"
            "2. Full re-roof in natural slate: about £24,000, which needs a loan or a grant on "
            "top of the reserve; a life of 60 years or more.\n"
            "3. Full re-roof in man-made slate: about £15,500, from the reserve; a life of about "
            "30 years."
        ),
        acting_user=cast.clerk,
    )
    group_reports.report_issue(report=roof, acting_user=cast.clerk, today=today - timedelta(days=6))

    group_reports.report_save(
        council=cast.council,
        group=groups["Independents"],
        subject="The effect of a 3% rise in the precept",
        facts=(
            "The precept for this year is £42,300, a Band D charge of £61.20. A 3% rise would "
            "raise £1,269 and add £1.84 a year to a Band D bill.\n\n"
            "The district council needs the precept by 20 January."
        ),
        options=(
            "1. No rise: the grounds maintenance contract's increase is met from reserves.\n"
            "2. A 3% rise: the increase is met in full.\n"
            "3. A smaller rise, with the difference met from reserves."
        ),
        acting_user=cast.clerk,
    )


@register_extra
def demo_press(cast) -> None:
    today = timezone.localdate()

    def at(days_ago: int) -> datetime:
        return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(10)))

    # R13: the vice-chair may now be quoted on the allotments (and may draft releases).
    press.spokesperson_appoint(
        council=cast.council,
        user=cast.vice_chair,
        speaks_on="the allotments",
        starts_on=today - timedelta(days=90),
        ends_on=None,
        acting_user=cast.clerk,
    )
    # R14: the next elections; nothing is held back yet.
    press.period_record(
        council=cast.council,
        name="Parish elections",
        starts_on=today + timedelta(days=60),
        ends_on=today + timedelta(days=95),
        acting_user=cast.clerk,
    )

    published = press.press_draft(
        council=cast.council,
        title="New benches for the village green",
        body="Little Wickham Parish Council has installed four new benches on the village green, "
        "paid for from the council's open spaces budget. Two of them replace benches that were "
        "beyond repair; the others face the pond.",
        quoted=cast.chair,
        quote="We asked residents where they would like to sit, and they told us: by the pond.",
        sensitive=False,
        acting_user=cast.officer,
        now=at(12),
    )
    press.press_submit(release=published, acting_user=cast.officer, now=at(11))
    press.press_approve(release=published, acting_user=cast.clerk, now=at(10))
    press.press_publish(release=published, acting_user=cast.clerk, now=at(10))

    waiting = press.press_draft(
        council=cast.council,
        title="Village hall roof repairs to start in the spring",
        body="Work to repair the village hall roof will start in the spring. The hall stays open "
        "for bookings while the work is done.",
        quoted=cast.chair,
        quote="The hall is the heart of the village, and it will stay open throughout.",
        sensitive=False,
        acting_user=cast.chair,
        now=at(3),
    )
    press.press_submit(release=waiting, acting_user=cast.chair, now=at(2))

    enquiry = press.enquiry_log(
        council=cast.council,
        received_on=today - timedelta(days=6),
        journalist="Sam Carter",
        outlet="Wickham Gazette",
        question="How much did the new benches on the village green cost?",
        acting_user=cast.officer,
    )
    press.enquiry_reply(
        enquiry=enquiry,
        reply="The four benches cost £2,360 in total, from the open spaces budget agreed in the "
        "council's budget for this year.",
        replied_on=today - timedelta(days=5),
        replied_by=cast.officer,
        acting_user=cast.officer,
    )
