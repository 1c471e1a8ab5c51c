"""The benchmark (issue 7): its verdict (council/benchmark/report.py, pure logic, no server and no
Locust), and what BENCHMARK=true adds to the server, which must not exist otherwise."""

import csv
import io
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from council.benchmark import report
from council.benchmark.report import MINIMAL_PAGE, TARGETS, Result, Sweep
from council.benchmark.server import QUERY_COUNT_HEADER, QueryCountMiddleware, minimal
from council.models import Council

AT = TARGETS["at_users"]
PUBLIC = "public protocol page"
SIGNED_IN = "clerk's request queue"


def result(page=SIGNED_IN, users=AT, rps=500.0, p95=50.0, queries=5, failures=0, **kw) -> Result:
    """A measured page: `rps` requests per second over 10 seconds."""
    return Result(
        page=page,
        users=users,
        requests=int(rps * 10),
        failures=failures,
        seconds=10.0,
        median_ms=p95 / 2,
        p95_ms=p95,
        queries=queries,
        public=(page == PUBLIC),
        **kw,
    )


def run_of(*pages: Result, minimal_rps: float = 1000.0, users=(AT,)) -> list[Result]:
    """The minimal view at each level, then the pages."""
    base = [result(MINIMAL_PAGE, users=n, rps=minimal_rps, p95=2.0, queries=0) for n in users]
    return [*base, *pages]


FAST_SWEEP = Sweep(seconds=1.5, task_seconds={"a": 1.0, "b": 0.5}, created=40, emails=40)


# -- The verdict ---------------------------------------------------------------------------------


def test_throughput_is_a_ratio_to_the_minimal_view_at_the_same_number_of_users():
    results = [
        result(MINIMAL_PAGE, users=1, rps=800.0, queries=0),
        result(MINIMAL_PAGE, users=16, rps=2000.0, queries=0),
        result(SIGNED_IN, users=1, rps=200.0),
        result(SIGNED_IN, users=16, rps=500.0),
    ]
    ratios = report.ratios(results)
    assert ratios[(SIGNED_IN, 1)] == pytest.approx(0.25)
    assert ratios[(SIGNED_IN, 16)] == pytest.approx(0.25)
    assert ratios[(MINIMAL_PAGE, 16)] == pytest.approx(1.0)


def test_ratio_is_unknown_where_the_minimal_view_was_not_measured():
    assert report.ratios([result(SIGNED_IN, users=4)])[(SIGNED_IN, 4)] is None


def test_a_run_meeting_every_target_has_no_misses_and_exits_0():
    results = run_of(result(PUBLIC, rps=600.0, p95=300.0), result(SIGNED_IN, rps=300.0, p95=149))
    misses = report.evaluate(results, sweep=FAST_SWEEP)
    assert misses == []
    assert report.exit_code(misses) == 0


def test_public_page_below_0_6_of_the_minimal_view_is_a_miss():
    misses = report.evaluate(run_of(result(PUBLIC, rps=599.0)))
    assert len(misses) == 1
    assert "public protocol page at 16 users" in misses[0]
    assert "0.60" in misses[0]
    assert report.exit_code(misses) == 1


def test_public_page_is_not_held_to_the_signed_in_latency_target():
    assert report.evaluate(run_of(result(PUBLIC, rps=700.0, p95=400.0))) == []


def test_signed_in_page_below_0_3_of_the_minimal_view_is_a_miss():
    misses = report.evaluate(run_of(result(SIGNED_IN, rps=299.0)))
    assert len(misses) == 1
    assert "is 0.299 of the minimal view's 1000; the target is at least 0.30" in misses[0]


def test_signed_in_page_with_p95_of_150_ms_or_more_is_a_miss():
    assert report.evaluate(run_of(result(SIGNED_IN, p95=149.9))) == []
    misses = report.evaluate(run_of(result(SIGNED_IN, p95=150.0)))
    assert misses == [
        f"{SIGNED_IN} at 16 users: 95th-percentile latency 150 ms; the target is under 150 ms."
    ]


def test_throughput_and_latency_are_judged_only_at_16_users():
    slow_at_one_user = result(SIGNED_IN, users=1, rps=10.0, p95=900.0)
    results = run_of(slow_at_one_user, result(SIGNED_IN), users=(1, AT))
    assert report.evaluate(results) == []


def test_first_visits_are_reported_and_judged_on_their_queries_only():
    """A page's first visits (nothing kept yet) are shown beside it; the throughput and latency
    targets are judged on the page as people use it, again and again."""
    first = f"{SIGNED_IN} (first visit)"
    slow_first_visits = result(first, rps=50.0, p95=400.0, queries=9, first_visit=True)
    assert report.evaluate(run_of(result(SIGNED_IN), slow_first_visits)) == []
    too_many = result(first, rps=50.0, queries=16, first_visit=True)
    assert report.evaluate(run_of(result(SIGNED_IN), too_many)) == [
        f"{first}: 16 database queries per request, more than 15."
    ]
    assert "| 16 | clerk's request queue (first visit) |" in report.table(
        run_of(result(SIGNED_IN), slow_first_visits)
    )


def test_a_run_without_16_users_cannot_meet_the_targets():
    misses = report.evaluate(run_of(result(SIGNED_IN, users=4), users=(4,)))
    assert misses == [
        "The minimal view was not measured at 16 users, so no page's throughput could be "
        "judged: include 16 in --users."
    ]


def test_more_than_15_queries_is_a_miss_once_per_page():
    at_15 = run_of(result(SIGNED_IN, queries=15))
    assert report.evaluate(at_15) == []
    at_16 = run_of(
        result(SIGNED_IN, users=1, queries=16), result(SIGNED_IN, queries=16), users=(1, AT)
    )
    assert report.evaluate(at_16) == [
        f"{SIGNED_IN}: 16 database queries per request, more than 15."
    ]


def test_failed_requests_are_a_miss_with_the_first_error():
    misses = report.evaluate(run_of(result(SIGNED_IN, failures=3, error="status 302")))
    assert misses == [f"{SIGNED_IN} at 16 users: 3 of 5000 requests failed (first: status 302)."]


def test_reminder_sweep_of_60_seconds_or_more_is_a_miss():
    assert report.evaluate(run_of(), sweep=Sweep(seconds=59.9)) == []
    misses = report.evaluate(run_of(), sweep=Sweep(seconds=60.0))
    assert misses == ["The reminder sweep took 60.0 s; the target is under 60 s."]


def test_second_sweep_that_creates_notifications_is_a_miss():
    misses = report.evaluate(run_of(), sweep=Sweep(seconds=1.0, created_again=2))
    assert misses == [
        "The second reminder sweep created 2 new notifications; a repeated sweep must create none."
    ]


def test_sweep_that_sends_a_notification_twice_is_a_miss():
    misses = report.evaluate(run_of(), sweep=Sweep(seconds=1.0, emails_again=1, sent_twice=1))
    assert misses == [
        "The reminder sweeps sent 1 emails more than once per notification; each must go once."
    ]


# -- The baseline --------------------------------------------------------------------------------


def test_baseline_with_the_same_query_counts_passes():
    results = run_of(result(SIGNED_IN, queries=7))
    baseline = report.read_baseline(report.to_csv(results))
    assert baseline == {MINIMAL_PAGE: 0, SIGNED_IN: 7}
    assert report.evaluate(results, baseline=baseline) == []


def test_query_count_that_differs_from_the_baseline_is_a_miss():
    earlier = report.read_baseline(report.to_csv(run_of(result(SIGNED_IN, queries=7))))
    misses = report.evaluate(run_of(result(SIGNED_IN, queries=8)), baseline=earlier)
    assert misses == [
        f"{SIGNED_IN}: 8 database queries per request, but 7 in the baseline; the count must "
        "not depend on the amount of data."
    ]
    assert report.exit_code(misses) == 1


def test_page_missing_from_the_baseline_is_not_compared():
    assert report.compare_baseline(run_of(result("new page", queries=3)), {MINIMAL_PAGE: 0}) == []


# -- The table and the CSV -----------------------------------------------------------------------


def test_markdown_table_has_a_row_per_page_and_level_with_the_ratio():
    results = run_of(
        result(SIGNED_IN, users=1, rps=250.0, persona="clerk"),
        result(SIGNED_IN, rps=500.0, p95=80.0, persona="clerk"),
        users=(1, AT),
    )
    lines = report.table(results).splitlines()
    assert lines[0].startswith("| users | page | as | req/s | × minimal |")
    assert len(lines) == 2 + 4
    # Grouped by level, the minimal view first in each.
    assert [line.split(" | ")[1] for line in lines[2:]] == [
        MINIMAL_PAGE,
        SIGNED_IN,
        MINIMAL_PAGE,
        SIGNED_IN,
    ]
    assert lines[-1] == f"| 16 | {SIGNED_IN} | clerk | 500 | 0.50 | 40.0 | 80.0 | 5 | 0 |"


def test_markdown_table_shows_the_range_when_query_counts_differed():
    row = report.table(run_of(result(PUBLIC, queries=1, queries_seen=(1, 5)))).splitlines()[-1]
    assert "| 1 (1–5) |" in row


def test_report_lists_every_miss_or_says_all_targets_are_met():
    results = run_of(result(SIGNED_IN, rps=100.0))
    misses = report.evaluate(results, sweep=FAST_SWEEP)
    text = report.markdown(results, misses, sweep=FAST_SWEEP, heading="Council `x`")
    assert "## Pages" in text and "## Reminder sweep" in text and "## Targets" in text
    assert "**1 missed:**" in text
    assert f"- {misses[0]}" in text
    assert "| **all** | **1.50** |" in text
    assert "**All targets met.**" in report.markdown(run_of(), [])


def test_csv_has_a_row_per_page_and_level():
    results = run_of(result(SIGNED_IN, rps=400.0, persona="clerk"))
    rows = list(csv.DictReader(io.StringIO(report.to_csv(results))))
    assert list(rows[0]) == report.CSV_FIELDS
    assert len(rows) == 2
    assert rows[1] == {
        "page": SIGNED_IN,
        "persona": "clerk",
        "users": "16",
        "requests": "4000",
        "failures": "0",
        "requests_per_s": "400.0",
        "ratio_to_minimal": "0.400",
        "median_ms": "25.00",
        "p95_ms": "50.00",
        "queries": "5",
    }


# -- What BENCHMARK=true adds to the server -------------------------------------------------------


@pytest.mark.django_db
def test_minimal_view_does_not_exist_with_normal_settings():
    assert Client().get("/__benchmark__/minimal/").status_code == 404


@pytest.mark.django_db
def test_responses_carry_no_query_count_with_normal_settings():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert QUERY_COUNT_HEADER not in response


def test_benchmark_setting_adds_the_counter_outermost_and_the_minimal_view():
    # A fresh interpreter: settings and URLs are read once per process.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import resolve\n"
        "print(settings.MIDDLEWARE[0]); print(resolve('/__benchmark__/minimal/').func.__name__)\n"
    )
    env = {**os.environ, "BENCHMARK": "true", "DEBUG": "true"}
    env["DJANGO_SETTINGS_MODULE"] = "council.settings"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["council.benchmark.server.QueryCountMiddleware", "minimal"]


def _two_queries(request):
    Council.objects.count()
    Council.objects.exists()
    return HttpResponse("two")


def _whoami(request):
    return HttpResponse(str(request.user.is_authenticated))


# This module is the URLconf of the tests below (settings.ROOT_URLCONF = __name__).
urlpatterns = [
    path("__benchmark__/minimal/", minimal),
    path("two/", _two_queries),
    path("whoami/", _whoami),
]


@pytest.fixture
def benchmark_settings(settings):
    settings.MIDDLEWARE = ["council.benchmark.server.QueryCountMiddleware", *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
def test_query_count_middleware_counts_the_view_queries(rf):
    response = QueryCountMiddleware(_two_queries)(rf.get("/two/"))
    assert response[QUERY_COUNT_HEADER] == "2"
    # Each request counts from nothing.
    assert QueryCountMiddleware(_two_queries)(rf.get("/two/"))[QUERY_COUNT_HEADER] == "2"


@pytest.mark.django_db
def test_minimal_view_says_ok_without_a_query(benchmark_settings):
    response = Client().get("/__benchmark__/minimal/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response[QUERY_COUNT_HEADER] == "0"


@pytest.mark.django_db
def test_query_count_includes_the_session_and_user_queries_of_a_signed_in_request(
    benchmark_settings, cast
):
    client = Client()
    client.force_login(cast.councillor)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/whoami/")
    assert response.content == b"True"
    # Outermost, it sees what Django itself records for the request: at least the session and
    # the user, and whatever the other middleware asks.
    assert len(captured) >= 2
    assert response[QUERY_COUNT_HEADER] == str(len(captured))
