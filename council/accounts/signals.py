"""What happens when allauth and Django say that someone signed in, failed to, or set a password
from an emailed link. council.apps connects these; the rules themselves live in the services."""

MSG_ADDRESS_IN_DISPUTE = (
    "Your password is set, but your email address is confirmed on another account, so you cannot "
    "sign in with it yet. Ask the Proper Officer, who invited you, to sort it out."
)


def confirm_email_on_password_set(sender, request, user, **kwargs):
    """allauth tells us when someone sets a password from an emailed link; for an invited person
    that proves the address is theirs (the rule itself lives in the service)."""
    from django.contrib import messages

    from . import services as account_services

    if not account_services.email_confirm_after_password_set(user=user):
        messages.error(request, MSG_ADDRESS_IN_DISPUTE)


def start_session_clocks(sender, request, user, **kwargs):
    """A person signed in: their session's idle and lifetime clocks start (sessions.py).
    Short sessions for everyone who must use two-factor, and for site operators."""
    from .. import policy
    from .sessions import session_started

    if request is not None and hasattr(request, "session"):
        session_started(request, short=policy.must_use_two_factor(user))


def record_sign_in_failure(sender, credentials, request=None, **kwargs):
    """Django sends this for allauth's sign-in too (allauth signs in through
    django.contrib.auth.authenticate), with the password already masked. Only records (R27)."""
    from . import services as account_services

    email = credentials.get("email") or credentials.get("username") or ""
    account_services.sign_in_failure_record(step="password", email=str(email))


def record_two_factor_failure(sender, user, request=None, **kwargs):
    """allauth.mfa: a wrong two-factor code after a right password. Only records (R27)."""
    from . import services as account_services

    account_services.sign_in_failure_record(step="two_factor", user=user)
