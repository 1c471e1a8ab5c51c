"""The tests' cast of users: the demo data, built by the same code (council.demo).

The cast is built once per test process, not once per test, the way Django's TestCase keeps
`setUpTestData`: inside a transaction that is never committed (`SessionCast`), each test then
runs in its own savepoint within it (pytest-django's usual transaction) and gets a fresh copy of
the cast's Python objects, so whatever a test changes is undone before the next. A test whose
transactions must really commit (a live server, a real worker: `transactional_db`) cannot run
inside it, so the session's transaction is rolled back before such a test (which builds its own
cast, as before) and opened again, with the cast built anew, when the next test asks for it.
"""

import copy

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings

from council.demo import Cast, build_demo

FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Everyone the permission tests walk through, by their name in the cast. "anonymous" is a member
# of the public; "former" a councillor whose term has ended; "other_council" someone who holds a
# role only in another council.
ROLES = [
    "anonymous",
    "clerk",
    "chair",
    "vice_chair",
    "councillor",
    "councillor2",
    "personnel",
    "rfo",
    "officer",
    "former",
    "other_council",
]


class SessionCast:
    """The cast of this test process, in a transaction of its own that is never committed."""

    def __init__(self) -> None:
        self.cast: Cast | None = None
        self._atomic: transaction.Atomic | None = None

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self, blocker) -> Cast:
        if self._atomic is None:
            with blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHING):
                atomic = transaction.atomic()
                # Marked as a test case's transaction, as pytest-django's own is: code that looks
                # for the transaction it opened itself (the outbox's batches) looks past it.
                atomic._from_testcase = True
                atomic.__enter__()
                self._atomic = atomic
                self.cast = build_demo()
        assert self.cast is not None
        return self.cast

    def close(self, blocker) -> None:
        if self._atomic is not None:
            atomic, self._atomic, self.cast = self._atomic, None, None
            with blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


_session_cast = SessionCast()


def commits(item) -> bool:
    """Whether a test's transactions really commit (pytest-django's transactional_db)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server", "live_cast"} & set(item.fixturenames))


def shares_cast(item) -> bool:
    """Whether a test works on the session's cast (asks for `cast`, or a fixture built on it)."""
    return "session_cast" in item.fixturenames and not commits(item)


def uses_database(item) -> bool:
    return "db" in item.fixturenames or item.get_closest_marker("django_db") is not None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of a test that commits, or that works on a database of its own making
    (no cast: it counts what it made), roll the session's cast back."""
    if _session_cast.is_open and (commits(item) or (uses_database(item) and not shares_cast(item))):
        _session_cast.close(item.config._portal_db_blocker)


@pytest.fixture(scope="session")
def session_cast(request, django_db_setup, django_db_blocker) -> SessionCast:
    """This process's SessionCast, for fixtures that build more on top of the cast once (a
    module's world of examples): `session_cast.open(django_db_blocker)`."""
    request.config._portal_db_blocker = django_db_blocker
    yield _session_cast
    _session_cast.close(django_db_blocker)


@pytest.fixture
def cast(request, session_cast, django_db_blocker) -> Cast:
    """The demo councils and people (council.demo.build_demo), fresh for each test."""
    if not session_cast.is_open and (commits(request.node) or connection.in_atomic_block):
        # A test that commits, or one whose own transaction began before this fixture (it asked
        # for `db` first, or is marked django_db) while the shared cast was rolled back: a cast
        # of its own, in its own transaction, as every test had before.
        request.getfixturevalue("db")
        return build_demo()
    shared = session_cast.open(django_db_blocker)
    request.getfixturevalue("db")  # the test's own transaction: a savepoint within the cast's
    return copy.deepcopy(shared)


@pytest.fixture
def client_for(cast):
    """client_for("councillor") -> a test client signed in as that person."""

    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(cast.by_name(name))
        return client

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The cast has ten people; hashing their passwords at production strength would take most of
    each test's time. Production keeps Django's default hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_in_process(request):
    """Tasks run in-process in every test except those marked `services`, which talk to the real
    broker and worker. CI's second run sets REDIS_URL, and without this the other tests' emails
    would wait in Redis for a worker that is not there."""
    from council.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def empty_page_cache():
    """The rendered-page cache lives in the process's memory (council.pagecache); each test starts
    with it empty, as a freshly started server does, so no test sees another's pages."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The order the tests run in: first those that commit (the browser tests among them, the
    slowest of the suite, so that the other cores' short tests fill in around them), then those
    that share the session's cast, so that it is built once per process; then the other
    database tests, then the rest.

    The suite runs across the cores (pytest-xdist, `--dist loadgroup` in script/test). The tests
    marked `services` share the one real Redis and start real Celery workers on its queue: a
    worker started by one test would take another's tasks, so they all run in one process, one
    after another."""

    def rank(item) -> int:
        if commits(item):
            return 0
        if shares_cast(item):
            return 1
        return 2 if uses_database(item) else 3

    for item in items:
        # `cast` asks for the test's transaction itself, after opening the session's; named here,
        # last, so that pytest-django sees that the test needs the database and sets it up.
        if "session_cast" in item.fixturenames and "db" not in item.fixturenames:
            item.fixturenames.append("db")
    items.sort(key=rank)  # stable: within a rank, the order of collection
    for item in items:
        if item.get_closest_marker("services"):
            item.add_marker(pytest.mark.xdist_group("services"))
