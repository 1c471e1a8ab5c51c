from django.apps import AppConfig


def confirm_email_on_password_set(sender, request, user, **kwargs):
    """allauth tells us when someone sets a password from an emailed link; for an invited person
    that proves the address is theirs (the rule itself lives in the service)."""
    from . import services

    services.email_confirm_after_password_set(user=user)


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "Council structure"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        password_reset.connect(confirm_email_on_password_set, dispatch_uid="council-confirm-email")
