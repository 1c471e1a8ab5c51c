"""The benchmark's server settings: the product's own, plus a query count on every response and
the minimal view. Used only by script/benchmark (DJANGO_SETTINGS_MODULE=benchmark.settings)."""

from council.settings import *  # noqa: F403

# Outermost, so the count includes the session's and the user's queries and everything the other
# middleware asks.
MIDDLEWARE = ["benchmark.server.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "benchmark.urls"
