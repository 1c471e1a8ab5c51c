"""The benchmark (issue 7): `python -m benchmark.run`, or `script/benchmark`.

It starts the production server (gunicorn, the web service's worker settings from
docker-compose.yml, production settings plus benchmark/settings.py's query count and minimal
view) on 127.0.0.1 against PostgreSQL, and at each number of users loads it with many people at
once (personas.py): in each of a few generated councils the clerk, the chair and some councillors,
each in their own session walking their own pages and objects, and visitors reading the public
protocol pages, interleaved with the minimal view. Meanwhile a writer (writer.py) changes things
through the real services at a steady rate, and once, beat's reminder sweep runs (sweep.py). At
the end it times the sweep alone, writes bench-results/benchmark.md and .csv, and exits 1 if a
target is missed (the targets are in report.py), 2 if it could not run.

It deletes the generated councils' outbox rows before the load and before the timed sweep, and
the writer adds requests and notes: point it only at a database of generated data, never at
production.
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
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import personas as load_model
from . import report
from .loadgen import summarise
from .server import MINIMAL_PATH, QUERY_COUNT_HEADER
from .sweep import GENERATED_PREFIX, empty_outbox, run_sweep
from .writer import WRITES

__all__ = ["main", "run_sweep"]  # run_sweep: the outbox tests time the sweep as this does

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/council_scale"
# The only address the benchmark ever starts a server on or sends load to.
HOST = "127.0.0.1"

NO_GENERATED_COUNCILS = "There are no generated councils (slugs scale-NNNNN) in {url}."
HOW_TO_GET_DATA = """\
Generate 1,000 councils there:
    export DATABASE_URL={url}
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py generate_scale --councils 1000
or try the benchmark on a few, in a database of its own:
    createdb -h 127.0.0.1 -U postgres council_bench_small
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/council_bench_small
    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py generate_scale --councils 30
    script/benchmark --duration 5 --users 1,4"""


class BenchmarkError(Exception):
    """The benchmark cannot run; the message says why and what to do."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked."""
    parser = argparse.ArgumentParser(
        prog="script/benchmark",
        description="Load the portal under gunicorn with many people at once and check the "
        "targets.",
    )
    parser.add_argument(
        "--councils",
        type=int,
        default=20,
        help="generated councils whose clerk, chair and councillors sign in (default 20)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds of the mix measured per number of users, and as long of the minimal view "
        "(default 10)",
    )
    parser.add_argument(
        "--users",
        default="1,4,16",
        help="numbers of concurrent users, comma-separated (default 1,4,16)",
    )
    parser.add_argument(
        "--write-rate",
        type=float,
        default=2.0,
        help="writes per second through the services during the load (default 2; 0: none)",
    )
    parser.add_argument(
        "--sweep-at",
        type=int,
        help="run beat's reminder sweep once while this many users load the pages (default: "
        f"{report.TARGETS['at_users']} if measured, else the most users; 0: not during the load)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="an earlier run's benchmark.csv: fail if any page kind's query count differs from it",
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
        help="split each level's time into this many interleaved slices (default 2)",
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
    if args.councils < 1 or args.write_rate < 0:
        parser.error("--councils must be at least 1 and --write-rate not negative")
    if args.sweep_at is None:
        at = report.TARGETS["at_users"]
        args.sweep_at = at if at in args.levels else max(args.levels)
    elif args.sweep_at and args.sweep_at not in args.levels:
        parser.error(f"--sweep-at {args.sweep_at} is not one of --users {args.users}")
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
        "DJANGO_SETTINGS_MODULE": "benchmark.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        # A fresh key each run. The orchestrator shares it with the server, because the sessions
        # it creates for the personas carry a hash made with it.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
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
    # No page measured uses the broker, and the sweeps run their tasks in-process (eager): without
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
    """A TCP port on loopback that nothing listens on."""
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


def generated_councils(database_url: str, generate: int = 0) -> list:
    """Every generated council, by slug (made first, `generate` of them, if there are none)."""
    from django.core.management import call_command

    from council.models import Council

    generated = Council.objects.filter(slug__startswith=GENERATED_PREFIX).order_by("slug")
    if generate and not generated.exists():
        print(f"benchmark: no generated councils yet: generating {generate}", flush=True)
        call_command("generate_scale", councils=generate)
    councils = list(generated.all())
    if not councils:
        url = redacted(database_url)
        raise BenchmarkError(
            NO_GENERATED_COUNCILS.format(url=url) + "\n" + HOW_TO_GET_DATA.format(url=url)
        )
    return councils


def sign_in(user):
    """A server-side session for the user, as a sign-in would leave it; returns the session.

    The generated people whom the policy asks for two-factor have an authenticator (council/
    scale.py), so the two-factor middleware lets them through, as it would after the code."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session


def sign_out(personas: list) -> None:
    """Delete the personas' sessions."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for persona in personas:
        if persona.session_key:
            store(session_key=persona.session_key).delete()


# -- The server and the load ---------------------------------------------------------------------


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn with the web service's worker settings, in a process group of its own."""
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
    """gunicorn's graceful stop, then a kill of its own process group if it hangs."""
    if server.poll() is not None:
        return
    server.terminate()  # gunicorn's graceful stop: workers finish their request
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group start_new_session gave it: ours alone
        server.wait(timeout=5)


def get(port: int, path: str, cookie: str = "", timeout: float = 30) -> http.client.HTTPResponse:
    """One GET on the benchmark's server, read to the end."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def wait_for_server(server: subprocess.Popen, port: int, log_path: Path) -> None:
    """Until the minimal view answers; an error with gunicorn's log if it never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn stopped at start-up:\n{tail(log_path)}")
        try:
            if get(port, MINIMAL_PATH, timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchmarkError(f"gunicorn did not answer within 60 s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 20) -> str:
    """The end of a log file, for an error message."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def probe(port: int, personas: list) -> None:
    """Ask once for every persona's first page (which also starts its session's clocks, as a
    sign-in would) and, for the first persona of each role, one page of every kind it has: each
    must answer 200 with a query count."""
    first_of_role: set[str] = set()
    for persona in personas:
        visits = [persona.visits[0]]
        if persona.role not in first_of_role:
            first_of_role.add(persona.role)
            visits = list({kind: (kind, path) for kind, path in persona.visits}.values())
        for kind, path in visits:
            response = get(port, path, persona.cookie)
            if response.status != 200:
                where = response.getheader("Location")
                hint = ""
                if where and "two-factor" in where:
                    hint = " The person must have two-factor authentication set up in the data."
                raise BenchmarkError(
                    f"The {kind} {path} for {persona.name} ({persona.role}) answered "
                    f"{response.status}" + (f", to {where}" if where else "") + f", not 200.{hint}"
                )
            if response.getheader(QUERY_COUNT_HEADER) is None:
                raise BenchmarkError(
                    f"The {kind} answered without {QUERY_COUNT_HEADER}: the server is not running "
                    "with DJANGO_SETTINGS_MODULE=benchmark.settings."
                )


def start_writer(rate: float, council_ids: list[int]) -> subprocess.Popen:
    """The writer in its own process, set up and ready to write (see writer.py)."""
    writer = subprocess.Popen(
        [sys.executable, "-m", "benchmark.writer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=BASE_DIR,
    )
    assert writer.stdin is not None and writer.stdout is not None
    writer.stdin.write(json.dumps({"rate": rate, "councils": council_ids}) + "\n")
    writer.stdin.flush()
    if writer.stdout.readline().strip() != "ready":
        writer.kill()
        writer.wait()
        raise BenchmarkError("The writer could not start (its error is above).")
    return writer


def stop_writer(writer: subprocess.Popen) -> dict:
    """Tell the writer to stop (its standard input closes) and read what it measured."""
    assert writer.stdin is not None and writer.stdout is not None
    writer.stdin.close()
    try:
        out = writer.stdout.read()
        writer.wait(timeout=120)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    if writer.returncode != 0 or not out.strip():
        raise BenchmarkError(f"The writer failed (exit status {writer.returncode}).")
    return json.loads(out.strip().splitlines()[-1])


def start_sweeper() -> subprocess.Popen:
    """Beat's reminder sweep, once, in its own process (sweep.py)."""
    return subprocess.Popen(
        [sys.executable, "-m", "benchmark.sweep"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=BASE_DIR,
    )


def finish_sweeper(sweeper: subprocess.Popen, users: int) -> report.Sweep:
    """Wait for the sweep that ran during the load; what it did, or why it failed."""
    try:
        out, _ = sweeper.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        sweeper.kill()
        sweeper.wait()
        return report.Sweep(seconds=0.0, during=users, error="it did not end within 15 minutes")
    if sweeper.returncode != 0 or not out.strip():
        error = f"exit status {sweeper.returncode} (its error is above)"
        return report.Sweep(seconds=0.0, during=users, error=error)
    done = json.loads(out.strip().splitlines()[-1])
    return report.Sweep(during=users, **done)


def drive_level(port: int, personas: list, users: int, args, sweep_here: bool):
    """One number of users: the load generator (loadgen.py, in its own process) over the mix,
    the minimal view and each page kind alone, with the writer and, if asked, the sweep running
    beside it."""
    plan = {
        "host": f"http://{HOST}:{port}",
        "users": users,
        "rounds": args.rounds,
        "slice": args.duration / args.rounds,
        "warmup": args.warmup,
        "minimal_path": MINIMAL_PATH,
        "personas": [p.as_plan() for p in personas],
    }
    slices = 2 + len({kind for p in personas for kind, _ in p.visits})
    budget = slices * args.rounds * (args.warmup + args.duration / args.rounds + 2) + 60
    writer = start_writer(args.write_rate, args.council_ids) if args.write_rate > 0 else None
    sweepers: list[subprocess.Popen] = []
    # The sweep starts once the users are at work, not while Locust starts.
    timer = threading.Timer(args.warmup + 1, lambda: sweepers.append(start_sweeper()))
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
        if sweep_here:
            timer.start()
        out, _ = loadgen.communicate(json.dumps(plan), timeout=budget)
    finally:
        timer.cancel()
        if sweep_here:
            timer.join()  # a sweep being started is started, and found below
        if loadgen.poll() is None:
            loadgen.kill()
            loadgen.wait()
        writes = stop_writer(writer) if writer is not None else None
        during = finish_sweeper(sweepers[0], users) if sweepers else None
    if loadgen.returncode != 0:
        raise BenchmarkError(f"The load generator failed (exit status {loadgen.returncode}).")
    measured = json.loads(out.strip().splitlines()[-1])
    for name in measured["shared"]:
        # Small data: fewer people with this kind of page than users, so some sessions were
        # played by two users at once. Reported, not a failure: use more --councils.
        print(f"benchmark: {users} users, {name}: fewer personas than users", flush=True)
    return measured, writes, during


def level_results(measured: dict, writes: dict | None, roles: dict[str, str]) -> list:
    """The report's rows of one level: the minimal view; each page kind, its throughput from its
    own slices and its latency from the mix; each kind of write."""
    users = measured["users"]

    def row(name: str, m: dict, **extra) -> report.Result:
        """A row from one summary of answers (or writes)."""
        return report.Result(
            page=name,
            users=users,
            requests=m["requests"],
            failures=m["failures"],
            seconds=m["seconds"],
            median_ms=m["median_ms"],
            p95_ms=m["p95_ms"],
            queries=m["queries"],
            queries_seen=tuple(m["queries_seen"]),
            error=m["error"],
            **extra,
        )

    rows = [row(report.MINIMAL_PAGE, measured["minimal"], persona="public")]
    for kind in load_model.PAGE_KINDS:
        if kind not in measured["alone"]:
            continue
        own, mix = measured["alone"][kind], measured["mix"][kind]
        seen = sorted({*own["queries_seen"], *mix["queries_seen"]})
        rows.append(
            report.Result(
                page=kind,
                users=users,
                requests=own["requests"],
                seconds=own["seconds"],
                failures=own["failures"] + mix["failures"],
                error=mix["error"] or own["error"],
                median_ms=mix["median_ms"],
                p95_ms=mix["p95_ms"],
                mix_requests=mix["requests"],
                queries=max(seen) if seen else None,
                queries_seen=tuple(seen),
                public=kind == load_model.PUBLIC_PAGE,
                persona=roles.get(kind, ""),
            )
        )
    if writes is not None:
        for name in WRITES:
            w = writes["writes"][name]
            summary = summarise(w["samples"], w["errors"], Counter(w["queries"]), writes["seconds"])
            rows.append(row(name, summary, persona="writer", write=True))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark; the exit code (0: every target met, 1: one missed)."""
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
    # The sweeps' emails go to a list in memory, where they are counted (the writer and the
    # sweep during the load inherit this environment).
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # Celery logs every task it runs at INFO; the sweep's figures are in the report.
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()

    prepare_database(database_url)
    generated = generated_councils(database_url, args.generate)
    councils = load_model.choose_councils(generated, args.councils)
    args.council_ids = [c.pk for c in councils]
    if args.sweep_at:
        # The sweep during the load then does a whole day's work, as on the first run.
        deleted = empty_outbox()
        print(f"benchmark: emptied the generated councils' outbox ({deleted} rows)", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    log_path = args.out / "gunicorn.log"
    personas: list = []
    server = None
    measured = []
    try:
        personas = load_model.build_personas(councils, generated, sign_in)
        counts = Counter(p.role for p in personas)
        print(
            f"benchmark: {len(councils)} councils, {len(personas)} personas "
            f"({', '.join(f'{n} {role}' for role, n in counts.items())}), "
            f"{sum(len(p.visits) for p in personas)} visits planned",
            flush=True,
        )
        port = free_port()
        server = start_server(server_env, port, log_path)
        wait_for_server(server, port, log_path)
        probe(port, personas)
        for users in args.levels:
            print(f"benchmark: {users} users", flush=True)
            measured.append(drive_level(port, personas, users, args, users == args.sweep_at))
    finally:
        if server is not None:
            stop_server(server)
        sign_out(personas)

    sweep = run_sweep()
    print(f"benchmark: the timed sweep took {sweep.seconds:.2f} s", flush=True)

    roles = load_model.roles_by_kind(personas)
    results = [row for m, writes, _ in measured for row in level_results(m, writes, roles)]
    during = next((d for _, _, d in measured if d is not None), None)
    misses = report.evaluate(results, sweep=sweep, baseline=baseline, sweep_during=during)
    text = report.markdown(
        results,
        misses,
        sweep=sweep,
        heading=heading(args, councils, generated, personas),
        sweep_during=during,
    )
    (args.out / "benchmark.md").write_text(text)
    (args.out / "benchmark.csv").write_text(report.to_csv(results))
    print()
    print(text)
    print(f"benchmark: wrote {args.out / 'benchmark.md'} and {args.out / 'benchmark.csv'}")
    return report.exit_code(misses)


def heading(args, councils: list, generated: list, personas: list) -> str:
    """What was run, for the top of the report."""
    counts = Counter(p.role for p in personas)
    people = ", ".join(f"{n} {role}" for role, n in sorted(counts.items()))
    workers = " ".join(compose_worker_arguments())
    writer = f"a writer at {args.write_rate:g} writes/s" if args.write_rate else "no writer"
    sweep = f"at {args.sweep_at} users" if args.sweep_at else "not run"
    return (
        f"{len(councils)} of {len(generated)} generated councils; {len(personas)} personas "
        f"({people}), each signed-in one in a session of its own walking its own pages and "
        f"objects · gunicorn {workers} · per number of users, {args.duration:g} s of each "
        f"measurement (the mix, the minimal view, each page kind alone) in {args.rounds} "
        f"interleaved slices after {args.warmup:g} s of warm-up each · {writer} · beat's sweep "
        f"during the load: {sweep} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n\n"
        "*req/s* and *× minimal*: a page kind alone, every user asking only for it, spread over "
        "every persona who has it and their objects, one visit each in turn, over the minimal "
        "view's requests/s at the same number of users in the same run. *n*, *p50*, *p95*: the "
        "kind's answers in the mix, where each user plays one persona after another, "
        f"{load_model.TURN} visits of their walk at a time ({load_model.TURNS['clerk']} for a "
        "clerk), beside the writer. *queries*: the most any answer ran, with the range when "
        "they varied."
    )


def _interrupted(signum, frame):
    """A TERM unwinds like Ctrl-C."""
    raise KeyboardInterrupt


def entry() -> int:
    """main() with its errors as exit codes: 2 when it could not run, 130 when interrupted."""
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
