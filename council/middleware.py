"""Sends a signed-in person who must use two-factor authentication (council.policy) to set it up
before they can use any other page."""

from django.shortcuts import redirect

from . import policy
from .logs import security_event

# allauth's pages (setting up two-factor, signing out), static files, the health check, and the
# page that explains it, which would otherwise send them to itself for ever.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/two-factor-required/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and policy.needs_two_factor_setup(request)
        ):
            security_event("two_factor_required", request)
            return redirect("two_factor_required")
        return None
