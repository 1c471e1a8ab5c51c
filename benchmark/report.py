"""The benchmark's arithmetic and its verdict: each page kind's ratio to the minimal view, the
targets, the Markdown table, the CSV, the baseline comparison and the exit code.

Pure logic on plain values, with no Django and no Locust, so that it is tested without a server.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The name of the yardstick: a view that returns "ok" and touches no database. Absolute figures
# vary by up to half between runs on these shared machines (docs/operations.md); ratios measured
# in the same run on the same server hold.
MINIMAL_PAGE = "minimal view"
WRITE_PREFIX = "write: "

# Every threshold, in one place. Throughput and latency are judged at one number of users.
TARGETS = {
    "at_users": 16,  # the throughput and latency targets are judged at this many users
    "public_ratio": 0.6,  # public protocol page: at least this share of the minimal view's req/s
    "authenticated_ratio": 0.15,  # every signed-in page kind: at least this share
    "authenticated_p95_ms": 100.0,  # every signed-in page kind: 95th percentile below this
    "max_queries": 12,  # database queries per request, the most any answer of a page kind ran
    "write_p95_ms": 150.0,  # every kind of write: 95th percentile below this
    "max_failed_requests": 0,  # a page that errors is fast for the wrong reason
    "min_samples": 10,  # fewer answers (or writes) than this cannot give a 95th percentile
    "sweep_seconds": 30.0,  # the daily reminder sweep over every council
}

CSV_FIELDS = [
    "page",
    "persona",
    "users",
    "requests",
    "failures",
    "requests_per_s",
    "ratio_to_minimal",
    "mix_requests",
    "median_ms",
    "p95_ms",
    "queries",
    "queries_min",
]


@dataclass(frozen=True)
class Result:
    """One page kind (or the minimal view, or one kind of write) at one number of users.

    A page kind's throughput (`requests` in `seconds`) is from its own slices, where every user
    asks only for that kind, spread over every persona who has it; its latency (`median_ms`,
    `p95_ms`, over `mix_requests` answers) is from the mix, where it shares the server with
    everything else people do."""

    page: str
    users: int
    requests: int
    failures: int
    seconds: float
    median_ms: float | None
    p95_ms: float | None
    queries: int | None  # the most any answer ran
    public: bool = False
    persona: str = ""  # who asked for it: the personas' roles
    error: str = ""  # the first failure's message, if any
    queries_seen: tuple[int, ...] = ()  # every count seen, when they varied
    mix_requests: int | None = None  # answers in the mix behind the latency; None: as `requests`
    write: bool = False

    @property
    def rps(self) -> float:
        """Requests (or writes) answered per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def samples(self) -> int:
        """How many answers (or writes) the latency figures come from."""
        return self.requests if self.mix_requests is None else self.mix_requests


@dataclass(frozen=True)
class Sweep:
    """The reminder sweep: every beat task once, timed (and, for the timed one, all again)."""

    seconds: float
    task_seconds: dict[str, float] = field(default_factory=dict)
    created: int = 0  # outbox rows the first sweep created
    emails: int = 0  # emails the first sweep sent
    created_again: int = 0  # rows the second sweep created: must be none
    emails_again: int = 0  # emails the second sweep sent (rows still pending may go now)
    sent_twice: int = 0  # emails beyond one per outbox row: must be none
    during: int | None = None  # the users loading the pages while it ran; None: alone
    error: str = ""  # why it did not finish, if it did not


def ratios(results: Iterable[Result]) -> dict[tuple[str, int], float | None]:
    """Each page kind's requests/s over the minimal view's at the same level (None if the
    minimal view is unmeasured there, and for writes)."""
    results = list(results)
    minimal = {r.users: r.rps for r in results if r.page == MINIMAL_PAGE}
    out: dict[tuple[str, int], float | None] = {}
    for r in results:
        base = minimal.get(r.users)
        out[(r.page, r.users)] = r.rps / base if base and not r.write else None
    return out


def evaluate(
    results: Sequence[Result],
    sweep: Sweep | None = None,
    baseline: dict[str, int] | None = None,
    targets: dict | None = None,
    sweep_during: Sweep | None = None,
) -> list[str]:
    """Every target missed, each as a sentence saying what and by how much; empty if none."""
    t = targets or TARGETS
    at = t["at_users"]
    misses: list[str] = []
    ratio = ratios(results)
    pages = [r for r in results if r.page != MINIMAL_PAGE and not r.write]
    writes = [r for r in results if r.write]

    for r in results:
        if r.failures > t["max_failed_requests"]:
            detail = f" (first: {r.error})" if r.error else ""
            noun = "writes" if r.write else "requests"
            misses.append(
                f"{r.page} at {r.users} users: {r.failures} of {r.requests} {noun} failed{detail}."
            )

    for name, queries in _queries_by_page(pages).items():
        if queries is not None and queries > t["max_queries"]:
            misses.append(
                f"{name}: {queries} database queries per request, more than {t['max_queries']}."
            )

    minimal_at = [r for r in results if r.page == MINIMAL_PAGE and r.users == at]
    if not minimal_at or not minimal_at[0].requests:
        misses.append(
            f"The minimal view was not measured at {at} users, so no page's throughput could be "
            f"judged: include {at} in --users."
        )
    else:
        for r in pages:
            if r.users != at:
                continue
            if r.samples < t["min_samples"]:
                misses.append(_too_few(r))
                continue
            share = ratio[(r.page, r.users)] or 0.0
            needed = t["public_ratio"] if r.public else t["authenticated_ratio"]
            if share < needed:
                misses.append(
                    f"{r.page} at {at} users: {r.rps:.0f} requests/s is {share:.3f} of the "
                    f"minimal view's {minimal_at[0].rps:.0f}; the target is at least {needed:.2f}."
                )
            if not r.public and (r.p95_ms is None or r.p95_ms >= t["authenticated_p95_ms"]):
                misses.append(
                    f"{r.page} at {at} users: 95th-percentile latency {_shown(r.p95_ms)}; the "
                    f"target is under {t['authenticated_p95_ms']:.0f} ms."
                )

    for r in writes:
        if r.users == at and r.samples < t["min_samples"]:
            misses.append(_too_few(r))
        elif r.users == at and (r.p95_ms is None or r.p95_ms >= t["write_p95_ms"]):
            misses.append(
                f"{r.page} at {at} users: 95th-percentile time {_shown(r.p95_ms)}; the target is "
                f"under {t['write_p95_ms']:.0f} ms."
            )

    if baseline is not None:
        misses.extend(compare_baseline(pages, baseline))

    if sweep is not None:
        if sweep.seconds >= t["sweep_seconds"]:
            misses.append(
                f"The reminder sweep took {sweep.seconds:.1f} s; the target is under "
                f"{t['sweep_seconds']:.0f} s."
            )
        if sweep.created_again:
            misses.append(
                f"The second reminder sweep created {sweep.created_again} new notifications; "
                "a repeated sweep must create none."
            )
        if sweep.sent_twice:
            misses.append(
                f"The reminder sweeps sent {sweep.sent_twice} emails more than once per "
                "notification; each must go once."
            )
    if sweep_during is not None and sweep_during.error:
        misses.append(f"The reminder sweep during the load failed: {sweep_during.error}")
    return misses


def _too_few(r: Result) -> str:
    """The miss of a page kind or write with too few measurements to judge."""
    noun, longer = (
        ("writes", "--duration or --write-rate") if r.write else ("answers", "--duration")
    )
    return (
        f"{r.page} at {r.users} users: only {r.samples} {noun} measured, too few to judge its "
        f"95th percentile; run longer ({longer})."
    )


def _shown(ms: float | None) -> str:
    """A latency for a sentence."""
    return "unmeasured" if ms is None else f"{ms:.0f} ms"


def _queries_by_page(results: Iterable[Result]) -> dict[str, int | None]:
    """One query count per page kind, the highest of its levels, in the order they were run."""
    counts: dict[str, int | None] = {}
    for r in results:
        known = counts.get(r.page)
        counts[r.page] = r.queries if known is None else max(known, r.queries or 0)
    return counts


def compare_baseline(results: Sequence[Result], baseline: dict[str, int]) -> list[str]:
    """Misses for page kinds whose query count differs from an earlier run's (kinds it had)."""
    misses = []
    for name, queries in _queries_by_page(results).items():
        if name not in baseline or queries is None:
            continue
        if queries != baseline[name]:
            misses.append(
                f"{name}: {queries} database queries per request, but {baseline[name]} in the "
                "baseline; the count must not depend on the amount of data."
            )
    return misses


def read_baseline(text: str) -> dict[str, int]:
    """Each page kind's query count from a CSV this module wrote (writes left out)."""
    counts: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["page"].startswith(WRITE_PREFIX):
            continue
        if row.get("queries") not in (None, ""):
            counts.setdefault(row["page"], int(row["queries"]))
    return counts


def to_csv(results: Sequence[Result]) -> str:
    """One row per page kind (or write) and number of users."""
    ratio = ratios(results)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        share = ratio[(r.page, r.users)]
        writer.writerow(
            {
                "page": r.page,
                "persona": r.persona,
                "users": r.users,
                "requests": r.requests,
                "failures": r.failures,
                "requests_per_s": f"{r.rps:.1f}",
                "ratio_to_minimal": _num(share, 3),
                "mix_requests": "" if r.mix_requests is None else r.mix_requests,
                "median_ms": _num(r.median_ms, 2),
                "p95_ms": _num(r.p95_ms, 2),
                "queries": "" if r.queries is None else r.queries,
                "queries_min": min(r.queries_seen) if r.queries_seen else "",
            }
        )
    return out.getvalue()


def _num(value: float | None, digits: int) -> str:
    """A number with fixed decimals, or nothing."""
    return "" if value is None else f"{value:.{digits}f}"


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table, grouped by number of users."""
    ratio = ratios(results)
    lines = [
        "| users | page | as | req/s | × minimal | n | p50 ms | p95 ms | queries | failed |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(results, key=lambda r: r.users):  # stable: keeps the pages' order
        share = ratio[(r.page, r.users)]
        lines.append(
            f"| {r.users} | {r.page} | {r.persona or '–'} | {r.rps:.1f} | "
            f"{_num(share, 2) or '–'} | {r.samples} | {_num(r.median_ms, 1) or '–'} | "
            f"{_num(r.p95_ms, 1) or '–'} | {_queries(r)} | {r.failures} |"
        )
    return "\n".join(lines) + "\n"


def _queries(r: Result) -> str:
    """The most queries an answer ran, and the range when they varied."""
    if r.queries is None:
        return "–"
    if len(r.queries_seen) > 1:
        return f"{r.queries} (varies {min(r.queries_seen)}–{max(r.queries_seen)})"
    return str(r.queries)


def sweep_section(sweep: Sweep, during: Sweep | None = None) -> str:
    """The reminder sweep's timings and what it sent, as Markdown."""
    lines = ["| task | seconds |", "|---|---:|"]
    lines += [f"| {name} | {secs:.2f} |" for name, secs in sweep.task_seconds.items()]
    lines.append(f"| **all** | **{sweep.seconds:.2f}** |")
    lines.append("")
    lines.append(
        f"Timed alone after the load. First sweep: {sweep.created} notifications created, "
        f"{sweep.emails} emails sent. Second sweep: {sweep.created_again} created, "
        f"{sweep.emails_again} emails sent; {sweep.sent_twice} notifications sent more than once."
    )
    if during is not None:
        lines.append("")
        if during.error:
            lines.append(f"During the load ({during.during} users): failed: {during.error}")
        else:
            lines.append(
                f"During the load ({during.during} users, in its own process): "
                f"{during.seconds:.2f} s; {during.created} outbox rows added while it ran (the "
                f"writer's among them), {during.emails} emails sent."
            )
    return "\n".join(lines) + "\n"


def targets_section(misses: Sequence[str], targets: dict | None = None) -> str:
    """The thresholds, and every one missed (or that all hold), as Markdown."""
    t = targets or TARGETS
    lines = [
        f"Judged at {t['at_users']} concurrent users: the public protocol page at least "
        f"{t['public_ratio']} × the minimal view's requests/s; every signed-in page kind at least "
        f"{t['authenticated_ratio']} × and a 95th percentile under "
        f"{t['authenticated_p95_ms']:.0f} ms; every kind of write a 95th percentile under "
        f"{t['write_p95_ms']:.0f} ms. Every page kind at most {t['max_queries']} queries per "
        "request (the most any answer ran, and the baseline's count, when given) and no failed "
        f"requests or writes; at least {t['min_samples']} answers of each page kind and each "
        f"kind of write, to judge by; the reminder sweep under {t['sweep_seconds']:.0f} s, "
        "sending each notification once.",
        "",
    ]
    if misses:
        lines.append(f"**{len(misses)} missed:**")
        lines.append("")
        lines += [f"- {m}" for m in misses]
    else:
        lines.append("**All targets met.**")
    return "\n".join(lines) + "\n"


def markdown(
    results: Sequence[Result],
    misses: Sequence[str],
    sweep: Sweep | None = None,
    heading: str = "",
    sweep_during: Sweep | None = None,
) -> str:
    """The whole report: what was run, the table, the sweep and the verdict."""
    parts = ["# Benchmark", ""]
    if heading:
        parts += [heading, ""]
    parts += ["## Pages and writes", "", table(results)]
    if sweep is not None:
        parts += ["## Reminder sweep", "", sweep_section(sweep, sweep_during)]
    parts += ["## Targets", "", targets_section(misses)]
    return "\n".join(parts)


def exit_code(misses: Sequence[str]) -> int:
    """1 when any target is missed, else 0."""
    return 1 if misses else 0
