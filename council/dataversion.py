"""The data version: one number that goes up after every committed change to the portal's data.

A signed-in person's page is kept in memory under a key that includes this number
(council.pagecache.person_page), so the page is reused only while nothing at all has changed since
it was rendered; the first change makes every kept page unreachable at once, in every process,
with nothing to find and delete.

What counts as a change is decided where every statement passes, not model by model: an execute
wrapper on each database connection sees every INSERT, UPDATE, DELETE and TRUNCATE that Django
sends (the ORM's saves and deletes, QuerySet.update() and bulk_create(), raw SQL through
connection.cursor(), the admin, Celery tasks and management commands alike). So a new query
written next year is covered without anyone remembering to invalidate anything. Only tables that
no page shows are left out: the sessions (a person's session is part of their page's key instead),
the database cache (rate-limit counters, used two-factor codes) and this counter itself.

When the number goes up:
- outside a transaction, straight after the statement;
- inside one, once, after it commits (transaction.on_commit). Not before: the counter row would
  stay locked until the commit and every writer would queue behind it. A page read between the
  commit and the bump shows the new data under the old number; it is replaced at the bump. A
  rolled-back transaction changes nothing, so it does not bump.
- while a test case's transaction is open (TestCase's, pytest-django's), which never commits,
  straight away: the test then sees its changes on the next page, as a person would after a
  commit.

A change made outside Django (psql, another program) is not seen: restart the web processes after
one, which empties their memory.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

TABLE = "council_dataversion"

# Statements that change data: the first six characters, upper-cased.
_CHANGES = ("INSERT", "UPDATE", "DELETE", "TRUNCA", "REPLAC")
# Tables that no page shows, as Django quotes them (both PostgreSQL and SQLite use double quotes).
UNWATCHED_TABLES = ('"django_session"', '"portal_cache"', f'"{TABLE}"')


class DataVersion(models.Model):
    """A single row (id 1): the portal's data version. Only this module writes it."""

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = TABLE

    def __str__(self) -> str:
        return f"data version {self.version}"


def is_change(sql: str) -> bool:
    """Whether a statement changes data that a page may show."""
    head = sql[:120].lstrip()[:80]  # not the whole statement: this runs for every query
    if head[:6].upper() not in _CHANGES:
        return False
    return not any(table in head for table in UNWATCHED_TABLES)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Add one to the data version (making the row if it is missing: a test's flush empties every
    table)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{TABLE}" (id, version) VALUES (1, 1) '
            f'ON CONFLICT (id) DO UPDATE SET version = "{TABLE}".version + 1'
        )


def _bump_default() -> None:
    bump(DEFAULT_DB_ALIAS)


# While migrations run, the counter's table may not exist yet (and no page is being served).
_migrating = False


def migrations_started(**kwargs) -> None:
    """pre_migrate receiver."""
    global _migrating
    _migrating = True


def migrations_finished(**kwargs) -> None:
    """post_migrate receiver."""
    global _migrating
    _migrating = False


def changed(connection) -> None:
    """A statement on `connection` changed data: count it, and bump now or at the commit."""
    connection.data_changes = getattr(connection, "data_changes", 0) + 1
    if connection.alias != DEFAULT_DB_ALIAS or _migrating:
        return
    if not connection.in_atomic_block or in_test_transaction(connection):
        # Autocommit (the change is already committed), or inside a test's transaction, which
        # the test rolls back instead of committing.
        bump(connection.alias)
    elif not any(callback is _bump_default for _, callback, _ in connection.run_on_commit):
        connection.on_commit(_bump_default)


def in_test_transaction(connection) -> bool:
    """Whether a test case's transaction is open: then nothing here will ever commit."""
    return any(block._from_testcase for block in connection.atomic_blocks)


def outermost_code_block(connection) -> int | None:
    """The index in connection.atomic_blocks of the outermost transaction that the code opened
    (not a test's, nor a test fixture's around it), or None if it opened none."""
    blocks = connection.atomic_blocks
    tests = [i for i, block in enumerate(blocks) if block._from_testcase]
    start = tests[-1] + 1 if tests else 0
    return start if start < len(blocks) else None


def watch(execute, sql: str, params: Any, many: bool, context: dict[str, Any]):
    """The execute wrapper: runs the statement, then notes a change if it made one."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_change(sql):
        changed(context["connection"])
    return result


def install(sender, connection, **kwargs) -> None:
    """connection_created receiver: watch this connection's statements (once per connection
    object; Django keeps it across reconnects). The watcher goes first in the list, so that an
    `execute_wrapper()` block that is open now still removes its own wrapper when it ends."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch)


def current(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The data version now, or None if the row is missing."""
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT version FROM "{TABLE}" WHERE id = 1')
        row = cursor.fetchone()
    return row[0] if row else None
