"""The one-use key in password-reset and invitation links (council.accounts explains why).

A module of its own: allauth imports it while its own forms module is still loading
(ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR), when only the part of that module above its
`default_token_generator` exists, so this imports nothing else of allauth's.
"""

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from django.conf import settings
from django.utils.http import base36_to_int


class PortalTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    """The one-use key in a password-reset link, and in an invitation's link (the same page).

    Django checks the key's age against PASSWORD_RESET_TIMEOUT, which settings.py sets to the
    invitation's lifetime (the longer of the two); a key for an account that already has a
    password, a reset, also has to be younger than PASSWORD_RESET_LINK_SECONDS. Setting a password
    changes the key's hash, so an invitation's link stops working once it is used."""

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        if not user.has_usable_password():
            return True  # an invitation: its own lifetime, checked above
        age = self._num_seconds(self._now()) - base36_to_int(token.split("-")[0])
        return age <= settings.PASSWORD_RESET_LINK_SECONDS
