"""Demo press office for Little Wickham: a spokesperson, a pre-election period to come, a release
published quoting the chair, one waiting for the clerk's approval, and an enquiry answered."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from . import press


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
