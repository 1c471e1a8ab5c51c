"""Print the demo clerk's current two-factor code (the demo's authenticator secret is public)."""

from django.core.management.base import BaseCommand

from council import demo


class Command(BaseCommand):
    help = "Print the demo clerk's current two-factor authentication code."

    def handle(self, *args, **options):
        self.stdout.write(demo.current_totp_code())
