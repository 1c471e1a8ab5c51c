"""Beat's reminder sweep: every periodic task but the purge, in-process (eager).

run_sweep() is the timed sweep: it empties the generated councils' outbox first, so that every
run against the same database does the same work, then runs every task once, timed, and all of
them again, to see that nothing is created or sent twice. `python -m benchmark.sweep` runs every
task once, as beat would during the day, and prints what it did as one JSON line: run.py starts
it in a process of its own while the pages are under load.

Both delete or add outbox rows: point the benchmark only at a database of generated data.
"""

from __future__ import annotations

import json
import time

from . import report

GENERATED_PREFIX = "scale-"
# Beat tasks that are not part of the reminder sweep the issue times: the retention purge deletes
# old records, and run here it would eat into the generated data that every run measures.
NOT_REMINDERS = frozenset({"purge-expired-records"})


def beat_tasks() -> dict:
    """The reminder sweep's Celery tasks by their beat schedule names, set to run in-process."""
    from django.conf import settings

    from council.celery import app

    app.loader.import_default_modules()  # registers every app's tasks, as a worker would
    app.conf.task_always_eager = True
    # The product's in-memory broker, named with a host so kombu does not warn that it has none.
    app.conf.broker_url = "memory://localhost/"
    return {
        name: app.tasks[entry["task"]]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if name not in NOT_REMINDERS
    }


def sweep_once(tasks: dict) -> dict[str, float]:
    """Every task once; the seconds each took."""
    timings = {}
    for name, task in tasks.items():
        started = time.perf_counter()
        task.apply(throw=True)
        timings[name] = time.perf_counter() - started
    return timings


def empty_outbox(council=None) -> int:
    """Delete the outbox rows of the generated councils (and of `council`); how many went."""
    from django.db import connection

    from council.models import Council, Notification

    councils = Council.objects.filter(slug__startswith=GENERATED_PREFIX)
    if council is not None:
        councils = councils | Council.objects.filter(pk=council.pk)
    deleted, _ = Notification.objects.filter(council__in=councils).delete()
    if connection.vendor == "postgresql":
        # The deleted rows stay in the table and its indexes until a VACUUM, and each run leaves
        # 12,000 more: without this the sweep slows from run to run (autovacuum may be off).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Notification._meta.db_table}")
    return deleted


def run_sweep(council=None) -> report.Sweep:
    """The timed sweep: the outbox emptied, every beat task once, timed, then all again, to see
    that nothing goes twice."""
    from django.core import mail

    from council.models import Notification

    deleted = empty_outbox(council)
    print(f"benchmark: reminder sweep (deleted {deleted} outbox rows first)", flush=True)
    tasks = beat_tasks()

    def states():
        """Every outbox row's status, by id."""
        return dict(Notification.objects.values_list("pk", "status"))

    mail.outbox = []  # the locmem backend's list of sent messages
    before = states()
    timings = sweep_once(tasks)
    after_first = states()
    emails_first = len(mail.outbox)
    sweep_once(tasks)
    after_second = states()
    emails = len(mail.outbox)
    sent = Notification.Status.SENT
    newly_sent = sum(1 for pk, s in after_second.items() if s == sent and before.get(pk) != sent)
    return report.Sweep(
        seconds=sum(timings.values()),
        task_seconds=timings,
        created=len(after_first.keys() - before.keys()),
        emails=emails_first,
        created_again=len(after_second.keys() - after_first.keys()),
        emails_again=emails - emails_first,
        sent_twice=max(0, emails - newly_sent),
    )


def main() -> None:
    """One sweep, as beat runs it; prints its timings and what it created and sent."""
    import django

    django.setup()
    from django.core import mail

    from council.models import Notification

    tasks = beat_tasks()
    mail.outbox = []
    before = Notification.objects.count()
    timings = sweep_once(tasks)
    result = {
        "seconds": sum(timings.values()),
        "task_seconds": timings,
        "created": Notification.objects.count() - before,
        "emails": len(mail.outbox),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
