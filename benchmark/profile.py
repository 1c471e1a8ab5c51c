"""Where a first visit's time goes: `python -m benchmark.profile`, with DATABASE_URL as for the
benchmark.

It plays the benchmark's personas (benchmark/personas.py) in this process, through Django's test
client with the production settings, each visit a page of their own walk, under cProfile; and for
each page kind prints the mean time per visit and how it splits between waiting on the database,
the ORM's Python (building queries and model instances), templates, and the rest (views,
middleware, policy), then the functions that cost most. Nothing is cached between visits but what
the portal itself keeps.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict

CATEGORIES = [
    # (name, what a function's file path contains); the first match wins.
    ("database (waiting)", ("psycopg2", "sqlite3/dbapi2", "_sqlite3")),
    ("ORM", ("django/db/",)),
    ("templates", ("django/template/", "django/templatetags/", "templatetags/")),
    ("middleware and sessions", ("django/contrib/sessions", "django/middleware", "middleware")),
]


def category(filename: str) -> str:
    """The category of a function, by its file."""
    for name, parts in CATEGORIES:
        if any(part in filename for part in parts):
            return name
    return "the rest (views, policy, forms, Python)"


def split(stats: pstats.Stats) -> dict[str, float]:
    """Own time (not including callees) per category, in seconds."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = "database (waiting)" if name.startswith("<method 'execute'") else category(filename)
        totals[key] += own
    return totals


def _visit(client, cookie: str, path: str) -> None:
    """One visit as the person whose session cookie this is ("" for a visitor)."""
    client.cookies.clear()
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)


def main(argv: list[str] | None = None) -> int:
    """Profile each page kind's first visits and print the split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=5, help="councils to take personas from")
    parser.add_argument("--visits", type=int, default=40, help="visits profiled per page kind")
    parser.add_argument("--top", type=int, default=12, help="functions listed per page kind")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmark.settings")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.test import Client

    from benchmark import personas as model
    from benchmark.run import generated_councils, sign_in

    database_url = os.environ.get("DATABASE_URL", "")
    councils = model.choose_councils(generated_councils(database_url), args.councils)
    people = model.build_personas(councils, councils, sign_in)
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for persona in people:
        for kind, path in persona.visits:
            by_kind[kind].append((persona.cookie, path))
    for kind in model.PAGE_KINDS:
        visits = by_kind.get(kind, [])[: args.visits]
        if not visits:
            continue
        # One client, so that the middleware is built once (Django's test client builds it per
        # client), as a server process does; each visit carries its own person's cookie.
        client = Client()
        for cookie, path in visits[:2]:  # warm up: templates loaded, connection open
            _visit(client, cookie, path)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for cookie, path in visits:
            _visit(client, cookie, path)
        profiler.disable()
        elapsed = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        parts = split(stats)
        total = sum(parts.values()) or 1
        print(f"\n== {kind}: {1000 * elapsed / len(visits):.1f} ms a visit ({len(visits)} visits)")
        for name, seconds in sorted(parts.items(), key=lambda p: -p[1]):
            print(f"   {100 * seconds / total:5.1f} %  {name}")
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
