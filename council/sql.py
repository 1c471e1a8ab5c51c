"""Hot, fixed statements run as PostgreSQL prepared statements.

PostgreSQL plans every statement it is sent, and for a small query the plan costs more than the
answer: the public protocol page's key query measured 103 µs plain and 27 µs prepared on the
2-core machine (issue 7). Django sends every query unprepared, which is right for almost all of
them; the few asked on every visit of a page that is otherwise served from memory are prepared
once per database connection here. Other databases (SQLite) run the same statement plainly.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db import connection

# The statements prepared on each open connection, by the DB-API connection object: a new
# connection (Django reconnects after CONN_MAX_AGE, or after an error) starts with none.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def fetch_one(name: str, sql: str, params: list[Any]) -> tuple | None:
    """Run `sql` (with %s placeholders) and return its first row. On PostgreSQL the statement is
    prepared under `name` the first time this connection runs it."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchone()
        raw = connection.connection
        done = _prepared.setdefault(raw, set())
        if name not in done:
            numbered = sql
            for n in range(1, len(params) + 1):
                numbered = numbered.replace("%s", f"${n}", 1)
            # PREPARE outlives a rollback (it is not transactional), so it is done once.
            cursor.execute(f"PREPARE {name} AS {numbered}")
            done.add(name)
        placeholders = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXECUTE {name}({placeholders})" if params else f"EXECUTE {name}", params)
        return cursor.fetchone()
