"""Sends a signed-in person who must use two-factor authentication (council.policy) to set it up
before they can use any other page."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers

from . import policy
from .accounts.sessions import session_expired
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


# Powerful browser features no page of the portal uses, switched off for every page (and for
# anything an attacker might manage to inject).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in person is stored by a browser or a proxy: every answer to them
    says `Cache-Control: private, no-store` (their pages carry their name, their matters, their
    recovery codes). Public pages choose their own caching (council.pagecache) for visitors who are
    not signed in. Every answer also carries the Permissions-Policy.

    In settings.MIDDLEWARE just inside the security middleware, so that it sees every answer that
    passed the session and sign-in, redirects and errors included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)  # absent for static files, answered before
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ("Cookie",))
        return response


class SessionLifetimeMiddleware:
    """Signs a person out when their session has ended (council.accounts.sessions): after
    SESSION_IDLE_SECONDS with no request, or SESSION_SHORT_MAX_SECONDS / SESSION_COOKIE_AGE after
    sign-in. The page they asked for then sends them to sign in again, saying why.

    In settings.MIDDLEWARE after the authentication and message middleware (it adds a message),
    before the sign-in requirement's check, which runs on the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_expired(request)
            if reason is not None:
                security_event("session_ended", request, reason=reason)
                logout(request)
                messages.info(request, SESSION_ENDED[reason])
        return self.get_response(request)


SESSION_ENDED = {
    "idle": "You were signed out because you had not used the portal for a while. Sign in again "
    "to carry on.",
    "lifetime": "You were signed out because you signed in a long time ago. Sign in again to "
    "carry on.",
}
