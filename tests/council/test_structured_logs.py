"""Structured logs (council.logs): one JSON line per request and one per security event, with ids
and codes only: no name, no email address, no query string, no key from an emailed link."""

from __future__ import annotations

import json
import logging

import pytest
from allauth.mfa.models import Authenticator
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from council.demo import DEMO_PASSWORD
from council.logs import JsonFormatter, RequestLogMiddleware
from council.models import User


@pytest.fixture
def log_lines(caplog):
    """The request and security lines logged so far, as the JSON formatter writes them (and as
    dicts, parsed back)."""
    caplog.set_level(logging.INFO, logger="council.requests")
    caplog.set_level(logging.INFO, logger="council.security")
    formatter = JsonFormatter()

    def read() -> list[tuple[str, dict]]:
        lines = [
            formatter.format(record)
            for record in caplog.records
            if record.name in ("council.requests", "council.security")
        ]
        return [(line, json.loads(line)) for line in lines]

    return read


def personal_data(cast) -> list[str]:
    """Every name and address in the cast, and their parts, as a log line must never show."""
    found = []
    for user in User.objects.all():
        found += [user.email, user.email.split("@")[0], user.name, *user.name.split()]
    return [item for item in found if len(item) > 2]


def assert_no_personal_data(cast, lines, *extra: str) -> None:
    for line, _ in lines:
        for item in [*personal_data(cast), *extra]:
            assert item.lower() not in line.lower(), f"{item!r} in the log: {line}"


def events(lines, logger) -> list[dict]:
    return [fields for _, fields in lines if fields["logger"] == logger]


def test_each_request_is_one_line_without_its_query_string(cast, client_for, log_lines):
    url = reverse("council:home", args=[cast.council.slug])
    response = client_for("councillor").get(f"{url}?q=Priya+Shah&email=chair@example.org")
    assert response.status_code == 200
    lines = log_lines()
    (request,) = events(lines, "council.requests")
    assert request["event"] == "request" and request["level"] == "INFO"
    assert (request["method"], request["path"], request["status"]) == ("GET", url, 200)
    assert request["user_id"] == cast.councillor.pk
    assert isinstance(request["duration_ms"], float) and request["duration_ms"] >= 0
    assert set(request) == {
        "time",
        "level",
        "logger",
        "event",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
    }
    assert_no_personal_data(cast, lines, "?", "q=", "Priya")


def test_a_public_request_has_no_user_and_a_key_in_the_path_is_cut_out(cast, log_lines):
    Client().get("/accounts/password/reset/key/4-c3x1ld-0123456789abcdef/")
    Client().get(reverse("home"))
    requests = events(log_lines(), "council.requests")
    assert [r["path"] for r in requests] == ["/accounts/password/reset/key/[removed]/", "/"]
    assert all("user_id" not in r for r in requests)
    assert "0123456789abcdef" not in json.dumps(requests)


def test_a_failed_sign_in_is_a_security_event_without_the_address(cast, log_lines):
    response = Client().post(
        reverse("account_login"), {"login": cast.chair.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    lines = log_lines()
    (event,) = events(lines, "council.security")
    assert (event["event"], event["step"], event["level"]) == (
        "sign_in_failed",
        "password",
        "WARNING",
    )
    assert (event["method"], event["path"]) == ("POST", reverse("account_login"))
    assert_no_personal_data(cast, lines, "wrong-password")


def test_a_wrong_two_factor_code_is_a_failed_sign_in_naming_the_account_by_id(cast, log_lines):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": cast.clerk.email, "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    lines = log_lines()
    (event,) = events(lines, "council.security")
    assert (event["event"], event["step"], event["user_id"]) == (
        "sign_in_failed",
        "two_factor",
        cast.clerk.pk,
    )
    assert_no_personal_data(cast, lines, "000000")


def test_too_many_failed_sign_ins_are_a_rate_limited_event(cast, log_lines):
    # allauth allows 5 failures per address in 5 minutes (ACCOUNT_RATE_LIMITS["login_failed"]);
    # the sixth is refused before the password is checked.
    client = Client()
    for _ in range(6):
        client.post(
            reverse("account_login"), {"login": cast.chair.email, "password": "wrong-password"}
        )
    lines = log_lines()
    security = [e["event"] for e in events(lines, "council.security")]
    assert security == ["sign_in_failed"] * 5 + ["rate_limited"]
    assert events(lines, "council.security")[-1]["action"] == "login_failed"
    assert_no_personal_data(cast, lines, "wrong-password")


def test_a_refused_page_is_a_permission_denied_event_with_the_user_id(cast, client_for, log_lines):
    url = reverse("council:person_invite", args=[cast.council.slug])
    assert client_for("councillor").get(url).status_code == 403
    lines = log_lines()
    (event,) = events(lines, "council.security")
    assert (event["event"], event["path"], event["user_id"]) == (
        "permission_denied",
        url,
        cast.councillor.pk,
    )
    (request,) = events(lines, "council.requests")
    assert request["status"] == 403
    assert_no_personal_data(cast, lines)


def test_being_sent_to_set_up_two_factor_is_a_security_event(cast, client_for, log_lines):
    Authenticator.objects.filter(user=cast.clerk).delete()
    response = client_for("clerk").get(reverse("council:home", args=[cast.council.slug]))
    assert response["Location"] == reverse("two_factor_required")
    lines = log_lines()
    (event,) = events(lines, "council.security")
    assert (event["event"], event["user_id"]) == ("two_factor_required", cast.clerk.pk)
    assert_no_personal_data(cast, lines)


def test_a_429_is_a_rate_limited_event():
    # allauth answers some limits (password reset, for one) with a 429 page of its own.
    request = RequestFactory().post("/accounts/password/reset/?email=someone@example.org")
    middleware = RequestLogMiddleware(lambda request: HttpResponse(status=429))
    logger = logging.getLogger("council.security")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        assert middleware(request).status_code == 429
    finally:
        logger.removeHandler(handler)
    (line,) = [json.loads(JsonFormatter().format(r)) for r in records]
    assert (line["event"], line["path"]) == ("rate_limited", "/accounts/password/reset/")
    assert "someone" not in json.dumps(line)
