"""The protocol in the demo council (found by council.discovery)."""

from datetime import timedelta

from django.utils import timezone

from council.demo import register_extra

from . import services


@register_extra
def demo_protocol(cast) -> None:
    """The demo: Little Wickham adopted the model protocol 200 days ago, with its review due in 60
    days (so the clerk's home page shows it); one councillor has acknowledged it. Cwm Dulais has
    not adopted one yet, to show that page too."""
    today = timezone.localdate()
    draft = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    version = services.version_adopt(
        version=draft,
        adopted_on=today - timedelta(days=200),
        minute_reference="25/112",
        review_on=today + timedelta(days=60),
        acting_user=cast.clerk,
    )
    services.acknowledgement_record(version=version, user=cast.councillor2)
