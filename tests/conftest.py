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
