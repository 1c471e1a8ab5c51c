"""Fill the database with scale councils for measuring the portal (a second run changes nothing),
then print the rows made per model and the time taken."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from council import scale


class Command(BaseCommand):
    help = (
        "Create N scale councils (scale-00001…) with their people, protocol versions, requests, "
        "concerns and correspondence, with history rows, using bulk inserts."
    )

    def add_arguments(self, parser):
        """--councils N and --seed S."""
        parser.add_argument("--councils", type=int, required=True, help="How many councils.")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed, the same data.")

    def handle(self, *args, **options):
        """Generate unless scale councils exist, then print rows per model and the time."""
        councils = options["councils"]
        if councils < 1:
            raise CommandError("--councils must be at least 1.")
        if scale.scale_exists():
            self.stdout.write("Scale councils are already there; nothing changed.")
            return
        started = time.monotonic()
        counts = scale.generate(
            councils=councils,
            seed=options["seed"],
            progress=self.stdout.write if options["verbosity"] > 1 else None,
        )
        if connection.vendor == "postgresql":
            # Millions of rows arrived in minutes; autovacuum would gather the planner's
            # statistics only later, and until then PostgreSQL plans from an empty database
            # (hash joins over whole tables: 15 ms for a six-row prefetch, issue 7).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        width = max(len(label) for label in counts)
        self.stdout.write(f"Rows created ({councils} councils, seed {options['seed']}):")
        for label, n in scale.model_counts(counts):
            self.stdout.write(f"  {label:<{width}} {n:>10,}")
        self.stdout.write(f"  {'total':<{width}} {sum(counts.values()):>10,}")
        self.stdout.write(self.style.SUCCESS(f"Created the scale councils in {elapsed:.1f} s."))
        self.stdout.write(
            f"Logins: clerk-00001@{scale.EMAIL_DOMAIN} (councils 1–3), rfo-00001@…, "
            f"officer-00001@…, councillor-00001-01@… (chair); password {scale.SCALE_PASSWORD}; "
            f"the clerks' two-factor secret is {scale.SCALE_TOTP_SECRET}."
        )
