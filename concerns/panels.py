"""The concerns panel on a council's home page (found by council.discovery)."""

from django.db.models import Count, Q

from council import policy
from council.panels import register

from .models import Concern, Hearing


@register
def home_panel(request, standing):
    """The council home page's panel: your open concerns; for handlers, the queue; for the chair,
    the overdue matters; for the personnel committee, the hearings to hold."""
    if not policy.can_raise_concern(standing):
        return None
    me, today = standing.user, standing.on
    open_concerns = Concern.objects.filter(council=standing.council, stage__in=Concern.OPEN)
    counts = open_concerns.aggregate(
        raised=Count("pk", filter=Q(raised_by=me)),
        handling=Count("pk", filter=Q(handler=me)),
        handling_overdue=Count("pk", filter=Q(handler=me, stage_due_on__lt=today)),
    )
    if policy.can_view_escalations(standing):
        counts["escalated_overdue"] = (
            policy.escalated_concerns(standing, open_concerns)
            .filter(stage_due_on__lt=today)
            .count()
        )
    if policy.can_view_hearings(standing):
        counts["hearings"] = Hearing.objects.filter(
            concern__council=standing.council, decided_on__isnull=True
        ).count()
    return "concerns/home_panel.html", {"standing": standing, "counts": counts}
