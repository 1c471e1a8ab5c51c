"""`manage.py operator_create`: Django's createsuperuser (the same prompts and options), for a
site operator (README "Production with docker-compose"), which also confirms the operator's
address: it was typed at the server by the person who runs it, so there is nothing to prove by
email, and allauth's mandatory confirmation would otherwise stop the operator at sign-in until a
mail server works. The operator still sets up two-factor authentication before any other page,
/admin/ included (council.policy.needs_two_factor_setup)."""

from django.contrib.auth.management.commands import createsuperuser

from council.accounts import services as account_services
from council.models import User


class Command(createsuperuser.Command):
    help = (
        "Create a site operator (superuser) with a confirmed address. They set up two-factor "
        "authentication at their first sign-in."
    )

    def handle(self, *args, **options):
        database = options.get("database") or "default"
        before = set(User.objects.using(database).values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in User.objects.using(database).exclude(pk__in=before):
            account_services.operator_address_confirm(user=user)
