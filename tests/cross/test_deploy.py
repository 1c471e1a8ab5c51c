"""Deployment: the settings with production values pass `check --deploy`, refuse to start when
misconfigured, the migrations match the models, and docker-compose.yml is a valid compose file of
the production shape (DESIGN §6)."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from ruamel.yaml import YAML  # check-jsonschema's own YAML parser

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]
COMPOSE_FILE = settings.BASE_DIR / "docker-compose.yml"

# What tests/plugin.py puts in os.environ for the test run only, and anything else that would
# loosen the production defaults: none of it may leak into the "production" subprocesses.
NOT_PRODUCTION = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STATIC_MANIFEST",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "PRIVATE_STORAGE_ROOT",
    "PORTAL_TEST_STORAGE_MADE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CSRF_TRUSTED_ORIGINS",
}


def production_env(**values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_PRODUCTION and not key.startswith("SECURE_")
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.org",
        DJANGO_SETTINGS_MODULE="council.settings",
    )
    env.update(values)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MANAGE, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    env = production_env()
    assert len(env["SECRET_KEY"]) >= 50
    for key in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATIC_MANIFEST"):
        assert key not in env
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNING" not in output.upper(), output


PRINT_SECURITY_SETTINGS = """
import json
from django.conf import settings as s
names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_SSL_REDIRECT", "MIDDLEWARE", "CONTENT_SECURITY_POLICY"]
print(json.dumps({name: getattr(s, name) for name in names}))
"""


def test_production_cookies_are_secure_and_http_only_with_hsts_and_the_policy():
    result = manage("shell", "-c", PRINT_SECURITY_SETTINGS, env=production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    for name in (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
    ):
        assert values[name] is True, name
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000  # a year
    middleware = values["MIDDLEWARE"]
    assert "csp.middleware.CSPMiddleware" in middleware
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware.index("django.contrib.auth.middleware.LoginRequiredMiddleware") > (
        authentication
    )
    assert "'unsafe-inline'" not in json.dumps(values["CONTENT_SECURITY_POLICY"])


def test_the_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_is_refused_rather_than_guessed():
    result = manage("check", env=production_env(DEBUG="maybe"))
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be true or false, not 'maybe'." in result.stderr


def test_a_bare_checkout_can_check_its_migrations_but_not_serve():
    env = production_env()
    del env["SECRET_KEY"]
    del env["DEBUG"]
    result = manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    assert "SECRET_KEY is not set" in manage("check", env=env).stderr


def test_the_demos_two_factor_code_prints_as_the_readme_gives_it_without_debug():
    # The README: "run .venv/bin/python manage.py demo_code" (in a second shell, beside the demo),
    # with no DEBUG or SECRET_KEY set. It prints a code from the demo's public secret.
    env = production_env()
    del env["SECRET_KEY"]
    del env["DEBUG"]
    result = manage("demo_code", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"\d{6}\n", result.stdout), result.stdout


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    # Exits (SystemExit 1) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_docker_compose_is_a_valid_compose_file():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE_FILE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_has_the_production_shape():
    services = YAML(typ="safe").load(COMPOSE_FILE.read_text())["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis"):
        assert services[name]["healthcheck"]["test"], f"{name} has no healthcheck"
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "gunicorn council.wsgi:application" in services["web"]["command"][-1]
    assert "celery -A council worker" in " ".join(services["worker"]["command"])
    assert "celery -A council beat" in " ".join(services["beat"]["command"])
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        env = service["environment"]
        assert env["DEBUG"] == "false"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # no default key, ever
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["PRIVATE_STORAGE_ROOT"] == "/data/private"


def test_two_writers_at_once_on_the_embedded_database_wait_in_turn_rather_than_fail(
    tmp_path, django_db_blocker
):
    # The demo's SQLite (council/settings.py): a double click on a form must not meet "database
    # is locked". Two connections with the portal's options, on a file as the demo's is: while
    # the first holds a write transaction open, the second's waits, then runs once the first
    # commits, and sees the first one's change (as the services' state check then does).
    import threading

    from django.db.backends.sqlite3.base import DatabaseWrapper

    options = settings.SQLITE_OPTIONS  # what the embedded database is opened with
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    name = str(tmp_path / "demo.sqlite3")

    def connect() -> DatabaseWrapper:
        wrapper = DatabaseWrapper(
            {
                **settings.DATABASES["default"],
                "NAME": name,
                "OPTIONS": options,
                "ENGINE": "django.db.backends.sqlite3",
                "TIME_ZONE": None,
            },
            alias=f"writer-{secrets.token_hex(4)}",
        )
        wrapper.ensure_connection()
        return wrapper

    with django_db_blocker.unblock():  # a database of its own, not the tests' one
        first = connect()
        with first.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            cursor.execute("CREATE TABLE decision (id INTEGER PRIMARY KEY, outcome TEXT)")
            cursor.execute("INSERT INTO decision VALUES (1, 'open')")
        seen: list[str] = []

        def second_click() -> None:
            second = connect()  # a connection belongs to its thread
            # What Django's atomic() does on SQLite: BEGIN <transaction_mode>; here it waits.
            second._start_transaction_under_autocommit()
            with second.cursor() as cursor:
                seen.append(cursor.execute("SELECT outcome FROM decision").fetchone()[0])
                cursor.execute("UPDATE decision SET outcome = 'refused' WHERE outcome = 'open'")
                cursor.execute("COMMIT")
            second.close()

        first._start_transaction_under_autocommit()
        with first.cursor() as cursor:
            cursor.execute("UPDATE decision SET outcome = 'granted' WHERE outcome = 'open'")
            thread = threading.Thread(target=second_click)
            thread.start()
            thread.join(0.5)
            assert thread.is_alive()  # waiting for the first, not failing
            cursor.execute("COMMIT")
        thread.join(10)
        assert not thread.is_alive() and seen == ["granted"]
        with first.cursor() as cursor:
            assert cursor.execute("SELECT outcome FROM decision").fetchone()[0] == "granted"
        first.close()


def site_url(**values: str) -> str:
    script = "from django.conf import settings; print(settings.SITE_URL)"
    result = manage("shell", "--no-imports", "-c", script, env=production_env(**values))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_demos_email_links_name_the_port_it_serves():
    # `PORT=8001 script/demo` serves on 8001; the links in its emails used to say 8000.
    assert site_url(PORT="8123", DEBUG="true") == "http://127.0.0.1:8123"
    assert site_url(SITE_URL="https://portal.example.org/", PORT="8123") == (
        "https://portal.example.org"
    )
