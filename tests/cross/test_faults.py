"""Faults (issue 8): Redis stopped or hung, a worker killed mid-delivery. Every web request still
succeeds in normal time, sign-in keeps working, and notifications wait in the outbox and go out
once each when the service is back.

The first tests need no server: a broker where nothing listens, or a socket server of their own
that never answers, and SQLite. Those marked `services` run a real Celery worker process, which
must see the test database, so they need PostgreSQL (CI's second run sets DATABASE_URL); each
starts a Redis server of its own on a free port, never the machine's shared one.

Each test names, in a comment, the setting or line it guards: without that protection it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import re
import threading
import time
from collections import Counter
from datetime import timedelta
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from council import outbox, tasks
from council.demo import DEMO_PASSWORD, current_totp_code
from council.models import Notification, User
from tests.faults import (
    RedisServer,
    Worker,
    celery_broker,
    free_port,
    hanging_server,
    not_postgresql,
    redis_server_missing,
    wait_until,
)

# "Well under 3 s": a request with a broken broker may spend one broker timeout (1 s) on top of
# its own work, never one per notification.
QUICK = 2.5


def timed(call, *, on_commit=None):
    """(result, seconds). With `on_commit` (django_capture_on_commit_callbacks), the work the call
    leaves for the end of its transaction is timed too: production runs it inside the request,
    at commit, but a test's transaction never commits, so it runs when the capture ends."""
    started = time.monotonic()
    with on_commit(execute=True) if on_commit else contextlib.nullcontext():
        result = call()
    return result, time.monotonic() - started


@pytest.fixture(params=["stopped", "hanging"])
def broken_broker(request):
    """Celery pointed at a Redis that has stopped (nothing listens on its port) or that accepts
    connections and never answers, with the production transport options and tasks not run
    in-process."""
    if request.param == "stopped":
        with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):
            yield request.param
    else:
        with hanging_server() as port, celery_broker(f"redis://127.0.0.1:{port}/0"):
            yield request.param


def submit_request(cast, client):
    return client.post(
        reverse("requests:request_new", args=[cast.council.slug]),
        {
            "summary": "The planning schedule",
            "documents": [cast.committee_document.pk],
            "purpose": "For the committee meeting.",
        },
    )


def send_letter(cast, client, subject="The bus shelter on Mill Lane"):
    """The clerk emails three councillors and copies a fourth: five notifications (one each,
    and R10's notice to the councillor it answers that a copy went to another)."""
    return client.post(
        reverse("letters:item_new", args=[cast.council.slug]),
        {
            "kind": "email",
            "to_people": [cast.councillor.pk, cast.councillor2.pk, cast.chair.pk],
            "copy_people": [cast.personnel.pk],
            "subject": subject,
            "body": "Thank you for your letter about the bus shelter.",
            "official": "on",
            "signatory": cast.clerk.pk,
            "action": "send",
        },
    )


# ---------------------------------------------------------------------------------------------
# Redis stopped or hung: the web keeps working (SQLite or PostgreSQL, no Redis needed)
# ---------------------------------------------------------------------------------------------


def test_a_councillors_request_succeeds_in_normal_time_while_redis_is_broken(
    cast, client_for, broken_broker, django_capture_on_commit_callbacks
):
    # Guards CELERY_BROKER_TRANSPORT_OPTIONS (socket timeouts of 1 s, max_retries 0; without
    # them a hung Redis holds the request for over a minute) and enqueue_delivery's try/except
    # (without it the request fails with the broker's error).
    client = client_for("councillor")
    response, elapsed = timed(
        lambda: submit_request(cast, client), on_commit=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert elapsed < QUICK, f"the request took {elapsed:.1f} s with Redis {broken_broker}"
    waiting = Notification.objects.filter(kind__startswith="request")
    assert waiting.exists()
    assert set(waiting.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []


def test_a_letter_to_several_people_waits_for_one_broker_timeout_at_most(
    cast, client_for, broken_broker, django_capture_on_commit_callbacks
):
    # Guards outbox.enqueue_delivery's memory of a broker failure (_broker_down_until): without
    # it each of the five notifications waits for its own timeout, five seconds in all.
    client = client_for("clerk")
    response, elapsed = timed(
        lambda: send_letter(cast, client), on_commit=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert elapsed < QUICK, f"sending took {elapsed:.1f} s with Redis {broken_broker}"
    letters = Notification.objects.filter(kind="correspondence")
    assert letters.count() == 4
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    # The sweep sends them all once the broker is back (here: in-process), each once.
    assert tasks.deliver_pending_notifications.apply().get() == Notification.objects.count()
    assert tasks.deliver_pending_notifications.apply().get() == 0
    assert len(mail.outbox) == Notification.objects.count()


def test_signing_in_works_while_redis_is_hung(cast, broken_broker):
    # Guards CACHES and SESSION_ENGINE (council/settings.py): allauth keeps its rate-limit
    # counters in the default cache and the session in SESSION_ENGINE's store. Neither may be
    # Redis, whose client raises or hangs while Redis is down (docs/operations.md).
    for alias, cache in settings.CACHES.items():
        assert "redis" not in cache["BACKEND"].lower(), f"cache {alias!r} lives in Redis"
    assert settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.signed_cookies",
    }
    client = Client()
    url = reverse("account_login")
    # A wrong password first: the failure is counted (in the default cache) and refused.
    wrong, elapsed = timed(
        lambda: client.post(url, {"login": cast.clerk.email, "password": "not-it"})
    )
    assert wrong.status_code == 200 and elapsed < QUICK
    assert "_auth_user_id" not in client.session
    # The clerk's whole sign-in: the password, then the two-factor code (allauth remembers used
    # codes in the default cache too).
    password, elapsed = timed(
        lambda: client.post(url, {"login": cast.clerk.email, "password": DEMO_PASSWORD})
    )
    assert password.status_code == 302 and elapsed < QUICK
    assert password["Location"] == reverse("mfa_authenticate")
    code, elapsed = timed(
        lambda: client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    )
    assert code.status_code == 302, code.content.decode()[:2000]
    assert elapsed < QUICK
    assert client.session["_auth_user_id"] == str(cast.clerk.pk)
    assert client.get(reverse("council:home", args=[cast.council.slug])).status_code == 200


# ---------------------------------------------------------------------------------------------
# A claim left behind by a dead worker (SQLite or PostgreSQL)
# ---------------------------------------------------------------------------------------------


def test_a_stale_claim_goes_back_to_the_sweep_and_a_live_one_is_left_alone(cast):
    # Guards outbox.notifications_release_stale, called by the sweep: without it a row whose
    # worker died after claiming it stays SENDING, and is never sent.
    now = timezone.now()
    rows = {}
    for key, claimed_ago in [("dead-worker", timedelta(minutes=11)), ("in-flight", timedelta(0))]:
        rows[key] = outbox.notification_create(
            user=cast.councillor, key=key, kind="test", subject=f"Subject {key}", body="Hello."
        )
        Notification.objects.filter(pk=rows[key].pk).update(
            status="sending", claimed_at=now - claimed_ago, attempts=1
        )
    assert outbox.CLAIM_TIMEOUT == timedelta(minutes=10)
    assert tasks.deliver_pending_notifications.apply().get() == 1
    assert tasks.deliver_pending_notifications.apply().get() == 0
    assert [m.subject for m in mail.outbox] == ["Subject dead-worker"]
    dead, live = (Notification.objects.get(pk=rows[k].pk) for k in ("dead-worker", "in-flight"))
    assert (dead.status, dead.attempts) == ("sent", 2)
    # A claim younger than the timeout may belong to a worker still sending: never doubled.
    assert (live.status, live.attempts) == ("sending", 1)


# ---------------------------------------------------------------------------------------------
# With a real worker and a real Redis of the test's own (PostgreSQL)
# ---------------------------------------------------------------------------------------------

TASK_DONE = re.compile(
    r"Task council\.tasks\.(deliver_notification|deliver_pending_notifications)"
    r"\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (\w+)"
)


def tasks_done(log_file) -> list[tuple[str, str]]:
    return TASK_DONE.findall(log_file.read_text()) if log_file.exists() else []


def needs_worker(test):
    """A test with a real worker process: `services`, a committed (transactional) database the
    worker can see, PostgreSQL, and redis-server to start one of its own."""
    for mark in (
        pytest.mark.services,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(bool(not_postgresql()), reason=not_postgresql() or "-"),
        pytest.mark.skipif(bool(redis_server_missing()), reason=redis_server_missing() or "-"),
    ):
        test = mark(test)
    return test


def emails_in(mail_dir) -> Counter:
    """(To, Subject) of every message the file backend wrote: each connection writes a file,
    its messages separated by a line of 79 dashes."""
    found: Counter = Counter()
    for path in mail_dir.iterdir():
        for text in path.read_text().split("\n" + "-" * 79 + "\n"):
            if text.strip():
                message = email.message_from_string(text, policy=email_policy.default)
                found[(message["To"].addresses[0].addr_spec, str(message["Subject"]))] += 1
    return found


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, not yet started; stopped at the end whatever happens."""
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def workers():
    """Start workers with workers.append(Worker(...)); each is stopped at the end."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


@needs_worker
def test_notifications_wait_while_redis_is_down_and_go_once_each_when_it_is_back(
    own_redis, cast, client_for, workers, tmp_path
):
    # Guards the sweep (council.tasks.deliver_pending_notifications) as the way back for rows
    # whose enqueue failed, and the conditional claim in outbox.notification_deliver: the
    # second sweep and the repeated tasks below must send nothing.
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_file = tmp_path / "worker.log"
    with celery_broker(own_redis.url):
        # Redis is down (its server is not running): the councillor's request and the clerk's
        # letter both go through, quickly, and their notifications wait.
        response, elapsed = timed(lambda: submit_request(cast, client_for("councillor")))
        assert response.status_code == 302 and elapsed < QUICK
        response, elapsed = timed(lambda: send_letter(cast, client_for("clerk")))
        assert response.status_code == 302 and elapsed < QUICK
        waiting = list(Notification.objects.select_related("user"))
        assert len(waiting) >= 6  # the request's, and the letter's five
        assert {n.status for n in waiting} == {"pending"}

        # Redis is back, and a worker with it; beat's sweep runs (here: sent by hand).
        own_redis.start()
        workers.append(
            Worker(
                broker_url=own_redis.url,
                log_file=log_file,
                email_env={
                    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                    "EMAIL_FILE_PATH": str(mail_dir),
                },
            )
        )
        tasks.deliver_pending_notifications.apply_async()

        def statuses():
            return set(Notification.objects.values_list("status", flat=True))

        wait_until(lambda: statuses() == {"sent"}, seconds=30, what="the sweep", log_file=log_file)
        # Everything again, as a repeated sweep and redelivered messages would: nothing more.
        tasks.deliver_pending_notifications.apply_async()
        for notification in waiting:
            tasks.deliver_notification.apply_async(args=[notification.pk])
        wait_until(
            lambda: len(tasks_done(log_file)) >= 2 + len(waiting),
            seconds=30,
            what="the repeated tasks",
            log_file=log_file,
        )
    done = tasks_done(log_file)
    assert done.count(("deliver_pending_notifications", str(len(waiting)))) == 1
    assert done.count(("deliver_pending_notifications", "0")) == 1
    assert done.count(("deliver_notification", "False")) == len(waiting)
    # One email per notification: each recipient has each subject as often as it was meant.
    assert emails_in(mail_dir) == Counter((n.address, n.subject) for n in waiting)


class StallingInbox:
    """An SMTP server's handler that holds the first message's DATA unanswered until released
    (a slow or stuck mail server), then refuses it: that attempt never completed. Every later
    message is accepted and kept."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._stall_next = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self._stall_next:
            self._stall_next = False
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Not accepted: try again later"
        self.messages.append(envelope.content)
        return "250 OK"


@contextlib.contextmanager
def stalling_smtp_server():
    inbox = StallingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        inbox.release.set()
        controller.stop()


@needs_worker
def test_a_worker_killed_mid_delivery_leaves_exactly_one_email_after_restart(
    own_redis, workers, tmp_path
):
    own_redis.start()
    log_file = tmp_path / "worker.log"
    with stalling_smtp_server() as (inbox, smtp_port), celery_broker(own_redis.url):
        smtp = {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "30",
        }
        # Production's pool (prefork): its acknowledgement timing is what ACKS_LATE changes. (The
        # solo pool keeps a message unacknowledged until its task ends whatever the setting.)
        first = Worker(broker_url=own_redis.url, log_file=log_file, email_env=smtp, pool="prefork")
        workers.append(first)
        user = User.objects.create_user(email="killed@example.org", name="Kit Killed")
        with transaction.atomic():
            notification = outbox.notification_create(
                user=user, key="killed-worker", kind="test", subject="Killed test", body="Hi."
            )
        # The worker has claimed the row and is in the middle of the SMTP conversation.
        assert inbox.stalled.wait(timeout=30), log_file.read_text()
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == ("sending", 1)
        # Guards CELERY_TASK_ACKS_LATE: the message is acknowledged only after the task, so while
        # it runs it is still the broker's (kombu keeps it in "unacked"), to be delivered again
        # if the worker dies. With early acknowledgement it would be gone already.
        assert own_redis.client().hlen("unacked") == 1

        first.kill()
        inbox.release.set()  # the SMTP server answers a client that is no longer there

        # The broker would redeliver the message after its visibility timeout (an hour); the
        # sweep comes sooner. Guards outbox.notifications_release_stale: once the claim is
        # older than CLAIM_TIMEOUT (made so here, rather than waiting ten minutes) the sweep
        # sends the row; without it the row stays SENDING for ever.
        Notification.objects.filter(pk=notification.pk).update(
            claimed_at=F("claimed_at") - outbox.CLAIM_TIMEOUT - timedelta(minutes=1)
        )
        workers.append(
            Worker(broker_url=own_redis.url, log_file=log_file, email_env=smtp, pool="prefork")
        )
        tasks.deliver_pending_notifications.apply_async()

        def status():
            return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)

        wait_until(lambda: status() == "sent", seconds=30, what="the email", log_file=log_file)
        # The late redelivery of the killed task's message, as the broker would make it: guards
        # the conditional claim in outbox.notification_deliver (it finds the row SENT).
        tasks.deliver_notification.apply_async(args=[notification.pk])
        wait_until(
            lambda: ("deliver_notification", "False") in tasks_done(log_file),
            seconds=30,
            what="the redelivered task",
            log_file=log_file,
        )
    assert [m.count(b"Subject: Killed test") for m in inbox.messages] == [1]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 2)
    assert notification.sent_at is not None
