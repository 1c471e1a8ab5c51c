"""The outbox with a real Celery worker on the real Redis: a notification whose delivery task runs
twice (enqueued after commit, and once more by hand, as a broker redelivery would) is emailed
exactly once.

The worker is a separate process, so it must see the test database: this needs PostgreSQL
(DATABASE_URL) and Redis (REDIS_URL). CI's second run sets both; without them the test is skipped.
"""

import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.db import transaction

from council import outbox
from council.celery import app as celery_app
from council.models import Notification, User
from council.tasks import deliver_notification
from tests.faults import wait_until, worker_database_url


def _why_skip() -> str:
    if not os.environ.get("REDIS_URL"):
        return "needs a real Redis: set REDIS_URL (CI's second run does)"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return (
            "needs PostgreSQL, so that a separate worker process sees the test database: "
            "set DATABASE_URL=postgres://... (CI's second run does)"
        )
    return ""


pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(bool(_why_skip()), reason=_why_skip() or "-"),
]

# The delivery tasks' results: deliver_notifications (what a commit enqueues) says how many it
# sent, deliver_notification (one id, as older releases enqueued) whether it sent.
TASK_DONE = re.compile(
    r"Task council\.tasks\.(deliver_notifications?)\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (\w+)"
)


@pytest.fixture
def private_queue():
    """A queue of this test's own, so that messages left in Redis by other tests (or other runs)
    can neither be consumed here nor be mistaken for ours. Everything this process enqueues goes
    there while the test runs."""
    name = f"test-worker-{uuid.uuid4().hex[:12]}"
    saved = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    try:
        yield name
    finally:
        celery_app.conf.task_default_queue = saved
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in [name, *client.scan_iter(match=f"_kombu.binding*.{name}")]:
            client.delete(key)


@pytest.fixture
def worker(private_queue, tmp_path):
    """A real worker process (solo pool, one task at a time) on the private queue, writing email
    to files. Yields (log file, email folder)."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_file = tmp_path / "worker.log"
    env = dict(os.environ)
    env.pop("EMAIL_HOST", None)
    env.update(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        SECRET_KEY=settings.SECRET_KEY,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        DJANGO_SETTINGS_MODULE="council.settings",
    )
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "council",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-l",
                "info",
                "-Q",
                private_queue,
                "-n",
                f"{private_queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(
            lambda: process.poll() is not None or " ready." in log_file.read_text(),
            seconds=30,
            what="the worker to start",
            log_file=log_file,
        )
        assert process.poll() is None, f"The worker exited:\n{log_file.read_text()}"
        yield log_file, mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_notification_once_when_its_task_runs_twice(worker):
    log_file, mail_dir = worker
    marker = uuid.uuid4().hex[:10]
    subject = f"Worker test {marker}"
    user = User.objects.create_user(email=f"worker-{marker}@example.org", name="Wyn Worker")

    with transaction.atomic():
        notification = outbox.notification_create(
            user=user, key=f"worker-test:{marker}", kind="test", subject=subject, body="Hello."
        )
    # Committed: on_commit has enqueued the delivery once. Enqueue it a second time, as a broker
    # redelivery or a retried task would.
    deliver_notification.apply_async(args=[notification.pk])

    def status() -> str:
        return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)

    wait_until(lambda: status() == "sent", seconds=30, what="the email", log_file=log_file)
    # Both tasks must have run before we count: one sent, the other found the row claimed.
    wait_until(
        lambda: len(TASK_DONE.findall(log_file.read_text())) >= 2,
        seconds=15,
        what="the second task",
        log_file=log_file,
    )
    time.sleep(2)  # anything still to come (a third run, a retry) would show now

    log = log_file.read_text()
    # The commit's batch (deliver_notifications) and the repeat each ran once; between them
    # they sent the notification once.
    done = TASK_DONE.findall(log)
    assert sorted(name for name, _ in done) == ["deliver_notification", "deliver_notifications"]
    assert sum(result in ("True", "1") for _, result in done) == 1, log
    # The file backend writes each connection's messages to a file of its own.
    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    assert sent.count(f"Subject: {subject}\n") == 1, sent
    assert f"To: worker-{marker}@example.org\n" in sent
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)
