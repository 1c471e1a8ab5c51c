"""/healthz: the database, the broker and the age of the outbox's oldest waiting notification,
as JSON; 503 only when the database is down, and never a hang."""

import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from council.models import Notification, User
from tests.faults import hanging_server


@pytest.mark.django_db
def test_healthz_reports_the_database(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "in-process",  # no REDIS_URL: tasks run in the web process
        "oldest_pending_seconds": None,
    }


@pytest.mark.django_db
def test_healthz_reports_redis_down_quickly_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    # The portal works without the broker (notifications wait), so this is not a 503.
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "error",
        "oldest_pending_seconds": None,
    }


@pytest.mark.django_db
def test_healthz_gives_up_quickly_on_a_broker_that_never_answers(client, settings):
    # Guards the one-second socket timeouts in council.views.site.healthz: without them the ping
    # waits for ever on a server that never answers.
    with hanging_server() as port:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert elapsed < 2.5, f"/healthz took {elapsed:.1f} s"
    assert response.status_code == 200
    assert response.json()["broker"] == "error"


@pytest.mark.django_db
def test_healthz_gives_the_age_of_the_oldest_notification_still_waiting(client, settings):
    settings.REDIS_URL = ""
    user = User.objects.create_user(email="health@example.org", name="Hal Health")
    now = timezone.now()
    for key, status, age in [
        ("sent-long-ago", Notification.Status.SENT, timedelta(hours=2)),  # sent: not waiting
        ("waiting", Notification.Status.PENDING, timedelta(minutes=10)),
        ("just-made", Notification.Status.PENDING, timedelta(0)),
    ]:
        made = Notification.objects.create(
            user=user, key=key, kind="test", subject="S", body="B", status=status
        )
        Notification.objects.filter(pk=made.pk).update(created_at=now - age)
    age = client.get("/healthz").json()["oldest_pending_seconds"]
    assert 600 <= age < 630


@pytest.mark.django_db
def test_healthz_is_503_only_when_the_database_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse():
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "error",
        "broker": "in-process",
        "oldest_pending_seconds": None,
    }
