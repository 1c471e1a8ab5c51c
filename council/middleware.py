"""Sends a signed-in person who must use two-factor authentication (council.policy) to set it up
before they can use any other page."""

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect

from . import policy
from .models import User

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_two_factor_setup(user)
        ):
            return redirect("two_factor_required")
        return self.get_response(request)


def needs_two_factor_setup(user) -> bool:
    """Must use two-factor (council.policy) and has no authenticator yet. One query on every
    signed-in page, so both questions are asked together."""
    has_authenticator = Exists(Authenticator.objects.filter(user_id=OuterRef("pk")))
    return (
        User.objects.filter(pk=user.pk)
        .filter(policy.two_factor_required_q())
        .filter(~has_authenticator)
        .exists()
    )
