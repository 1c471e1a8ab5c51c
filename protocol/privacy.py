"""The protocol's part of a person's subject access export (council/privacy/): their
acknowledgements (R26). Nothing here is purged: versions are kept for ever (R24), and an
acknowledgement is the record that a member read the version in force."""

from __future__ import annotations

from council.privacy import Scope, Section, Table, register_export

from .models import Acknowledgement


@register_export
def export_sections(scope: Scope) -> list[Section]:
    """Which adopted versions the person acknowledged, and when. One query."""
    acknowledgements = (
        Acknowledgement.objects.filter(user=scope.person, version__council_id__in=scope.council_ids)
        .select_related("version__council")
        .order_by("acknowledged_at", "pk")
    )
    return [
        Section(
            key="protocol",
            title="The protocol",
            about="The versions of the Protocol on Member/Officer Relations you acknowledged "
            "having read. They are kept for as long as the protocol is (for ever).",
            tables=[
                Table(
                    "Acknowledgements",
                    [
                        ("council", "Council"),
                        ("version", "Version"),
                        ("acknowledged_at", "Acknowledged"),
                    ],
                    [
                        {
                            "council": a.version.council.name,
                            "version": a.version.number,
                            "acknowledged_at": a.acknowledged_at,
                        }
                        for a in acknowledgements
                    ],
                )
            ],
        )
    ]
