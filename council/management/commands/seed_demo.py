"""Create the demo councils and logins (a second run changes nothing), then print the logins."""

from django.core.management.base import BaseCommand

from council import demo


class Command(BaseCommand):
    help = "Create the two demo councils with one login per role, and print the logins."

    def handle(self, *args, **options):
        if demo.demo_exists():
            self.stdout.write("The demo councils are already there; nothing changed.")
        else:
            demo.build_extras(demo.build_demo())
            self.stdout.write(self.style.SUCCESS("Created the demo councils."))
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})\n")
        for email, name, what in demo.PEOPLE.values():
            self.stdout.write(f"  {email:<26} {name:<16} {what}")
        self.stdout.write(
            "\nThe officers, the chairs and the personnel committee must use two-factor "
            "authentication\n(everyone above but councillor2, former and cwm). For the demo code "
            "(the same for all), run:\n"
            "  .venv/bin/python manage.py demo_code\n"
        )
