"""allauth adapter: nobody signs themselves up; the Proper Officer invites people."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from ..logs import security_event


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth refuses a sign-in over its failed-attempts limit here, as a form error (a 200,
        not a 429), so the structured log's security event is written here."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event("rate_limited", request, action="login_failed")
            raise
