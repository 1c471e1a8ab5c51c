"""Accounts that nobody else can take (issue 20): the parts of allauth's account pages that are
ours. allauth does the work; settings.py switches on what it offers (re-authentication before an
address, password or two-factor change, a notice to the old address of each change, one address
per account), and this module adds what it leaves to the project:

- Password-reset links last an hour; an invitation's link (the same page, for someone who has no
  password yet) lasts its own, longer, stated lifetime (PortalTokenGenerator).
- An address that any account holds, or that an invitation waits on, verified or not, cannot be
  added to another account (PortalAddEmailForm): otherwise a councillor could add an invited
  officer's address to their own account and, once the officer pressed "Confirm", own it.
- Sessions end: after a while with no request, and at the latest some hours or days after sign-in
  (session_started on sign-in, session_expired on every request; the middleware calls it).
"""

from __future__ import annotations

import time

from allauth.account.forms import AddEmailForm
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

MSG_ADDRESS_IN_USE = (
    "This address belongs to another account on the portal, or an invitation is waiting on it. "
    "If it is yours, ask the Proper Officer to sort it out."
)

# What a session remembers of its own life (seconds since the epoch), and whether it is one of the
# short ones: officers, chairs and the personnel committee (everyone who must use two-factor) and
# site operators.
SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN = "portal_last_seen"
SHORT = "portal_short_session"
# A request writes the session (one UPDATE) at most this often to note that the person is there.
LAST_SEEN_RESOLUTION = 60


def address_taken(email: str, *, by_other_than=None) -> bool:
    """Whether an address is held by an account (other than `by_other_than`), as its login or as
    any of its addresses, confirmed or not (an invitation waits on an unconfirmed one)."""
    users = get_user_model().objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if by_other_than is not None:
        users = users.exclude(pk=by_other_than.pk)
        addresses = addresses.exclude(user=by_other_than)
    return users.exists() or addresses.exists()


class PortalAddEmailForm(AddEmailForm):
    """allauth's "add an address" (with ACCOUNT_CHANGE_EMAIL, "change your address"), refusing an
    address that belongs to anyone else. allauth, preventing enumeration, would accept it and mail
    the owner a confirmation link that confirms it on the wrong account. Saying "in use" to a
    person who has just given their password again tells them no more than the clerk's people
    page does."""

    def clean_email(self) -> str:
        value = super().clean_email()
        if address_taken(value, by_other_than=self.user):
            raise forms.ValidationError(MSG_ADDRESS_IN_USE)
        return value


def session_started(request, *, short: bool) -> None:
    """A person has just signed in: the session's clocks start now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[SHORT] = short


def session_expired(request) -> str | None:
    """Why this signed-in session has ended ("idle" or "lifetime"), or None while it lives; notes
    that the person is still there (at most once a minute). A session from before these rules
    starts its clocks now, as a short one."""
    session = request.session
    now = int(time.time())
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:
        session[SIGNED_IN_AT] = session[LAST_SEEN] = signed_in = now
    last_seen = session.get(LAST_SEEN, now)
    if now - last_seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    # Without "Remember me" the cookie ends with the browser; the session here ends as a short one.
    short = session.get(SHORT, True) or session.get_expire_at_browser_close()
    lifetime = settings.SESSION_SHORT_MAX_SECONDS if short else settings.SESSION_COOKIE_AGE
    if now - signed_in > lifetime:
        return "lifetime"
    if now - last_seen >= LAST_SEEN_RESOLUTION:
        session[LAST_SEEN] = now
    return None
