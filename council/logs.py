"""Structured logs, as JSON lines on stdout (settings.LOGGING): one line per request
(`council.requests`) and one per security event (`council.security`): a failed sign-in, a
permission refused (403), a person sent to set up two-factor first, a rate limit hit.

Data protection: a line has the method, the path without its query string (which carries
search terms and whatever a link put there), the status, the time taken and, when the request
knows who is signed in, their user id. Never a name, an email address or anything typed into a
form. A path that carries a one-use secret (a password-reset or email-confirmation key) is logged
with the secret cut out.
"""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime

from django.utils.functional import LazyObject, empty

request_log = logging.getLogger("council.requests")
security_log = logging.getLogger("council.security")

# A LogRecord's own attributes; anything else on a record came in through `extra=`.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# allauth's links that carry a key in the path: password reset (also the invitation) and email
# confirmation. Everything after the prefix is replaced, except the page that follows a reset.
_SECRET_IN_PATH = re.compile(r"^(/accounts/(?:password/reset/key|confirm-email)/)(?!done/)[^/]+")


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "event", ...the record's `extra` fields} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update(
            (key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def loggable_path(path: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1[removed]", path)


def _user_id(request) -> int | None:
    """The signed-in person's id, if this request has already looked them up (every signed-in
    page has). Never a query of its own: pages' query counts are tested, and a public page that
    never asks who is signed in stays at its count."""
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject):
        user = user.__dict__.get("_wrapped", empty)
        if user is empty:
            return None
    return user.pk if getattr(user, "is_authenticated", False) else None


def _request_fields(request) -> dict:
    fields = {"method": request.method, "path": loggable_path(request.path)}
    user_id = _user_id(request)
    if user_id is not None:
        fields["user_id"] = user_id
    return fields


def security_event(event: str, request=None, **fields) -> None:
    """One line for a security event. `fields` are ids and codes, never personal data."""
    where = _request_fields(request) if request is not None else {}
    security_log.warning(event, extra={**where, **fields})


class RequestLogMiddleware:
    """Outermost, so that it times the whole request and sees the status that was sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        if response.status_code == 403:
            security_event("permission_denied", request)
        elif response.status_code == 429:
            security_event("rate_limited", request)
        request_log.info(
            "request",
            extra={
                **_request_fields(request),
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


def sign_in_failed(sender, credentials=None, request=None, **kwargs) -> None:
    """django.contrib.auth's user_login_failed (allauth signs in through it): no address, no
    account: the audit log keeps which account it was (council.accounts.services)."""
    security_event("sign_in_failed", request, step="password")


def two_factor_failed(sender, user=None, request=None, **kwargs) -> None:
    """allauth.mfa's authentication_failed: a wrong code after a right password."""
    security_event("sign_in_failed", request, step="two_factor", user_id=getattr(user, "pk", None))
