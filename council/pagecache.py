"""Whole-page caching: public pages named by a small version key, and signed-in people's repeat
visits named by the data version (council.dataversion).

Public pages
------------

A public page that changes only when something is published (the adopted protocol, say) is named
by a key that one small query reads: the published version's id and status, the council's name.
The key is the page's ETag, so a browser that has the page gets a 304; and the rendered page is
kept in this process's memory under that key, so anyone else gets it without rendering. A change
gives a new key, so it shows at once, in every process, with nothing to invalidate.

The page is kept compressed as well, once, and sent compressed to every browser that accepts
gzip (nearly all do): a tenth of the bytes over a phone's connection, at no cost per visit.

Signed-in people are never served a cached public page (theirs shows their own navigation), and
only successful GET/HEAD responses are kept. Public pages hold no secrets (no CSRF token, no
personal data), so compressing them cannot leak one (BREACH).

Signed-in people's pages
------------------------
A council page (council.views.council_page) is kept for the one session that asked for it, under a
key made of everything its content can depend on:
- the data version, which goes up after every committed change anywhere (council.dataversion);
- the session's key and its whole stored data (who is signed in, their two-factor state, anything
  else a session holds);
- the CSRF cookie (the page's forms carry a token for it), the host, the path and query string;
- the minute (DATA_MINUTE below): dated roles, due dates and "overdue" follow the clock, so a kept
  page is at most a minute behind it.
PersonPageMiddleware reads the session and the data version in one prepared query before anything
else asks the database; a kept page is then sent with no other query, and on a miss the session is
already loaded, so the view costs no more queries than without it.

A page is kept only if it is an ordinary answer to a GET (200, no cookie of its own, no message
shown), its view changed nothing in the database (an audited opening of a personal-data document
writes each time, so it is never answered from memory), and it did not hand out a new CSRF token.
Pages are never compressed: they carry a CSRF token (BREACH). The memory is each process's own;
people's pages never leave the process that rendered them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.views.decorators.http import condition

from .sql import fetch_one

# The "pages" cache is process-local memory (settings.CACHES): never stale, because its keys name
# the content; bounded by its MAX_ENTRIES.
CACHE_ALIAS = "pages"


def public_page(key_func: Callable[..., str | None]):
    """Decorate a public view: ETag revalidation from key_func, and for visitors who are not
    signed in, the rendered page from memory while the key is unchanged."""

    def etag(request: HttpRequest, *args, **kwargs) -> str | None:
        key = key_func(request, *args, **kwargs)
        request._page_key = key  # type: ignore[attr-defined]  # read once, used twice
        if key is None:
            return None
        signed_in = "u" if request.user.is_authenticated else "a"
        # Weak: the same page may be sent compressed or not (RFC 9110 8.8.1).
        return f'W/"{key}-{signed_in}"'

    def decorator(view):
        @condition(etag_func=etag)
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            key = getattr(request, "_page_key", None)
            cacheable = (
                key is not None
                and request.method in ("GET", "HEAD")
                and not request.user.is_authenticated
            )
            if cacheable:
                cached = caches[CACHE_ALIAS].get(key)
                if cached is not None:
                    return revalidate_always(_from_cache(request, *cached))
            response = view(request, *args, **kwargs)
            if cacheable and response.status_code == 200 and not response.streaming:
                entry = (
                    response.content,
                    compress_string(response.content),
                    response["Content-Type"],
                )
                caches[CACHE_ALIAS].set(key, entry, None)
                return revalidate_always(_from_cache(request, *entry))
            return revalidate_always(response)

        return wrapper

    return decorator


def _from_cache(request: HttpRequest, content: bytes, gzipped: bytes, content_type: str):
    """The kept page, compressed for a browser that accepts gzip."""
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
        response = HttpResponse(gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def revalidate_always(response: HttpResponse) -> HttpResponse:
    """Cache-Control for a public page that must show a change at once."""
    # Browsers and proxies revalidate every time (a new adoption must show at once) and get a
    # 304 while the page is unchanged.
    patch_cache_control(response, no_cache=True, public=True)
    return response


# -- Signed-in people's pages ---------------------------------------------------------------------

# A kept page follows the clock to the minute (see the module's docstring).
DATA_MINUTE = 60
# Larger downloads are streamed from the file every time, never held in memory.
MAX_KEPT_BYTES = 512 * 1024

PERSON_PAGE_SQL = (
    'SELECT s.session_data, v.version FROM "django_session" s, "council_dataversion" v '
    "WHERE s.session_key = %s AND s.expire_date > %s AND v.id = 1"
)


def person_page(view):
    """Mark a signed-in view as one whose GET answers PersonPageMiddleware may keep, and keep
    them. The view itself does every check, as on any visit; this only looks at its answer."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = getattr(request, "_person_page_key", None)
        if key is None:
            return view(request, *args, **kwargs)
        changes = getattr(connection, "data_changes", 0)
        had_csrf_cookie = settings.CSRF_COOKIE_NAME in request.COOKIES
        response = view(request, *args, **kwargs)
        if not _keepable(request, response, changes, had_csrf_cookie):
            return response
        headers = list(response.items())
        if response.streaming:
            length = response.get("Content-Length", "")
            if not length.isdigit() or int(length) > MAX_KEPT_BYTES:
                return response
            content = b"".join(response.streaming_content)
            read, response = response, _kept_response(content, headers)
            # The file is closed with the answer that is sent, not now: close() also tells Django
            # that the request has finished, which closes its database connection.
            response._resource_closers.extend(read._resource_closers)
        caches[CACHE_ALIAS].set(key, (response.content, headers), 2 * DATA_MINUTE)
        return response

    wrapper.person_page = True  # type: ignore[attr-defined]
    return wrapper


def _keepable(request: HttpRequest, response, changes_before: int, had_csrf_cookie: bool) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if getattr(connection, "data_changes", 0) != changes_before:
        return False  # the view wrote something: it must run again next time
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not had_csrf_cookie:
        return False  # a new CSRF token, whose cookie only this answer sets
    storage = getattr(request, "_messages", None)
    return not (storage is not None and (storage.used or len(storage)))


def _kept_response(content: bytes, headers: list[tuple[str, str]]) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


class PersonPageMiddleware:
    """Answers a signed-in person's repeat GET of a person_page view from memory. In
    settings.MIDDLEWARE after the session, CSRF and authentication middleware and before the
    sign-in and two-factor checks, whose answers for this session the kept page already holds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "GET" or not getattr(view_func, "person_page", False):
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key or CookieStorage.cookie_name in request.COOKIES:
            return None  # not signed in, or a message waits to be shown
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        row = fetch_one("person_page", PERSON_PAGE_SQL, [session_key, now])
        if row is None:
            return None  # no such session (signed out, expired): the usual checks answer
        session_data, version = row
        parts = (
            str(version),
            session_key,
            session_data,
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            str(int(time.time() // DATA_MINUTE)),
        )
        key = "person:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        entry = caches[CACHE_ALIAS].get(key)
        if entry is not None:
            return _kept_response(*entry)
        # A miss: the view runs, with the session this query has already read.
        request.session._session_cache = request.session.decode(session_data)
        request._person_page_key = key
        return None
