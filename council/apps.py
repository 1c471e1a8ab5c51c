from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "Council structure"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from . import services

        # allauth tells us when someone sets a password from an emailed link; for an invited
        # person that proves the address is theirs (the rule itself lives in the service).
        def on_password_reset(sender, request, user, **kwargs):
            services.email_confirm_after_password_set(user=user)

        password_reset.connect(on_password_reset, dispatch_uid="council-confirm-email")
