"""Sessions end: after a while with no request, and at the latest some hours or days after
sign-in."""

from __future__ import annotations

import time

from django.conf import settings

# What a session remembers of its own life (seconds since the epoch), and whether it is one of the
# short ones: officers, chairs and the personnel committee (everyone who must use two-factor) and
# site operators.
SIGNED_IN_AT = "portal_signed_in_at"
LAST_SEEN = "portal_last_seen"
SHORT = "portal_short_session"
# A request writes the session (one UPDATE) at most this often to note that the person is there.
LAST_SEEN_RESOLUTION = 60


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
