"""The protocol's panel on a council's home page (found by council.discovery)."""

from django.db.models import Exists, OuterRef

from council import policy
from council.panels import register

from . import services
from .models import Acknowledgement, ProtocolVersion


@register
def home_panel(request, standing):
    """The protocol's panel on a council home page: the review date for the clerk (R25), and the
    acknowledgement prompt for each councillor and officer until they acknowledge (R26)."""
    if not (policy.can_acknowledge_protocol(standing) or policy.can_edit_protocol(standing)):
        return None
    # One query: the version in force and whether this person has acknowledged it.
    version = (
        ProtocolVersion.objects.adopted()
        .filter(council=standing.council)
        .annotate(
            acknowledged=Exists(
                Acknowledgement.objects.filter(version=OuterRef("pk"), user=request.user)
            )
        )
        .first()
    )
    can_ack = policy.can_acknowledge_protocol(standing)
    context = {"standing": standing, "version": version, "can_ack": can_ack}
    if version:
        context["needs_ack"] = can_ack and not version.acknowledged
        if policy.can_edit_protocol(standing):
            context["review_stage"] = services.review_stage(version.review_on, standing.on)
            context["days_left"] = (version.review_on - standing.on).days
    return "protocol/home_panel.html", context
