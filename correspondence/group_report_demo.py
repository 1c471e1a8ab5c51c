"""Demo reports for political groups in Little Wickham (R15): one issued to the Oak Party, so
that the Independents have a notice saying it exists, and one draft for the Independents waiting
for the clerk to issue it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from council.models import PoliticalGroup

from . import group_reports


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
