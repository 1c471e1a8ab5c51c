"""Whole-page caching of public pages, named by a small version key.

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

Signed-in people's pages are never kept, here or by a browser or proxy: every answer to a
signed-in person says `Cache-Control: private, no-store` (council.middleware).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.views.decorators.http import condition

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
