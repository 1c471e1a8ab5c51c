"""Sends a signed-in person who must use two-factor authentication (council.policy) to set it up
before they can use any other page."""

from django.shortcuts import redirect

from . import policy

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
            and policy.needs_two_factor_setup(request)
        ):
            return redirect("two_factor_required")
        return self.get_response(request)
