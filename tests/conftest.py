"""The tests' cast of users: the demo data, built by the same code (council.demo)."""

import pytest
from django.test import Client

from council.demo import Cast, build_demo

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


@pytest.fixture
def cast(db) -> Cast:
    return build_demo()


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


def pytest_collection_modifyitems(config, items):
    """The suite runs across the cores (pytest-xdist, `--dist loadgroup` in script/test). The
    tests marked `services` share the one real Redis and start real Celery workers on its queue: a
    worker started by one test would take another's tasks, so they all run in one process, one
    after another."""
    for item in items:
        if item.get_closest_marker("services"):
            item.add_marker(pytest.mark.xdist_group("services"))
