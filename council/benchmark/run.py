"""The benchmark (issue 7): `python -m council.benchmark.run`, or `script/benchmark`.

It starts the production server (gunicorn, the web service's worker settings from
docker-compose.yml, production settings) on 127.0.0.1 against PostgreSQL, signs the personas in,
drives each page with Locust at a few numbers of concurrent users beside a minimal view, times the
reminder sweep, writes bench-results/benchmark.md and .csv, and exits 1 if a target is missed
(the targets are in report.py), 2 if it could not run.

It deletes the outbox rows of the councils it measures before timing the sweep: point it only at
a database of generated data, never at production.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import report

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/council_scale"
# The only address the benchmark ever starts a server on or sends load to.
HOST = "127.0.0.1"
MINIMAL_PATH = "/__benchmark__/minimal/"
GENERATED_PREFIX = "scale-"
PUBLIC = "public"  # the persona of a visitor who is not signed in

# Beat tasks that are not part of the reminder sweep the issue times: the retention purge deletes
# old records, and run here it would eat into the generated data that every run measures.
NOT_REMINDERS = frozenset({"purge-expired-records"})
NO_GENERATED_COUNCILS = "There are no generated councils (slugs scale-NNNNN) in {url}."
HOW_TO_GET_DATA = """\
Generate 1,000 councils there:
    export DATABASE_URL={url}
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py generate_scale --councils 1000
or try the benchmark on the demo data, in a database of its own:
    createdb -h 127.0.0.1 -U postgres council_bench_dev
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/council_bench_dev
    DEBUG=true .venv/bin/python manage.py migrate && DEBUG=true .venv/bin/python manage.py seed_demo
    script/benchmark --council little-wickham"""


class BenchmarkError(Exception):
    """The benchmark cannot run; the message says why and what to do."""


@dataclass
class Page:
    name: str
    path: str
    persona: str
    public: bool = False
    cookie: str = ""
    first_visit: bool = False  # a new query string each time: nothing kept (council.pagecache)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="script/benchmark",
        description="Load the portal's main pages under gunicorn and check issue 7's targets.",
    )
    parser.add_argument(
        "--council", help="slug of the council to measure (default: the middle generated one)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds measured per page and number of users (default 10)",
    )
    parser.add_argument(
        "--users",
        default="1,4,16",
        help="numbers of concurrent users, comma-separated (default 1,4,16)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="an earlier run's benchmark.csv: fail if any page's query count differs from it",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=BASE_DIR / "bench-results",
        help="folder for benchmark.md and benchmark.csv (default bench-results/)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="split each page's time into this many interleaved slices (default 2)",
    )
    parser.add_argument(
        "--generate",
        type=int,
        default=1000,
        metavar="N",
        help="with no generated councils in the database, generate N first (default 1000, about "
        "3 minutes; 0: do not)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=1.0,
        help="seconds of load before each slice that are not counted (default 1)",
    )
    args = parser.parse_args(argv)
    try:
        args.levels = [int(n) for n in args.users.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--users takes whole numbers separated by commas, not {args.users!r}")
    if not args.levels or min(args.levels) < 1:
        parser.error("--users needs at least one number of users, each at least 1")
    if args.duration <= 0 or args.rounds < 1 or args.warmup < 0:
        parser.error("--duration must be positive, --rounds at least 1, --warmup not negative")
    return args


def redacted(url: str) -> str:
    """The database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def production_environment(database_url: str) -> dict[str, str]:
    """The environment of the benchmark's server: the production settings, on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "council.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        # A fresh key each run. The orchestrator shares it with the server, because the sessions
        # it creates for the personas carry a hash made with it.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "BENCHMARK": "true",
        # The server speaks plain HTTP on loopback, with no TLS proxy in front: the HTTPS redirect
        # and secure-only cookies would turn every request into a redirect or an anonymous one.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        # Production serves collectstatic's hashed files (a test environment may say otherwise).
        "STATIC_MANIFEST": "true",
        # No page measured sends email; nothing must reach a real mail server either way.
        "EMAIL_HOST": "",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    # No page measured uses the broker, and the sweep runs its tasks in-process (eager): without
    # REDIS_URL nothing can be queued for a worker that is not there.
    env.pop("REDIS_URL", None)
    return env


def compose_worker_arguments() -> list[str]:
    """The web service's gunicorn worker settings, from docker-compose.yml so they never drift."""
    text = (BASE_DIR / "docker-compose.yml").read_text()
    found = []
    for option in ("--workers", "--threads"):
        match = re.search(rf"gunicorn\b[^\n]*?{option}[ =](\d+)", text)
        if not match:
            raise BenchmarkError(f"docker-compose.yml's gunicorn command has no {option} N.")
        found += [option, match.group(1)]
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- The database side (Django) ------------------------------------------------------------------


def prepare_database(database_url: str) -> None:
    """Refuse anything but PostgreSQL; bring the schema and the static files up to date."""
    from django.core.management import call_command
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        raise BenchmarkError(
            f"The benchmark measures PostgreSQL, not {connection.vendor}: set DATABASE_URL to a "
            "postgres:// address (default " + DEFAULT_DATABASE_URL + ")."
        )
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        raise BenchmarkError(
            f"Cannot reach the database {redacted(database_url)}: {str(exc).strip()}\n"
            "Create it (createdb -h 127.0.0.1 -U postgres NAME). "
            + HOW_TO_GET_DATA.format(url=redacted(database_url))
        ) from exc
    print("benchmark: migrate, createcachetable, collectstatic", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    # As the web service does before gunicorn starts: the cache lives in the database.
    call_command("createcachetable", verbosity=0)
    # Production settings use the manifest storage, which needs collectstatic's manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def pick_council(slug: str | None, database_url: str, generate: int = 0):
    """The council to measure: the one named, or the middle one of the generated councils (made
    first, `generate` of them, if there are none)."""
    from django.core.management import call_command

    from council.models import Council

    if not slug and generate and not Council.objects.filter(slug__startswith=GENERATED_PREFIX):
        print(f"benchmark: no generated councils yet: generating {generate}", flush=True)
        call_command("generate_scale", councils=generate)

    if slug:
        council = Council.objects.filter(slug=slug).first()
        if council is None:
            raise BenchmarkError(f"No council with the slug {slug!r} in this database.")
        return council
    generated = list(
        Council.objects.filter(slug__startswith=GENERATED_PREFIX)
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    if not generated:
        url = redacted(database_url)
        raise BenchmarkError(
            NO_GENERATED_COUNCILS.format(url=url) + "\n" + HOW_TO_GET_DATA.format(url=url)
        )
    return Council.objects.get(slug=generated[len(generated) // 2])


def pick_pages(council) -> tuple[list[Page], dict]:
    """The pages to measure and who asks for each, chosen through the policy."""
    from django.apps import apps
    from django.urls import reverse

    from council import policy
    from council.models import Document, Role

    slug = council.slug
    clerk = policy.proper_officer_for(council)
    chair = policy.chair_of(council)
    if clerk is None:
        raise BenchmarkError(f"{slug} has no Proper Officer today, to load the clerk's pages.")
    if chair is None:
        raise BenchmarkError(f"{slug} has no chair today: nobody to load the escalations page.")
    vice_chair = policy.vice_chair_of(council)
    not_chairs = [u.pk for u in (chair, vice_chair, clerk) if u is not None]
    role = (
        Role.objects.current()
        .filter(council=council, kind=Role.Kind.COUNCILLOR)
        .exclude(user_id__in=not_chairs)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    if role is None:
        raise BenchmarkError(f"{slug} has no councillor today other than the chair and vice-chair.")
    councillor = role.user

    clerk_standing = policy.standing_for(clerk, council)
    InformationRequest = apps.get_model("correspondence", "InformationRequest")
    info_request = next(
        (
            r
            for r in InformationRequest.objects.filter(council=council).order_by("-pk")[:50]
            if policy.can_view_information_request(clerk_standing, r)
        ),
        None,
    )
    if info_request is None:
        raise BenchmarkError(f"{slug} has no information request for the detail page.")

    document, downloader = None, None
    for persona, user in (("councillor", councillor), ("clerk", clerk)):
        standing = policy.standing_for(user, council)
        for candidate in Document.objects.filter(council=council).order_by("pk")[:200]:
            if policy.can_download_document(standing, candidate) and candidate.file.storage.exists(
                candidate.file.name
            ):
                document, downloader = candidate, persona
                break
        if document:
            break
    if document is None:
        raise BenchmarkError(
            f"{slug} has no document whose file is in PRIVATE_STORAGE_ROOT for a download."
        )

    pages = [
        Page(report.MINIMAL_PAGE, MINIMAL_PATH, PUBLIC),
        Page("public protocol page", reverse("protocol:current", args=[slug]), PUBLIC, True),
        Page("councillor's home page", reverse("council:home", args=[slug]), "councillor"),
        Page(
            "clerk's request queue",
            reverse("correspondence:request_queue", args=[slug]),
            "clerk",
        ),
        Page("clerk's concern queue", reverse("concerns:concern_queue", args=[slug]), "clerk"),
        Page("chair's escalations", reverse("concerns:escalations", args=[slug]), "chair"),
        Page(
            "request detail",
            reverse("correspondence:request_detail", args=[slug, info_request.pk]),
            "clerk",
        ),
        Page(
            "document download",
            reverse("council:document_download", args=[slug, document.pk]),
            downloader,
        ),
    ]
    # Each signed-in page again as first visits: what a page costs when the server renders it.
    pages += [
        Page(f"{page.name} (first visit)", page.path, page.persona, first_visit=True)
        for page in pages
        if page.persona != PUBLIC
    ]
    people = {"clerk": clerk, "chair": chair, "councillor": councillor}
    return pages, people


def sign_in(user):
    """A server-side session for the user, as a sign-in would leave it; returns the session."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session


def run_sweep(council) -> report.Sweep:
    """Every beat task once, timed, in-process; then all again, to see nothing goes twice."""
    from django.conf import settings
    from django.core import mail

    from council.celery import app
    from council.models import Council, Notification

    # Generated data: deleting the outbox rows of the councils measured makes the first sweep do
    # the same work on every run against the same database.
    councils = Council.objects.filter(slug__startswith=GENERATED_PREFIX) | Council.objects.filter(
        pk=council.pk
    )
    deleted, _ = Notification.objects.filter(council__in=councils).delete()
    from django.db import connection

    if connection.vendor == "postgresql":
        # The deleted rows stay in the table and its indexes until a VACUUM, and each run leaves
        # 12,000 more: without this the sweep slows from run to run (autovacuum may be off).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Notification._meta.db_table}")
    print(f"benchmark: reminder sweep (deleted {deleted} outbox rows first)", flush=True)

    app.loader.import_default_modules()  # registers every app's tasks, as a worker would
    app.conf.task_always_eager = True
    schedule = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if name not in NOT_REMINDERS
    }
    tasks = {name: app.tasks[entry["task"]] for name, entry in schedule.items()}

    def states():
        return dict(Notification.objects.values_list("pk", "status"))

    def sweep() -> dict[str, float]:
        timings = {}
        for name, task in tasks.items():
            started = time.perf_counter()
            task.apply(throw=True)
            timings[name] = time.perf_counter() - started
        return timings

    mail.outbox = []  # the locmem backend's list of sent messages
    before = states()
    timings = sweep()
    after_first = states()
    emails_first = len(mail.outbox)
    sweep()
    after_second = states()
    emails = len(mail.outbox)
    sent = Notification.Status.SENT
    newly_sent = sum(1 for pk, s in after_second.items() if s == sent and before.get(pk) != sent)
    return report.Sweep(
        seconds=sum(timings.values()),
        task_seconds=timings,
        created=len(after_first.keys() - before.keys()),
        emails=emails_first,
        created_again=len(after_second.keys() - after_first.keys()),
        emails_again=emails - emails_first,
        sent_twice=max(0, emails - newly_sent),
    )


# -- The server and the load ---------------------------------------------------------------------


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    worker_arguments = compose_worker_arguments()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "council.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        *worker_arguments,
        # No access log (not a worker setting): a fixed cost per request that would weigh most
        # on the minimal view, and 100,000 lines that say nothing the table does not.
    ]
    print(f"benchmark: gunicorn {' '.join(worker_arguments)} on {HOST}:{port}", flush=True)
    with log_path.open("wb") as log:
        # A session of its own: Ctrl-C reaches only the orchestrator, which then stops the server
        # in order (see stop_server) instead of leaving it half-stopped.
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()  # gunicorn's graceful stop: workers finish their request
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group start_new_session gave it: ours alone
        server.wait(timeout=5)


def get(port: int, page: Page, timeout: float = 30) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Cookie": page.cookie} if page.cookie else {}
    connection.request("GET", page.path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def wait_for_server(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    probe = Page(report.MINIMAL_PAGE, MINIMAL_PATH, PUBLIC)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn stopped at start-up:\n{tail(log_path)}")
        try:
            if get(port, probe, timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchmarkError(f"gunicorn did not answer within 60 s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def who(page: Page) -> str:
    return "not signed in" if page.persona == PUBLIC else f"signed in as the {page.persona}"


def probe(port: int, page: Page) -> int:
    """Ask for the page once: it must answer 200, and say how many queries it ran."""
    response = get(port, page)
    if response.status != 200:
        where = response.getheader("Location")
        hint = ""
        if where and "two-factor" in where:
            hint = " The Proper Officer must have two-factor authentication set up in the data."
        raise BenchmarkError(
            f"The {page.name} ({page.path}, {who(page)}) answered {response.status}"
            + (f", to {where}" if where else "")
            + f", not 200: it cannot be measured.{hint}"
        )
    count = response.getheader("X-Query-Count")
    if count is None:
        raise BenchmarkError(
            f"The {page.name} answered without X-Query-Count: the server is not running with "
            "BENCHMARK=true."
        )
    return int(count)


def drive_load(port: int, pages: list[Page], args: argparse.Namespace) -> list[dict]:
    """Run the load generator (loadgen.py, in its own process) over every page and level."""
    plan = {
        "host": f"http://{HOST}:{port}",
        "levels": args.levels,
        "rounds": args.rounds,
        "slice": args.duration / args.rounds,
        "warmup": args.warmup,
        "pages": [
            {"name": p.name, "path": p.path, "cookie": p.cookie, "first_visit": p.first_visit}
            for p in pages
        ],
    }
    runs = len(args.levels) * args.rounds * len(pages)
    budget = runs * (args.warmup + args.duration / args.rounds + 1) + 60
    # -I: the script's folder (this package) is not put on the path, so nothing here can shadow
    # a module Locust imports; the project itself is never imported there.
    loadgen = subprocess.Popen(
        [sys.executable, "-I", str(Path(__file__).with_name("loadgen.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=BASE_DIR,
    )
    try:
        out, _ = loadgen.communicate(json.dumps(plan), timeout=budget)
    finally:
        if loadgen.poll() is None:
            loadgen.kill()
            loadgen.wait()
    if loadgen.returncode != 0:
        raise BenchmarkError(f"The load generator failed (exit status {loadgen.returncode}).")
    return json.loads(out.strip().splitlines()[-1])["results"]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.split(":", 1)[0].startswith("sqlite"):
        raise BenchmarkError(
            "The benchmark measures PostgreSQL, the production database; DATABASE_URL names "
            f"SQLite. Unset it (default {DEFAULT_DATABASE_URL}) or name a postgres:// database."
        )
    # Only looked for, never imported here: importing Locust would monkeypatch this process.
    if importlib.util.find_spec("locust") is None:
        raise BenchmarkError(
            'Locust is not installed: run script/benchmark, or .venv/bin/pip install -e ".[bench]".'
        )
    baseline = None
    if args.baseline:
        try:
            baseline = report.read_baseline(args.baseline.read_text())
        except OSError as exc:
            raise BenchmarkError(f"Cannot read the baseline {args.baseline}: {exc}") from exc

    server_env = production_environment(database_url)
    os.environ.update(server_env)
    os.environ.pop("REDIS_URL", None)
    # The sweep's emails go to a list in memory, where they are counted.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # Celery logs every task it runs at INFO; the sweep's figures are in the report.
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.conf import settings

    from council.models import Council

    prepare_database(database_url)
    council = pick_council(args.council, database_url, args.generate)
    pages, people = pick_pages(council)
    print(f"benchmark: council {council.slug}; pages:", flush=True)
    for page in pages:
        print(f"  {page.name:<24} {page.path}  ({who(page)})", flush=True)

    sweep = run_sweep(council)
    print(f"benchmark: the sweep took {sweep.seconds:.2f} s", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "gunicorn.log"
    sessions = {name: sign_in(user) for name, user in people.items()}
    server = None
    try:
        for page in pages:
            if page.persona != PUBLIC:
                page.cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[page.persona].session_key}"
        port = free_port()
        server = start_server(server_env, port, log_path)
        wait_for_server(server, port, log_path)
        queries = {page.name: probe(port, page) for page in pages}
        minutes = len(args.levels) * len(pages) * (args.duration + args.rounds * args.warmup) / 60
        print(f"benchmark: driving the load (about {minutes:.0f} min)", flush=True)
        measured = drive_load(port, pages, args)
    finally:
        if server is not None:
            stop_server(server)
        for session in sessions.values():
            session.delete()

    by_name = {page.name: page for page in pages}
    results = [
        report.Result(
            page=m["page"],
            users=m["users"],
            requests=m["requests"],
            failures=m["failures"],
            seconds=m["seconds"],
            median_ms=m["median_ms"],
            p95_ms=m["p95_ms"],
            # The count seen under load; the probe's where no answer carried one.
            queries=m["queries"] if m["queries"] is not None else queries[m["page"]],
            queries_seen=tuple(m["queries_seen"]),
            public=by_name[m["page"]].public,
            persona=by_name[m["page"]].persona,
            first_visit=by_name[m["page"]].first_visit,
            error=m["error"],
        )
        for m in measured
    ]
    misses = report.evaluate(results, sweep=sweep, baseline=baseline)
    workers = " ".join(compose_worker_arguments())
    heading = (
        f"Council `{council.slug}` (one of {Council.objects.count()} in the database) · "
        f"gunicorn {workers} · {args.duration:g} s per page and level"
        + (f" in {args.rounds} interleaved slices" if args.rounds > 1 else "")
        + f", after {args.warmup:g} s of warm-up each · "
        + f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Throughput is compared only within this run: "
        "\u201c× minimal\u201d is the page's requests/s over the minimal view's at the same level."
    )
    text = report.markdown(results, misses, sweep=sweep, heading=heading)
    (args.out / "benchmark.md").write_text(text)
    (args.out / "benchmark.csv").write_text(report.to_csv(results))
    print()
    print(text)
    print(f"benchmark: wrote {args.out / 'benchmark.md'} and {args.out / 'benchmark.csv'}")
    return report.exit_code(misses)


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def entry() -> int:
    # Ctrl-C, or a TERM from whatever started the benchmark, unwinds through the `finally` that
    # stops the server, even where the caller had set SIGINT to be ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        return main()
    except BenchmarkError as exc:
        print(f"benchmark: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmark: interrupted; the server is stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(entry())
