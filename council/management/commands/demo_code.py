"""Print the demo's current two-factor code: the clerk's, and that of everyone else who must use
two-factor (they share the demo's authenticator secret, which is public)."""

from django.core.management.base import BaseCommand

from council import demo


class Command(BaseCommand):
    help = "Print the demo's current two-factor authentication code (the same for every login)."

    def handle(self, *args, **options):
        self.stdout.write(demo.current_totp_code())
