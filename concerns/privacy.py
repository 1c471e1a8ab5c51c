"""Data protection for concerns (council/privacy/ explains the registries): purging
closed concerns with their timelines, hearings, panels and history rows, and this app's part of a
person's subject access export. Registered from ConcernsConfig.ready().

The privacy rule (R16) shapes the export: a person's download shows them what the concern's own
page would show them (policy.CONCERN_EVENT_AUDIENCES), never more.
"""

from __future__ import annotations

from datetime import date

from django.db.models import CharField, Exists, F, OuterRef, Prefetch, Value
from django.db.models.functions import Cast, Concat, Length, Substr

from council.models import Council, RetentionPolicy
from council.policy import CONCERN_EVENT_AUDIENCES, concerns_in_copy
from council.privacy import (
    Scope,
    Section,
    Table,
    delete_history,
    delete_with_history,
    months_before,
    name_of,
    register_export,
    register_notification_guard,
    register_purge,
)

from .models import Concern, ConcernEvent, Hearing, PanelMember


@register_purge("concerns")
def purge_concerns(*, council: Council, policy: RetentionPolicy, today: date, limit: int) -> int:
    """Delete concerns closed longer ago than the council's period, with their events, hearings
    and panels, and every history row of them. The audit log keeps its events (ids and states,
    never what the concern said)."""
    cutoff = months_before(today, policy.concerns_months)
    closed = Concern.objects.filter(
        council=council, stage=Concern.Stage.CLOSED, closed_on__lt=cutoff
    )
    ids = list(closed.order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    # Every hearing the concerns ever had, deleted ones too, so that their panels' history goes.
    hearing_ids = list(
        Hearing.history.filter(concern_id__in=ids)  # type: ignore[attr-defined]
        .values_list("id", flat=True)
        .distinct()
    )
    PanelMember.objects.filter(hearing_id__in=hearing_ids).delete()
    delete_history(PanelMember, hearing_id__in=hearing_ids)
    Hearing.objects.filter(concern_id__in=ids).delete()
    delete_history(Hearing, concern_id__in=ids)
    ConcernEvent.objects.filter(concern_id__in=ids).delete()
    return delete_with_history(Concern, ids)


@register_notification_guard
def open_concern_notices(council: Council | None):
    """Notices about a concern still open are kept however old: the reminder sweep would send an
    overdue stage's notices again if their outbox rows went (the key is "concern:<id>:...",
    services._notify)."""
    prefix = Concat(Value("concern:"), Cast("pk", CharField()), Value(":"))
    return Exists(
        Concern.objects.filter(council=council, stage__in=Concern.OPEN)
        .annotate(prefix=prefix)
        # "the notice's key starts with the prefix", as the start of the key equal to it
        .annotate(key_start=Substr(OuterRef("key"), 1, Length("prefix"), output_field=CharField()))
        .filter(key_start=F("prefix"))
    )


@register_export
def export_sections(scope: Scope) -> list[Section]:
    """Concerns the person raised, and concerns about them once they have been told (R16: until
    then the portal does not show them the matter, and neither does this). Five queries.

    - Raised: everything they wrote, whom it is about (they named them), the route, who handles
      it, the outcome and reasons, and the steps shared with them.
    - About them: the stage, the outcome and reasons, when they were told, who handles it and the
      steps shared with both people; not who raised it, nor the raiser's account of what
      happened, which the concern's page does not show them either (the raiser's own data,
      R16). The steps shared with both may name the raiser where the raiser acted in them: those
      were shown to the person already.
    - Withheld from both: the handlers' private notes (listed by date, text withheld: they may be
      about other people) and the name of a companion at a hearing.
    - Concerns the person handles or sits on a panel for are their work, not data about them, and
      are not included."""
    person, ids = scope.person, scope.council_ids
    # R16: in a copy someone else reads, only the concerns the policy lets them see.
    concerns = concerns_in_copy(scope.viewer, Concern.objects.filter(council_id__in=ids))
    raised = list(
        concerns.filter(raised_by=person)
        .select_related("council", "subject", "handler")
        .order_by("raised_on", "pk")
    )
    about = list(
        concerns.filter(subject=person, subject_told_on__isnull=False)
        .select_related("council", "handler")
        .order_by("raised_on", "pk")
    )
    parts = {c.pk: "raiser" for c in raised} | {c.pk: "subject" for c in about}
    events = list(
        ConcernEvent.objects.filter(concern_id__in=list(parts))
        .select_related("actor")
        .order_by("concern_id", "at", "pk")
    )
    hearings = list(
        Hearing.objects.filter(concern_id__in=list(parts))
        .prefetch_related(
            Prefetch("panel", queryset=PanelMember.objects.select_related("user").order_by("pk"))
        )
        .order_by("concern_id", "held_on", "pk")
    )

    # R16: the steps the person's part lets them read; the handlers' private notes are listed
    # by date only; the steps between the raiser and the handlers are not the subject's at all.
    shared = [e for e in events if e.audience in CONCERN_EVENT_AUDIENCES[parts[e.concern_id]]]
    private = [e for e in events if e.audience == ConcernEvent.Audience.HANDLERS]

    def common(c: Concern) -> dict:
        return {
            "id": c.pk,
            "council": c.council.name,
            "stage": c.get_stage_display(),
            "handler": name_of(c.handler),
            "outcome": c.get_outcome_display() if c.outcome else "",
            "outcome_reasons": c.outcome_reasons,
            "actions_agreed": c.actions_agreed,
            "closed_on": c.closed_on,
        }

    closing = [
        ("stage", "Stage"),
        ("handler", "Handled by"),
        ("outcome", "Outcome"),
        ("outcome_reasons", "Reasons"),
        ("actions_agreed", "Actions agreed"),
        ("closed_on", "Closed"),
    ]
    about_text = (
        "Concerns you raised, and concerns about you once you were told of them. Each shows what "
        "the concern's own page shows you."
    )
    if scope.viewer is not None:
        about_text += (
            " This copy holds only the concerns you handle or handled: a concern is seen only by "
            "those with a part in it. The person's own download, from their account, holds the "
            "rest."
        )
    section = Section(
        key="concerns",
        title="Concerns",
        about=about_text,
        tables=[
            Table(
                "Concerns you raised",
                [
                    ("id", "Number"),
                    ("council", "Council"),
                    ("raised_on", "Raised"),
                    ("about", "About"),
                    ("kind", "Kind"),
                    ("what_happened", "What happened"),
                    ("outcome_hoped", "Outcome hoped for"),
                    ("route", "Why it goes there"),
                    *closing,
                    ("referred_to", "Referred to"),
                    ("referral_outcome", "Their outcome"),
                ],
                [
                    {
                        **common(c),
                        "raised_on": c.raised_on,
                        "about": c.subject_label,
                        "kind": c.get_kind_display(),
                        "what_happened": c.what_happened,
                        "outcome_hoped": c.outcome_hoped,
                        "route": c.route_explanation,
                        "referred_to": c.referred_to,
                        "referral_outcome": c.referral_outcome,
                    }
                    for c in raised
                ],
            ),
            Table(
                "Concerns about you",
                [("id", "Number"), ("council", "Council"), ("told_on", "You were told"), *closing],
                [{**common(c), "told_on": c.subject_told_on} for c in about],
                withheld="Who raised a concern about you, their account of what happened and the "
                "steps shared only with them are theirs as well as yours and are left out, as on "
                "the concern's page. Ask the Proper Officer, who will decide what can be "
                "disclosed.",
            ),
            Table(
                "Steps shared with you",
                [
                    ("concern", "Concern"),
                    ("at", "When"),
                    ("step", "Step"),
                    ("by", "By"),
                    ("text", "Text"),
                ],
                [
                    {
                        "concern": e.concern_id,
                        "at": e.at,
                        "step": e.get_kind_display(),
                        "by": name_of(e.actor),
                        "text": e.text,
                    }
                    for e in shared
                ],
            ),
            Table(
                "Handlers' private notes",
                [("concern", "Concern"), ("at", "When"), ("step", "Step")],
                [
                    {"concern": e.concern_id, "at": e.at, "step": e.get_kind_display()}
                    for e in private
                ],
                withheld="The text of the handlers' private notes is left out: it may be about "
                "other people. Ask the Proper Officer, who will review it and release what is "
                "about you.",
            ),
            Table(
                "Hearings",
                [
                    ("concern", "Concern"),
                    ("kind", "Kind"),
                    ("held_on", "Held on"),
                    ("panel", "Panel"),
                    ("outcome", "Outcome"),
                    ("reasons", "Reasons"),
                    ("decided_on", "Decided"),
                ],
                [
                    {
                        "concern": h.concern_id,
                        "kind": h.get_kind_display(),
                        "held_on": h.held_on,
                        "panel": [name_of(m.user) for m in h.panel.all()],
                        "outcome": h.get_outcome_display() if h.outcome else "",
                        "reasons": h.reasons,
                        "decided_on": h.decided_on,
                    }
                    for h in hearings
                ],
                withheld="The name of a companion at a hearing is left out.",
            ),
        ],
    )
    return [section]
