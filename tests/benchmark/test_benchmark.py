"""The benchmark (issue 7, benchmark/ beside the product): its load model, its verdict
(benchmark/report.py, pure logic, no server and no Locust), the writer's pace, and what its
server settings add to the product, which must not exist otherwise. Nothing here needs Locust,
gevent or PostgreSQL."""

import csv
import io
import os
import random
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, path, resolve

from benchmark import loadgen, personas, report, writer
from benchmark.loadgen import PersonaPool, summarise
from benchmark.personas import PUBLIC_PAGE, WEIGHTS
from benchmark.report import MINIMAL_PAGE, TARGETS, Result, Sweep
from benchmark.run import sign_in
from benchmark.server import MINIMAL_PATH, QUERY_COUNT_HEADER, QueryCountMiddleware, minimal
from council.models import Council

AT = TARGETS["at_users"]
PUBLIC = PUBLIC_PAGE
SIGNED_IN = "request queue"
WRITE = "write: submit request"


def result(page=SIGNED_IN, users=AT, rps=500.0, p95=50.0, queries=5, failures=0, **kw) -> Result:
    """A page kind measured alone: `rps` requests per second over 10 seconds."""
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


def write(name=WRITE, users=AT, p95=60.0, failures=0, **kw) -> Result:
    """A kind of write: 20 in 10 seconds."""
    return Result(
        page=name,
        users=users,
        requests=20,
        failures=failures,
        seconds=10.0,
        median_ms=p95 / 2,
        p95_ms=p95,
        queries=12,
        write=True,
        persona="writer",
        **kw,
    )


def run_of(*pages: Result, minimal_rps: float = 1000.0, users=(AT,)) -> list[Result]:
    """The minimal view at each level, then the pages."""
    base = [result(MINIMAL_PAGE, users=n, rps=minimal_rps, p95=2.0, queries=0) for n in users]
    return [*base, *pages]


FAST_SWEEP = Sweep(seconds=1.5, task_seconds={"a": 1.0, "b": 0.5}, created=40, emails=40)


# -- The load model -----------------------------------------------------------------------------


EVERY_KIND = {
    "council home": ["/a/", "/b/", "/c/"],
    "request queue": ["/a/requests/queue/"],
    "concern queue": ["/a/concerns/queue/"],
    "request detail": [f"/a/requests/{n}/" for n in range(30)],
    "concern detail": [f"/a/concerns/{n}/" for n in range(5)],
    "document download": [f"/a/documents/{n}/download/" for n in range(12)],
    "correspondence list": ["/a/correspondence/"],
    "notifications": ["/notifications/"],
}


def test_a_walk_has_each_page_kind_in_proportion_to_its_weight():
    visits = personas.visit_list(EVERY_KIND, random.Random(1), rounds=4)
    counts = Counter(kind for kind, _ in visits)
    assert counts == {kind: weight * 4 for kind, weight in WEIGHTS.items()}
    # A person looks at their home page and requests most, at notifications least.
    assert WEIGHTS["council home"] > WEIGHTS["notifications"]


def test_a_walk_leaves_out_the_kinds_a_person_has_no_page_of():
    councillor = {**EVERY_KIND, "request queue": [], "concern queue": []}
    kinds = {kind for kind, _ in personas.visit_list(councillor, random.Random(1))}
    assert kinds == set(WEIGHTS) - {"request queue", "concern queue"}


def test_a_walk_covers_many_objects_and_never_repeats_a_url_in_a_row():
    visits = personas.visit_list(EVERY_KIND, random.Random(2), rounds=4)
    details = {url for kind, url in visits if kind == "request detail"}
    assert len(details) == WEIGHTS["request detail"] * 4  # 12 different requests of 30
    assert all(a[1] != b[1] for a, b in zip(visits, visits[1:], strict=False))


def test_no_repeats_in_a_row_when_one_url_is_half_the_visits():
    visits = [("home", "/h/")] * 5 + [("x", f"/x{n}/") for n in range(5)]
    for seed in range(20):
        out = personas.no_repeats_in_a_row(visits, random.Random(seed))
        assert sorted(out) == sorted(visits)
        assert all(a[1] != b[1] for a, b in zip(out, out[1:], strict=False)), out


def test_spread_picks_evenly_and_keeps_short_lists_whole():
    assert personas.spread(list(range(10)), 4) == [0, 3, 6, 9]
    assert personas.spread([1, 2], 5) == [1, 2]
    assert personas.spread(list(range(5)), 1) == [0]


def test_a_public_visitor_reads_many_councils_protocol_pages():
    pages = [f"/c{n}/protocol/" for n in range(30)]
    visits = personas.public_visits(pages, random.Random(3), count=20)
    assert len({url for _, url in visits}) == 20
    assert {kind for kind, _ in visits} == {PUBLIC_PAGE}


@pytest.fixture
def generated(db):
    """Three generated councils: one clerk serves all three."""
    call_command("generate_scale", councils=3, seed=7, stdout=StringIO())
    return list(Council.objects.filter(slug__startswith="scale-").order_by("slug"))


def test_each_persona_has_a_session_and_walk_of_its_own(generated):
    cast = personas.build_personas(generated, generated, sign_in)
    signed_in = [p for p in cast if p.role != "public"]
    roles = Counter(p.role for p in cast)
    # One clerk for the three councils, and each council's chair and four councillors; a
    # visitor per council.
    assert roles == {"clerk": 1, "chair": 3, "councillor": 12, "public": 3}
    clerk = next(p for p in signed_in if p.role == "clerk")
    assert clerk.councils == [c.slug for c in generated]
    # Distinct sessions, each of its own person; distinct walks.
    assert len({p.session_key for p in signed_in}) == len(signed_in)
    assert len({p.user_id for p in signed_in}) == len(signed_in)
    assert all(p.cookie.endswith(f"={p.session_key}") for p in signed_in)
    assert len({tuple(p.visits) for p in signed_in}) == len(signed_in)
    for p in cast:
        urls = [url for _, url in p.visits]
        assert len(set(urls)) > 1, f"{p.name} would ask for one URL again and again"
        assert all(a != b for a, b in zip(urls, urls[1:], strict=False)), p.name
    # The clerk works in the portal all day: longer turns.
    assert clerk.as_plan()["turn"] == 3 * personas.TURN
    # Only the clerk has the request queue; the clerk and the chairs the concern queue.
    by_kind = personas.roles_by_kind(cast)
    assert by_kind["request queue"] == "clerk"
    assert by_kind["concern queue"] == "clerk, chair"
    assert by_kind[PUBLIC_PAGE] == "public"
    assert by_kind["request detail"] == "clerk, chair, councillor"


def test_the_pages_of_a_persona_open_for_them(generated, client):
    """Every page kind of the clerk's and a councillor's walks answers them 200."""
    cast = personas.build_personas(generated[:1], generated, sign_in)
    for role in ("clerk", "councillor", "public"):
        persona = next(p for p in cast if p.role == role)
        client.cookies.clear()
        if persona.cookie:
            name, _, value = persona.cookie.partition("=")
            client.cookies[name] = value
        for kind, url in {kind: (kind, url) for kind, url in persona.visits}.values():
            assert client.get(url).status_code == 200, (role, kind, url)


def test_the_persona_pool_gives_each_user_a_persona_of_its_own():
    pool = PersonaPool([{"visits": [["k", f"/{i}/{n}/"] for n in range(3)]} for i in range(3)])
    taken = [pool.take(), pool.take()]
    assert taken == [0, 1]
    pool.give_back(0)
    assert pool.take() == 2  # the one waiting longest, not the one just given back
    assert pool.take() == 0
    # Each persona's walk goes on where it stopped.
    assert [pool.next_visit(1)[1] for _ in range(4)] == ["/1/0/", "/1/1/", "/1/2/", "/1/0/"]
    # More users than personas: one is played twice, and that is counted.
    pool.take()
    assert pool.shared == 1


def test_a_page_kind_alone_is_every_persona_who_has_it_walking_only_that_kind():
    walks = [
        {"name": "clerk", "turn": 15, "visits": [["home", "/a/"], ["queue", "/a/q/"]]},
        {"name": "councillor", "turn": 5, "visits": [["home", "/b/"], ["detail", "/b/1/"]]},
    ]
    queue = loadgen.alone(walks, "queue")
    assert queue == [{"name": "clerk", "turn": 1, "visits": [["queue", "/a/q/"]]}]
    assert [p["name"] for p in loadgen.alone(walks, "home")] == ["clerk", "councillor"]


def test_summarise_gives_the_most_queries_and_every_count_seen():
    summary = summarise([10.0, 20.0, 30.0], ["status 500"], Counter({9: 2, 10: 1}), 2.0)
    assert summary["queries"] == 10
    assert summary["queries_seen"] == [9, 10]
    assert summary["median_ms"] == 20.0 and summary["mean_ms"] == 20.0
    assert summary["failures"] == 1 and summary["error"] == "status 500"


# -- The writer's pace ---------------------------------------------------------------------------


class FakeClock:
    """A clock that moves only when slept on or told to."""

    def __init__(self):
        """Time starts at nought."""
        self.now = 0.0

    def __call__(self) -> float:
        """The time now."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Move time on."""
        self.now = round(self.now + seconds, 9)  # no float drift across a slot's boundary


def writes_in(seconds: float, rate: float, each: float) -> list[float]:
    """When each write started, over `seconds` of a fake clock, each write taking `each`."""
    clock = FakeClock()
    pacer = writer.Pacer(rate, clock=clock, sleep=clock.sleep)
    starts = []
    while True:
        pacer.wait()
        if clock.now >= seconds:
            return starts
        starts.append(clock.now)
        clock.now = round(clock.now + each, 9)


def test_the_writer_writes_at_its_rate():
    starts = writes_in(10.0, rate=2.0, each=0.1)
    assert len(starts) == 20
    assert starts[:3] == [0.0, 0.5, 1.0]


def test_a_slow_write_delays_the_next_but_never_causes_a_burst():
    starts = writes_in(10.0, rate=2.0, each=0.8)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 13  # every 0.8 s: the missed slots are dropped
    assert min(gaps) == pytest.approx(0.8)


def test_a_pause_is_not_made_up_afterwards():
    clock = FakeClock()
    pacer = writer.Pacer(2.0, clock=clock, sleep=clock.sleep)
    pacer.wait()
    clock.now = 5.0  # a five-second stall: nine slots missed
    pacer.wait()
    assert clock.now == 5.0
    pacer.wait()
    assert clock.now == 5.5


def test_the_writer_refuses_a_rate_of_zero():
    with pytest.raises(ValueError):
        writer.Pacer(0)


def test_the_writes_go_through_the_services(generated):
    """Two rounds of the writes on generated data, each timed with its queries; a request left
    open when the writer stops is decided then, so the queues stay as generated."""
    from correspondence.models import InformationRequest

    open_before = InformationRequest.objects.open().count()
    writes = writer.Writes([c.pk for c in generated])
    done = []
    for _ in range(6):
        name, work = writes.next()
        ms, queries = writer.timed(work)
        done.append(name)
        assert ms > 0 and queries > 0, name
    assert done == writer.WRITES * 2
    assert InformationRequest.objects.open().count() == open_before
    name, work = writes.next()
    work()
    assert name == writer.SUBMIT
    assert InformationRequest.objects.open().count() == open_before + 1
    writes.finish()
    assert InformationRequest.objects.open().count() == open_before


# -- The verdict ---------------------------------------------------------------------------------


def test_a_page_kind_is_judged_on_its_own_rate_and_its_latency_in_the_mix():
    """Its req/s from its own slices (200 of the minimal view's 1,000), its p95 and the number
    of answers behind it from the mix."""
    page = result(SIGNED_IN, rps=200.0, p95=80.0, mix_requests=40)
    assert report.ratios(run_of(page))[(SIGNED_IN, AT)] == pytest.approx(0.2)
    assert page.samples == 40
    assert result(MINIMAL_PAGE).samples == 5000  # measured alone: its own answers


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


def test_ratio_is_unknown_where_the_minimal_view_was_not_measured_and_for_writes():
    assert report.ratios([result(SIGNED_IN, users=4)])[(SIGNED_IN, 4)] is None
    assert report.ratios(run_of(write()))[(WRITE, AT)] is None


def test_a_run_meeting_every_target_has_no_misses_and_exits_0():
    results = run_of(
        result(PUBLIC, rps=600.0, p95=300.0), result(SIGNED_IN, rps=150.0, p95=99), write()
    )
    misses = report.evaluate(results, sweep=FAST_SWEEP)
    assert misses == []
    assert report.exit_code(misses) == 0


def test_public_page_below_0_6_of_the_minimal_view_is_a_miss_and_exits_1():
    misses = report.evaluate(run_of(result(PUBLIC, rps=599.0)))
    assert len(misses) == 1
    assert "public protocol page at 16 users" in misses[0]
    assert "0.60" in misses[0]
    assert report.exit_code(misses) == 1


def test_public_page_is_not_held_to_the_signed_in_latency_target():
    assert report.evaluate(run_of(result(PUBLIC, rps=700.0, p95=400.0))) == []


def test_signed_in_page_below_0_15_of_the_minimal_view_is_a_miss():
    assert report.evaluate(run_of(result(SIGNED_IN, rps=150.0))) == []
    misses = report.evaluate(run_of(result(SIGNED_IN, rps=149.0)))
    assert misses == [
        f"{SIGNED_IN} at 16 users: 149 requests/s is 0.149 of the minimal view's 1000; the "
        "target is at least 0.15."
    ]


def test_signed_in_page_with_p95_of_100_ms_or_more_is_a_miss():
    assert report.evaluate(run_of(result(SIGNED_IN, p95=99.9))) == []
    misses = report.evaluate(run_of(result(SIGNED_IN, p95=100.0)))
    assert misses == [
        f"{SIGNED_IN} at 16 users: 95th-percentile latency 100 ms; the target is under 100 ms."
    ]


def test_a_write_with_p95_of_150_ms_or_more_is_a_miss():
    assert report.evaluate(run_of(write(p95=149.0))) == []
    misses = report.evaluate(run_of(write(p95=150.0)))
    assert misses == [
        f"{WRITE} at 16 users: 95th-percentile time 150 ms; the target is under 150 ms."
    ]
    assert report.exit_code(misses) == 1


def test_a_failed_write_is_a_miss():
    misses = report.evaluate(run_of(write(failures=1, error="ValidationError: closed")))
    assert misses == [
        f"{WRITE} at 16 users: 1 of 20 writes failed (first: ValidationError: closed)."
    ]


def test_throughput_and_latency_are_judged_only_at_16_users():
    slow_at_one_user = result(SIGNED_IN, users=1, rps=10.0, p95=900.0)
    slow_write_at_one_user = write(users=1, p95=900.0)
    results = run_of(
        slow_at_one_user, slow_write_at_one_user, result(SIGNED_IN), write(), users=(1, AT)
    )
    assert report.evaluate(results) == []


def test_too_few_answers_or_writes_to_judge_a_95th_percentile_is_a_miss():
    few_answers = result(SIGNED_IN, mix_requests=9)  # 9 answers in the mix behind its p95
    few_writes = replace(write(), requests=9)
    assert report.evaluate(run_of(few_answers, few_writes)) == [
        f"{SIGNED_IN} at 16 users: only 9 answers measured, too few to judge its 95th "
        "percentile; run longer (--duration).",
        f"{WRITE} at 16 users: only 9 writes measured, too few to judge its 95th percentile; run "
        "longer (--duration or --write-rate).",
    ]
    enough = result(SIGNED_IN, mix_requests=10)
    assert report.evaluate(run_of(enough, replace(write(), requests=10))) == []


def test_a_run_without_16_users_cannot_meet_the_targets():
    misses = report.evaluate(run_of(result(SIGNED_IN, users=4), users=(4,)))
    assert misses == [
        "The minimal view was not measured at 16 users, so no page's throughput could be "
        "judged: include 16 in --users."
    ]


def test_more_than_12_queries_is_a_miss_once_per_page_kind():
    assert report.evaluate(run_of(result(SIGNED_IN, queries=12))) == []
    at_13 = run_of(
        result(SIGNED_IN, users=1, queries=13), result(SIGNED_IN, queries=13), users=(1, AT)
    )
    assert report.evaluate(at_13) == [
        f"{SIGNED_IN}: 13 database queries per request, more than 12."
    ]


def test_the_query_target_is_for_pages_not_writes():
    assert report.evaluate(run_of(replace(write(), queries=40))) == []


def test_failed_requests_are_a_miss_with_the_first_error():
    misses = report.evaluate(run_of(result(SIGNED_IN, failures=3, error="status 302")))
    assert misses == [f"{SIGNED_IN} at 16 users: 3 of 5000 requests failed (first: status 302)."]


def test_reminder_sweep_of_30_seconds_or_more_is_a_miss():
    assert report.evaluate(run_of(), sweep=Sweep(seconds=29.9)) == []
    misses = report.evaluate(run_of(), sweep=Sweep(seconds=30.0))
    assert misses == ["The reminder sweep took 30.0 s; the target is under 30 s."]


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


def test_a_sweep_during_the_load_that_failed_is_a_miss():
    failed = Sweep(seconds=0.0, during=16, error="exit status 1")
    assert report.evaluate(run_of(), sweep_during=failed) == [
        "The reminder sweep during the load failed: exit status 1"
    ]
    assert report.evaluate(run_of(), sweep_during=Sweep(seconds=45.0, during=16)) == []


# -- The baseline --------------------------------------------------------------------------------


def test_baseline_with_the_same_query_counts_passes():
    results = run_of(result(SIGNED_IN, queries=7), write())
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


def test_markdown_table_has_a_row_per_page_kind_and_write_and_level_with_the_ratio():
    results = run_of(
        result(SIGNED_IN, users=1, rps=250.0, persona="clerk", mix_requests=30),
        result(SIGNED_IN, rps=200.0, p95=80.0, persona="clerk", mix_requests=40),
        write(),
        users=(1, AT),
    )
    lines = report.table(results).splitlines()
    assert lines[0] == (
        "| users | page | as | req/s | × minimal | n | p50 ms | p95 ms | queries | failed |"
    )
    assert len(lines) == 2 + 5
    # Grouped by level, the minimal view first in each.
    assert [line.split(" | ")[1] for line in lines[2:]] == [
        MINIMAL_PAGE,
        SIGNED_IN,
        MINIMAL_PAGE,
        SIGNED_IN,
        WRITE,
    ]
    assert lines[-2] == f"| 16 | {SIGNED_IN} | clerk | 200.0 | 0.20 | 40 | 40.0 | 80.0 | 5 | 0 |"
    assert lines[-1] == f"| 16 | {WRITE} | writer | 2.0 | – | 20 | 30.0 | 60.0 | 12 | 0 |"


def test_markdown_table_shows_that_query_counts_varied():
    row = report.table(run_of(result(PUBLIC, queries=5, queries_seen=(1, 5)))).splitlines()[-1]
    assert "| 5 (varies 1–5) |" in row


def test_report_lists_every_miss_or_says_all_targets_are_met():
    results = run_of(result(SIGNED_IN, rps=100.0))
    during = Sweep(seconds=2.5, created=10, emails=10, during=16)
    misses = report.evaluate(results, sweep=FAST_SWEEP)
    text = report.markdown(
        results, misses, sweep=FAST_SWEEP, heading="Councils", sweep_during=during
    )
    assert "## Pages and writes" in text and "## Reminder sweep" in text and "## Targets" in text
    assert "**1 missed:**" in text
    assert f"- {misses[0]}" in text
    assert "| **all** | **1.50** |" in text
    assert "During the load (16 users, in its own process): 2.50 s; 10 outbox rows" in text
    assert "**All targets met.**" in report.markdown(run_of(), [])


def test_csv_has_a_row_per_page_kind_and_level():
    results = run_of(
        result(SIGNED_IN, rps=400.0, persona="clerk", queries_seen=(4, 5), mix_requests=50),
        write(),
    )
    rows = list(csv.DictReader(io.StringIO(report.to_csv(results))))
    assert list(rows[0]) == report.CSV_FIELDS
    assert len(rows) == 3
    assert rows[1] == {
        "page": SIGNED_IN,
        "persona": "clerk",
        "users": "16",
        "requests": "4000",
        "failures": "0",
        "requests_per_s": "400.0",
        "ratio_to_minimal": "0.400",
        "mix_requests": "50",
        "median_ms": "25.00",
        "p95_ms": "50.00",
        "queries": "5",
        "queries_min": "4",
    }
    assert rows[2]["page"] == WRITE and rows[2]["ratio_to_minimal"] == ""


# -- What the benchmark's settings add to the server, and only there ------------------------------


def test_the_products_urls_have_no_benchmark_route():
    from council.urls import urlpatterns

    assert not [p for p in urlpatterns if "__benchmark__" in str(p.pattern)]
    with pytest.raises(Resolver404):
        resolve(MINIMAL_PATH, urlconf="council.urls")


@pytest.mark.django_db
def test_responses_carry_no_query_count_with_the_products_settings():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert QUERY_COUNT_HEADER not in response


def test_the_benchmark_settings_add_the_counter_outermost_and_the_minimal_view():
    # A fresh interpreter: settings and URLs are read once per process.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import resolve\n"
        "print(settings.MIDDLEWARE[0]); print(settings.ROOT_URLCONF)\n"
        "print(resolve('/__benchmark__/minimal/').func.__name__)\n"
        "print(resolve('/healthz').url_name)\n"
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "benchmark.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "benchmark.server.QueryCountMiddleware",
        "benchmark.urls",
        "minimal",
        "healthz",
    ]


def test_the_products_settings_have_no_query_counter(settings):
    assert not [m for m in settings.MIDDLEWARE if "QueryCount" in m]
    assert settings.ROOT_URLCONF == "council.urls"


def _two_queries(request):
    """A view that runs two queries."""
    Council.objects.count()
    Council.objects.exists()
    return HttpResponse("two")


def _whoami(request):
    """A view that says whether the request is signed in."""
    return HttpResponse(str(request.user.is_authenticated))


# This module is the URLconf of the tests below (settings.ROOT_URLCONF = __name__).
urlpatterns = [
    path("__benchmark__/minimal/", minimal),
    path("two/", _two_queries),
    path("whoami/", _whoami),
]


@pytest.fixture
def benchmark_settings(settings):
    """The benchmark server's middleware and this module's URLs."""
    settings.MIDDLEWARE = ["benchmark.server.QueryCountMiddleware", *settings.MIDDLEWARE]
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
