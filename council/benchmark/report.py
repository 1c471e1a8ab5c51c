"""The benchmark's arithmetic and its verdict: ratios to the minimal view, the targets, the
Markdown table, the CSV, the baseline comparison and the exit code.

Pure logic on plain values, with no Django and no Locust, so that it is tested without a server.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The name of the yardstick: a view that returns "ok" and touches no database. Absolute figures
# vary by up to half between runs on these shared machines (NOTES.md); ratios measured in the same
# run on the same server hold.
MINIMAL_PAGE = "minimal view"

# Every threshold of issue 7, in one place. Throughput and latency are judged at one level.
TARGETS = {
    "at_users": 16,  # the throughput and latency targets are judged at this many users
    "public_ratio": 0.6,  # public protocol page: at least this share of the minimal view's req/s
    "authenticated_ratio": 0.3,  # every signed-in page: at least this share
    "authenticated_p95_ms": 150.0,  # every signed-in page: 95th percentile below this
    "max_queries": 15,  # database queries per request, every page
    "max_failed_requests": 0,  # a page that errors is fast for the wrong reason
    "sweep_seconds": 60.0,  # the daily reminder sweep over every council
}

CSV_FIELDS = [
    "page",
    "persona",
    "users",
    "requests",
    "failures",
    "requests_per_s",
    "ratio_to_minimal",
    "median_ms",
    "p95_ms",
    "queries",
]


@dataclass(frozen=True)
class Result:
    """One page measured at one number of concurrent users."""

    page: str
    users: int
    requests: int
    failures: int
    seconds: float
    median_ms: float | None
    p95_ms: float | None
    queries: int | None
    public: bool = False
    persona: str = ""
    error: str = ""  # the first failure's message, if any
    queries_seen: tuple[int, ...] = ()  # every count seen under load, when more than `queries`
    # Every request a first visit, so nothing kept from an earlier one (council.pagecache):
    # reported beside the page, and judged on its queries only.
    first_visit: bool = False

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Sweep:
    """The reminder sweep: every beat task once, timed, then all of them again."""

    seconds: float
    task_seconds: dict[str, float] = field(default_factory=dict)
    created: int = 0  # outbox rows the first sweep created
    emails: int = 0  # emails the first sweep sent
    created_again: int = 0  # rows the second sweep created: must be none
    emails_again: int = 0  # emails the second sweep sent (rows still pending may go now)
    sent_twice: int = 0  # emails beyond one per outbox row: must be none


def ratios(results: Iterable[Result]) -> dict[tuple[str, int], float | None]:
    """Each result's throughput over the minimal view's at the same level (None if unmeasured)."""
    results = list(results)
    minimal = {r.users: r.rps for r in results if r.page == MINIMAL_PAGE}
    out: dict[tuple[str, int], float | None] = {}
    for r in results:
        base = minimal.get(r.users)
        out[(r.page, r.users)] = r.rps / base if base else None
    return out


def evaluate(
    results: Sequence[Result],
    sweep: Sweep | None = None,
    baseline: dict[str, int] | None = None,
    targets: dict | None = None,
) -> list[str]:
    """Every target missed, each as a sentence saying what and by how much; empty if none."""
    t = targets or TARGETS
    at = t["at_users"]
    misses: list[str] = []
    ratio = ratios(results)
    pages = [r for r in results if r.page != MINIMAL_PAGE]

    for r in results:
        if r.failures > t["max_failed_requests"]:
            detail = f" (first: {r.error})" if r.error else ""
            misses.append(
                f"{r.page} at {r.users} users: {r.failures} of {r.requests} requests "
                f"failed{detail}."
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
            if r.users != at or r.first_visit:
                continue
            share = ratio[(r.page, r.users)] or 0.0
            needed = t["public_ratio"] if r.public else t["authenticated_ratio"]
            if share < needed:
                misses.append(
                    f"{r.page} at {at} users: {r.rps:.0f} requests/s is {share:.3f} of the minimal "
                    f"view's {minimal_at[0].rps:.0f}; the target is at least {needed:.2f}."
                )
            if not r.public and (r.p95_ms is None or r.p95_ms >= t["authenticated_p95_ms"]):
                shown = "unmeasured" if r.p95_ms is None else f"{r.p95_ms:.0f} ms"
                misses.append(
                    f"{r.page} at {at} users: 95th-percentile latency {shown}; the target is "
                    f"under {t['authenticated_p95_ms']:.0f} ms."
                )

    if baseline is not None:
        misses.extend(compare_baseline(results, baseline))

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
    return misses


def _queries_by_page(results: Iterable[Result]) -> dict[str, int | None]:
    """One query count per page, the highest of its levels, in the order the pages were run."""
    counts: dict[str, int | None] = {}
    for r in results:
        known = counts.get(r.page)
        counts[r.page] = r.queries if known is None else max(known, r.queries or 0)
    return counts


def compare_baseline(results: Sequence[Result], baseline: dict[str, int]) -> list[str]:
    """Misses for pages whose query count differs from an earlier run's (pages it had)."""
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
    """Each page's query count from a CSV this module wrote."""
    counts: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("queries") not in (None, ""):
            counts.setdefault(row["page"], int(row["queries"]))
    return counts


def to_csv(results: Sequence[Result]) -> str:
    """One row per page and number of users."""
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
                "ratio_to_minimal": "" if share is None else f"{share:.3f}",
                "median_ms": _num(r.median_ms, 2),
                "p95_ms": _num(r.p95_ms, 2),
                "queries": "" if r.queries is None else r.queries,
            }
        )
    return out.getvalue()


def _num(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table, grouped by number of users."""
    ratio = ratios(results)
    lines = [
        "| users | page | as | req/s | × minimal | median ms | p95 ms | queries | failed |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(results, key=lambda r: r.users):  # stable: keeps the pages' order
        share = ratio[(r.page, r.users)]
        lines.append(
            f"| {r.users} | {r.page} | {r.persona or '–'} | {r.rps:.0f} | "
            f"{'–' if share is None else f'{share:.2f}'} | {_num(r.median_ms, 1) or '–'} | "
            f"{_num(r.p95_ms, 1) or '–'} | {_queries(r)} | "
            f"{r.failures} |"
        )
    return "\n".join(lines) + "\n"


def _queries(r: Result) -> str:
    """The usual query count, and the range when some answers differed (a cold cache)."""
    if r.queries is None:
        return "–"
    if len(r.queries_seen) > 1:
        return f"{r.queries} ({min(r.queries_seen)}–{max(r.queries_seen)})"
    return str(r.queries)


def sweep_section(sweep: Sweep) -> str:
    """The reminder sweep's timings and what it sent, as Markdown."""
    lines = ["| task | seconds |", "|---|---:|"]
    lines += [f"| {name} | {secs:.2f} |" for name, secs in sweep.task_seconds.items()]
    lines.append(f"| **all** | **{sweep.seconds:.2f}** |")
    lines.append("")
    lines.append(
        f"First sweep: {sweep.created} notifications created, {sweep.emails} emails sent. "
        f"Second sweep: {sweep.created_again} created, {sweep.emails_again} emails sent; "
        f"{sweep.sent_twice} notifications sent more than once."
    )
    return "\n".join(lines) + "\n"


def targets_section(misses: Sequence[str], targets: dict | None = None) -> str:
    """The thresholds, and every one missed (or that all hold), as Markdown."""
    t = targets or TARGETS
    lines = [
        f"Judged at {t['at_users']} concurrent users: the public protocol page at least "
        f"{t['public_ratio']} × the minimal view's requests/s; every signed-in page at least "
        f"{t['authenticated_ratio']} × and a 95th percentile under {t['authenticated_p95_ms']:.0f}"
        f" ms. Every page at most {t['max_queries']} queries per request (and the baseline's "
        f"count, when given) and no failed requests; the reminder sweep under "
        f"{t['sweep_seconds']:.0f} s, sending each notification once. A signed-in page's first "
        "visits (nothing kept for them yet) are shown beside it and judged on their queries.",
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
) -> str:
    """The whole report: what was run, the table, the sweep and the verdict."""
    parts = ["# Benchmark", ""]
    if heading:
        parts += [heading, ""]
    parts += ["## Pages", "", table(results)]
    if sweep is not None:
        parts += ["## Reminder sweep", "", sweep_section(sweep)]
    parts += ["## Targets", "", targets_section(misses)]
    return "\n".join(parts)


def exit_code(misses: Sequence[str]) -> int:
    """1 when any target is missed, else 0."""
    return 1 if misses else 0
