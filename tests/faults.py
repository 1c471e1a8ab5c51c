"""Broken and real services for the fault tests (tests/cross/test_faults.py,
tests/council/test_healthz.py): a TCP server that accepts connections and never answers, a Redis
server of the test's own on a free port (never the machine's shared one, which others use), a
real Celery worker process, and a way to point this process's Celery app at another broker."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from council import outbox
from council.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def hanging_server() -> Iterator[int]:
    """A server on 127.0.0.1 that accepts every connection and never sends a byte, as a Redis
    that has hung (or a half-open connection behind a firewall) does. Yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)  # so that the thread sees `done` soon after the test
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept_until_done():
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept_until_done, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        thread.join(timeout=5)
        listener.close()
        for conn in accepted:
            conn.close()


class RedisServer:
    """A redis-server process of the test's own, on a port nothing else uses, keeping nothing on
    disk. It can be stopped and started again on the same port, as a Redis outage would."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe,
            ):
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)


def redis_server_missing() -> str:
    return "" if shutil.which("redis-server") else "needs redis-server on the PATH"


def not_postgresql() -> str:
    """Why a test that runs a worker process cannot run: the worker must see the test database,
    which an in-memory SQLite database never is."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return (
            "needs PostgreSQL, so that a separate worker process sees the test database: set "
            "DATABASE_URL=postgres://... (CI's second run does)"
        )
    return ""


@contextlib.contextmanager
def celery_broker(url: str, *, eager: bool = False) -> Iterator[None]:
    """Point this process's Celery app at `url`, with the production transport options (the
    settings', so that a test of them tests what production runs), tasks not in-process. Restores
    everything after, and forgets any broker failure enqueue_delivery remembered."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)

    def reset_pools():
        # kombu keeps its connection pools in a registry of its own, keyed by broker: closing the
        # app's pool without emptying that registry left a closed pool for the next test to pick
        # up ("Acquire on closed pool"), even in eager mode, which still borrows a producer.
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        outbox._broker_down_until.clear()

    conf.broker_url = url
    conf.broker_transport_options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    conf.task_always_eager = eager
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        reset_pools()


def wait_until(condition, *, seconds: float, what: str, log_file: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    log = log_file.read_text() if log_file and log_file.exists() else ""
    pytest.fail(f"Timed out after {seconds:.0f} s waiting for {what}.\nWorker log:\n{log}")


def worker_database_url() -> str:
    """The test database pytest-django made, as a DATABASE_URL for another process."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class Worker:
    """A real `celery worker` process, one task at a time, on `broker_url`, with the production
    settings, the test database and the email settings given. The solo pool runs tasks in the
    worker's own process; prefork (production's pool) in a child. Each worker is in a process
    group of its own, so that kill() ends the child with it."""

    def __init__(
        self,
        *,
        broker_url: str,
        log_file: Path,
        email_env: dict[str, str],
        pool: str = "solo",
    ):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("EMAIL_") and key != "REDIS_URL"
        }
        env.update(
            DATABASE_URL=worker_database_url(),
            REDIS_URL=broker_url,
            SECRET_KEY=settings.SECRET_KEY,
            DJANGO_SETTINGS_MODULE="council.settings",
            **email_env,
        )
        self.log_file = log_file
        ready_before = log_file.read_text().count(" ready.") if log_file.exists() else 0
        with log_file.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "council",
                    "worker",
                    f"--pool={pool}",
                    "--concurrency=1",
                    "-l",
                    "info",
                    "-n",
                    f"fault-test-{os.getpid()}-{time.monotonic_ns()}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(
            lambda: (
                self.process.poll() is not None
                or self.log_file.read_text().count(" ready.") > ready_before
            ),
            seconds=30,
            what="the worker to start",
            log_file=log_file,
        )
        assert self.process.poll() is None, f"The worker exited:\n{log_file.read_text()}"

    def kill(self) -> None:
        """SIGKILL to the worker and its pool's children: no warm shutdown, no acknowledgement,
        nothing written after this instant (as when the machine or the container dies)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
