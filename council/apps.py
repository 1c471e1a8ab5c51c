from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = "Council structure"

    def ready(self) -> None:
        """Signals only: the sign-in events (council.accounts.signals, council.logs). Other apps'
        panels, demo, scale and privacy parts are found when first needed (council.discovery)."""
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import authentication_failed
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .accounts.signals import (
            confirm_email_on_password_set,
            record_sign_in_failure,
            record_two_factor_failure,
            start_session_clocks,
        )

        password_reset.connect(confirm_email_on_password_set, dispatch_uid="council-confirm-email")
        user_login_failed.connect(record_sign_in_failure, dispatch_uid="council-audit-sign-in")
        user_logged_in.connect(start_session_clocks, dispatch_uid="council-session-clocks")
        authentication_failed.connect(record_two_factor_failure, dispatch_uid="council-audit-2fa")
        # The same failures as security events in the structured log (council.logs).
        from . import logs

        user_login_failed.connect(logs.sign_in_failed, dispatch_uid="council-log-sign-in")
        authentication_failed.connect(logs.two_factor_failed, dispatch_uid="council-log-2fa")
