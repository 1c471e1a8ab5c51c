"""The outbox: one row per notice (unique key), delivered by email exactly once, enqueued after
commit, and a broker outage never fails a web request."""

import contextlib
import io
import smtplib
import time

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.urls import reverse

from council import outbox, tasks
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
    return outbox.notification_create(key=key, **fields)


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
        outbox.notification_deliver(notification_id=notification.pk)
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


# ---------------------------------------------------------------------------------------------
# Batches: the notices of one transaction go to the worker as one task (issue 7)
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def delivery_tasks():
    """The delivery tasks that run, as (task name, its argument), in order: Celery's own signal,
    sent in-process too."""
    ran: list[tuple[str, object]] = []

    def record(sender, args, **kwargs):
        if sender.name.startswith("council.tasks.deliver_notification"):
            ran.append((sender.name.rsplit(".", 1)[1], args[0]))

    task_prerun.connect(record)
    try:
        yield ran
    finally:
        task_prerun.disconnect(record)


def test_the_notifications_of_one_transaction_go_to_the_worker_as_one_task(
    cast, delivery_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            made = [make(cast, key=f"batch:{n}", subject=f"Notice {n}") for n in range(3)]
        with transaction.atomic():
            later = make(cast, key="batch:later", subject="Notice later")
    assert delivery_tasks == [
        ("deliver_notifications", [n.pk for n in made]),
        ("deliver_notifications", [later.pk]),
    ]
    assert sorted(m.subject for m in mail.outbox) == [
        "Notice 0",
        "Notice 1",
        "Notice 2",
        "Notice later",
    ]
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_notice_made_outside_a_transaction_is_a_batch_of_one(
    cast, delivery_tasks, django_capture_on_commit_callbacks
):
    # The test's own transaction stands for autocommit: each notice is its own task, at once.
    with django_capture_on_commit_callbacks(execute=True):
        first, second = make(cast, key="alone:1"), make(cast, key="alone:2")
    assert delivery_tasks == [
        ("deliver_notifications", [first.pk]),
        ("deliver_notifications", [second.pk]),
    ]
    assert len(mail.outbox) == 2


def test_a_notice_whose_savepoint_rolled_back_is_not_sent_and_the_others_are(
    cast, delivery_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            kept = make(cast, key="kept:1", subject="Kept 1")
            with contextlib.suppress(RuntimeError), transaction.atomic():
                gone = make(cast, key="gone", subject="Rolled back")
                raise RuntimeError
            also_kept = make(cast, key="kept:2", subject="Kept 2")
        # A savepoint that rolls back with the transaction's first notice in it takes that
        # notice's batch with it; the next notice starts another.
        with transaction.atomic():
            with contextlib.suppress(RuntimeError), transaction.atomic():
                make(cast, key="gone:first", subject="Rolled back first")
                raise RuntimeError
            last = make(cast, key="kept:3", subject="Kept 3")
    assert delivery_tasks == [
        ("deliver_notifications", [kept.pk, gone.pk, also_kept.pk]),
        ("deliver_notifications", [last.pk]),
    ]
    assert sorted(m.subject for m in mail.outbox) == ["Kept 1", "Kept 2", "Kept 3"]
    assert not Notification.objects.filter(key__startswith="gone").exists()


class RefusingBackend(locmem.EmailBackend):
    """The locmem backend, with a mail server that refuses the addresses in `refused` (each
    once, as if the mailbox came back) and counts the connections opened."""

    refused: set[str] = set()
    opened = 0

    def open(self):
        RefusingBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0].split("<")[-1].rstrip(">")
            if address in RefusingBackend.refused:
                RefusingBackend.refused.discard(address)
                raise smtplib.SMTPRecipientsRefused({address: (550, b"No such mailbox")})
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.council.test_outbox.RefusingBackend"
    RefusingBackend.refused, RefusingBackend.opened = set(), 0
    yield RefusingBackend


def three_notices(cast):
    to = [cast.councillor, cast.chair, cast.councillor2]
    return [make(cast, key=f"three:{n}", user=user) for n, user in enumerate(to)]


def test_a_refused_address_does_not_stop_the_others_and_waits_with_its_error(
    cast, refusing_mail_server
):
    notices = three_notices(cast)
    refusing_mail_server.refused = {cast.chair.email}
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        outbox.notifications_deliver(notification_ids=[n.pk for n in notices])
    # The two others went, over one connection; the refused one is pending again, with the
    # server's answer, for the task's retry or the sweep.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "councillor2@example.org",
        "councillor@example.org",
    ]
    assert refusing_mail_server.opened == 1
    states = {n.user: (n.status, n.attempts) for n in Notification.objects.all()}
    assert states == {
        cast.councillor: ("sent", 1),
        cast.chair: ("pending", 1),
        cast.councillor2: ("sent", 1),
    }
    refused = Notification.objects.get(user=cast.chair)
    assert "No such mailbox" in refused.last_error
    # The sweep sends it; the sent ones are not sent again.
    assert tasks.deliver_pending_notifications.apply().get() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chair@example.org",
        "councillor2@example.org",
        "councillor@example.org",
    ]
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, refused.last_error) == ("sent", 2, "")


def test_the_task_retries_only_the_refused_notification(cast, refusing_mail_server):
    notices = three_notices(cast)
    refusing_mail_server.refused = {cast.chair.email}
    # In-process, Celery runs the task's retry (autoretry_for) at once.
    result = tasks.deliver_notifications.apply(args=[[n.pk for n in notices]])
    assert result.get() == 1  # the retry sent the one that was refused
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chair@example.org",
        "councillor2@example.org",
        "councillor@example.org",
    ]
    attempts = dict(Notification.objects.values_list("user", "attempts"))
    assert attempts == {cast.councillor.pk: 1, cast.chair.pk: 2, cast.councillor2.pk: 1}
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_the_old_one_notification_task_still_delivers(cast):
    # Messages queued before batches name deliver_notification; they still work, once.
    notification = make(cast)
    assert tasks.deliver_notification.apply(args=[notification.pk]).get() is True
    assert tasks.deliver_notifications.apply(args=[[notification.pk]]).get() == 0
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------------------------
# The reminder sweep: each council's reminders commit together and go as one delivery
# ---------------------------------------------------------------------------------------------


def service_of(kind: str) -> str:
    """Which reminder service made a notice of this kind (protocol_review, request_overdue,
    concern, role_ending_clerk...)."""
    return kind.split("_")[0]


@pytest.mark.django_db(transaction=True)  # the councils' transactions commit, as in production
def test_the_reminder_sweep_sends_each_reminder_once_in_batches(delivery_tasks, monkeypatch):
    from django.core.management import call_command

    from benchmark.sweep import run_sweep
    from council.models import Council

    call_command("generate_scale", councils=3, seed=7, stdout=io.StringIO())
    # Small batches, so that three councils' reminders make several (a batch is 100 in use).
    monkeypatch.setattr(outbox, "DELIVERY_BATCH_SIZE", 5)
    eager = celery_app.conf.task_always_eager
    try:
        # Every beat task but the purge, twice (benchmark/sweep.py, as the benchmark measures it).
        sweep = run_sweep(Council.objects.order_by("pk").first())
    finally:
        celery_app.conf.task_always_eager = eager
    notices = list(Notification.objects.all())
    assert {service_of(n.kind) for n in notices} == {"protocol", "request", "concern", "role"}
    assert sweep.created == sweep.emails == len(notices) == len(mail.outbox)
    assert (sweep.created_again, sweep.emails_again, sweep.sent_twice) == (0, 0, 0)
    assert {n.status for n in notices} == {"sent"}
    # One delivery per batch of each service's notices: never one per notice, each batch full
    # but the service's last, and no notice in two.
    by_pk = {n.pk: n for n in notices}
    batches = [[by_pk[pk] for pk in ids] for name, ids in delivery_tasks]
    assert all(len({service_of(n.kind) for n in batch}) == 1 for batch in batches), batches
    assert sorted(n.pk for batch in batches for n in batch) == sorted(by_pk)
    for service in {"protocol", "request", "concern", "role"}:
        sizes = [len(b) for b in batches if service_of(b[0].kind) == service]
        count = sum(1 for n in notices if service_of(n.kind) == service)
        assert sizes == [5] * (count // 5) + ([count % 5] if count % 5 else []), (service, sizes)
