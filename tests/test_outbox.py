"""The outbox: one row per notice (unique key), delivered by email exactly once, enqueued after
commit, and a broker outage never fails a web request."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from council import services, tasks
from council.celery import app as celery_app
from council.models import Notification


def make(cast, key="test:1", **overrides):
    fields = {
        "user": cast.councillor,
        "council": cast.council,
        "kind": "test",
        "subject": "Something to look at",
        "body": "There is something for you to look at.",
        "link": reverse("council:home", args=[cast.council.slug]),
        **overrides,
    }
    return services.notification_create(key=key, **fields)


def test_the_same_key_makes_one_notification(cast):
    assert make(cast) is not None
    assert make(cast) is None
    assert Notification.objects.filter(key="test:1").count() == 1


def test_delivery_is_enqueued_after_commit_and_sends_one_email(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = make(cast)
    assert len(callbacks) == 1  # nothing is sent until the transaction commits
    assert mail.outbox == []
    callbacks[0]()
    (message,) = mail.outbox
    assert message.to == ["councillor@example.org"]
    assert message.subject == "Something to look at"
    assert "http://127.0.0.1:8000/little-wickham/" in message.body
    assert message.alternatives[0][1] == "text/html"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)


def test_a_notification_is_delivered_once_even_when_the_task_runs_twice(cast):
    notification = make(cast)
    assert tasks.deliver_notification.apply(args=[notification.pk]).get() is True
    assert tasks.deliver_notification.apply(args=[notification.pk]).get() is False
    assert tasks.deliver_pending_notifications.apply().get() == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_the_notification_pending_for_the_sweep(cast, settings):
    notification = make(cast)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(OSError):
        services.notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == "pending"
    assert notification.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.deliver_pending_notifications.apply().get() == 1
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert len(mail.outbox) == 1


@pytest.fixture
def broker_down():
    """Point Celery at a port where nothing listens, as if Redis had stopped."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    celery_app._pool = None
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        celery_app._pool = None


def test_a_broker_outage_never_fails_a_web_request(
    cast, client_for, broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("clerk").post(
            reverse("council:person_invite", args=[cast.council.slug]),
            {
                "name": "Nia Clarke",
                "email": "nia@example.org",
                "kind": "councillor",
                "starts_on": "2026-01-01",
            },
        )
    assert response.status_code == 302
    assert time.monotonic() - started < 10
    # The invitation waits in the outbox for the sweep.
    assert Notification.objects.get(kind="invitation").status == "pending"
    assert mail.outbox == []


def test_in_app_list_shows_only_my_notifications(cast, client_for):
    make(cast, key="mine")
    make(cast, key="theirs", user=cast.councillor2, subject="Not for you")
    page = client_for("councillor").get(reverse("notifications")).content.decode()
    assert "Something to look at" in page
    assert "Not for you" not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(cast, client_for):
    notification = make(cast)
    client = client_for("councillor")
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("council:home", args=[cast.council.slug])
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Someone else's notification is not found.
    response = client_for("councillor2").post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404
