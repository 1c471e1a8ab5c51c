"""Demo concerns for Little Wickham: one at each point the clerk, the chair and the personnel
committee meet, so that the queue, the chair's escalations page (with an overdue matter), the
hearings page and the outcome counts all have something to show. Runs after the demo protocol
(INSTALLED_APPS order), so that concerns can cite its sections."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from council.demo import register_extra
from council.policy import standing_for
from protocol.models import Section

from . import formal as formal_procedure
from . import services
from .models import Concern, ConcernEvent


def _backdate(concern: Concern, day) -> None:
    """The demo's steps happened on past days; the concern's timeline should say so."""
    at = timezone.make_aware(datetime.combine(day, time(10, 30)))
    ConcernEvent.objects.filter(concern=concern).update(at=at)


@register_extra
def demo_concerns(cast) -> None:
    today = timezone.localdate()
    sections = list(
        Section.objects.filter(version__council=cast.council, version__status="adopted").order_by(
            "position"
        )
    )

    def cite(*positions):
        return [sections[p] for p in positions if p < len(sections)]

    def raise_(who, about, kind, what, hoped, *, days_ago, cited=()):
        on = today - timedelta(days=days_ago)
        concern = services.concern_raise(
            raiser=standing_for(who, cast.council, on),
            subject=about,
            kind=kind,
            sections=cited,
            what_happened=what,
            outcome_hoped=hoped,
        )
        _backdate(concern, on)
        return concern

    def ago(days):
        return today - timedelta(days=days)

    # 1. A councillor unhappy with an officer (R18): with the chair for triage, and overdue, so
    #    the chair's escalations page has something to show.
    raise_(
        cast.councillor,
        cast.officer,
        Concern.Kind.CONDUCT,
        "The allotments officer replied to my email about the waiting list in a dismissive way "
        "and copied it to a resident without telling me.",
        "An apology, and to be told before my emails are shared.",
        days_ago=14,
        cited=cite(3),
    )

    # 2. An officer's concern about a councillor (R19), at informal resolution with the clerk
    #    and overdue: it shows in the clerk's queue first, and in the chair's page without details.
    informal = raise_(
        cast.rfo,
        cast.councillor,
        Concern.Kind.UNDUE_PRESSURE,
        "I was asked three times in one week to move a payment ahead of the agreed schedule.",
        "For requests to go through the clerk, as the protocol says.",
        days_ago=45,
        cited=cite(1, 2),
    )
    services.concern_triage(
        concern=informal,
        next_stage=Concern.Stage.INFORMAL,
        note="A conversation first, with the clerk present.",
        acting_user=cast.clerk,
        today=ago(44),
    )

    # 3. An officer's concern about a councillor at the formal stage, with a hearing arranged for
    #    a panel of the personnel committee (R20): the hearings page shows it.
    formal = raise_(
        cast.officer,
        cast.councillor2,
        Concern.Kind.BULLYING,
        "Comments about my work were made in front of members of the public at two meetings.",
        "For it to stop, and a written apology.",
        days_ago=30,
        cited=cite(2),
    )
    services.concern_tell_subject(
        concern=formal,
        message="A concern about remarks at two meetings has been raised with you.",
        acting_user=cast.clerk,
        today=ago(29),
    )
    services.concern_triage(
        concern=formal,
        next_stage=Concern.Stage.INFORMAL,
        note="Conciliation by the monitoring officer.",
        acting_user=cast.clerk,
        today=ago(29),
    )
    services.concern_add_note(
        concern=formal,
        kind=ConcernEvent.Kind.CONCILIATION,
        audience=ConcernEvent.Audience.BOTH,
        text="The monitoring officer met both; no agreement was reached.",
        acting_user=cast.clerk,
    )
    formal_procedure.concern_start_formal(concern=formal, acting_user=cast.clerk, today=ago(10))
    formal_procedure.hearing_arrange(
        concern=formal,
        held_on=today + timedelta(days=9),
        members=[cast.personnel, cast.vice_chair, cast.councillor],
        companion="",
        acting_user=cast.clerk,
        today=ago(3),
    )

    # 4. Closed: resolved informally, citing sections, so the outcome counts have a row.
    resolved = raise_(
        cast.clerk,
        cast.chair,
        Concern.Kind.PROTOCOL_BREACH,
        "Instructions about the hall bookings were given directly to the caretaker.",
        "For instructions to come through me.",
        days_ago=90,
        cited=cite(1),
    )
    handler = resolved.handler
    services.concern_triage(
        concern=resolved,
        next_stage=Concern.Stage.INFORMAL,
        note="A conversation.",
        acting_user=handler,
        today=ago(88),
    )
    services.concern_close(
        concern=resolved,
        outcome=Concern.Outcome.RESOLVED_INFORMALLY,
        reasons="We talked it through and agreed how instructions reach staff.",
        actions_agreed="Instructions to staff go through the clerk.",
        acting_user=handler,
        today=ago(80),
    )
