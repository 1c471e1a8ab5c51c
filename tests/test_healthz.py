"""/healthz: 200 with the state of the database, and of Redis where configured, as JSON."""

import time

import pytest


@pytest.mark.django_db
def test_healthz_reports_the_database(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_redis_down_quickly_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    # The portal works without the broker (notifications wait), so this is not a 503.
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "error"}
