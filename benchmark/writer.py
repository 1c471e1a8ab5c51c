"""The writer: people changing things while others read, through the real services, at a steady
rate, in a process of its own with its own database connection (`python -m benchmark.writer`,
started by run.py for each number of users).

In turn: a councillor submits an information request
(correspondence.requests.services.request_submit), a handler adds a note for the person who raised
an open concern (concerns.services.concern_add_note), and the Proper Officer decides the oldest
request the writer submitted (correspondence.requests.services.request_decide), going round the
measured councils. Each write is timed with what its view would do besides the form (the person's
standing), and its queries counted.

The notices the writes make go to the broker as in production, where a worker sends them: here
the in-memory broker, which nothing reads, so the time is the hand-over, not the sending. It
warms up with one untimed round; when it stops it decides, untimed, the requests it left open,
so that the queues stay as generated.

Protocol: one JSON line on standard input, {"rate": writes per second, "councils": [ids]}; "ready"
on standard output once set up; it writes until standard input closes, then prints the results as
one JSON line: {"seconds", "writes": {name: {"samples": [ms], "errors": [...], "queries": [...]}}}.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable

SUBMIT = "write: submit request"
NOTE = "write: add concern note"
DECIDE = "write: decide request"
WRITES = [SUBMIT, NOTE, DECIDE]


class Pacer:
    """Paces work at a steady rate: slot n is due at start + n / rate. A late slot is taken at
    once, but the slots missed while a write overran are dropped rather than made up in a burst:
    a slow moment must not turn into a crowd of writes."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ):
        """`rate` writes per second, on the given clock; `sleep` waits (and may return early)."""
        if rate <= 0:
            raise ValueError("The rate must be positive.")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self.due: float | None = None

    def wait(self) -> None:
        """Wait for the next slot, then book the one after it."""
        now = self.clock()
        due = now if self.due is None else self.due
        if due > now:
            self.sleep(due - now)
        self.due = max(due, now) + self.interval


class Writes:
    """The writes of the measured councils, one after another, each timed."""

    def __init__(self, council_ids: list[int]):
        """Find in each council its Proper Officer, councillors, a document to ask for and the
        open concerns that have a handler."""
        from concerns.models import Concern
        from council import policy
        from council.models import Council, Document, Role

        self.councils = []
        for council in Council.objects.filter(pk__in=council_ids).order_by("pk"):
            clerk = policy.proper_officer_for(council)
            councillors = [
                r.user
                for r in Role.objects.current()
                .filter(council=council, kind=Role.Kind.COUNCILLOR)
                .select_related("user")
                .order_by("user_id")
            ]
            documents = list(
                Document.objects.filter(
                    council=council,
                    classification__in=[
                        Document.Classification.PUBLIC,
                        Document.Classification.COMMITTEE,
                    ],
                ).order_by("pk")
            )
            concerns = list(
                Concern.objects.filter(council=council, handler__isnull=False)
                .exclude(stage__in=[Concern.Stage.CLOSED])
                .order_by("pk")
            )
            if clerk is None or not councillors or not documents:
                continue
            self.councils.append((council, clerk, councillors, documents, concerns))
        if not self.councils:
            raise SystemExit("writer: no measured council has a clerk, councillors and documents.")
        self.turn = 0
        self.open: deque = deque()  # requests submitted and not yet decided, oldest first

    def next(self) -> tuple[str, Callable[[], object]] | None:
        """The next write, as (name, a function that does it); None when it has nothing to do."""
        name = WRITES[self.turn % len(WRITES)]
        council, clerk, councillors, documents, concerns = self.councils[
            (self.turn // len(WRITES)) % len(self.councils)
        ]
        n = self.turn
        self.turn += 1
        if name == SUBMIT:
            return name, lambda: self.submit(
                council, councillors[n % len(councillors)], documents, n
            )
        if name == NOTE:
            open_concerns = [c for c in concerns if c.is_open]
            if not open_concerns:
                return None
            return name, lambda: self.note(open_concerns[n % len(open_concerns)], n)
        if not self.open:
            return None
        return name, self.decide

    def submit(self, council, councillor, documents, n: int):
        """A councillor asks for a document."""
        from correspondence.requests import services
        from council import policy

        standing = policy.standing_for(councillor, council)
        info_request = services.request_submit(
            standing=standing,
            documents=[documents[n % len(documents)]],
            summary=f"Papers for the next meeting ({n})",
            information="",
            purpose="To prepare for the meeting.",
            justification="",
        )
        self.open.append(info_request)

    def note(self, concern, n: int):
        """The handler records a conversation, for the person who raised the concern to read."""
        from concerns import services
        from concerns.models import ConcernEvent
        from council import policy

        policy.standing_for(concern.handler, concern.council)
        services.concern_add_note(
            concern=concern,
            kind=ConcernEvent.Kind.CONVERSATION,
            audience=ConcernEvent.Audience.RAISER,
            text=f"Spoke with both of them; next steps agreed ({n}).",
            acting_user=concern.handler,
        )

    def decide(self):
        """The Proper Officer grants the oldest open request the writer made."""
        from correspondence.models import InformationRequest
        from correspondence.requests import services
        from council import policy

        info_request = self.open.popleft()
        clerk = policy.proper_officer_for(info_request.council)
        policy.standing_for(clerk, info_request.council)
        services.request_decide(
            info_request=info_request,
            outcome=InformationRequest.Status.GRANTED,
            reasons="The councillor needs the papers for the meeting.",
            acting_user=clerk,
        )

    def warm_up(self) -> None:
        """One round of the writes, untimed: a process's first write loads code, templates and
        the bank holidays, as a server's first request does, and is no person's wait."""
        for _ in WRITES:
            write = self.next()
            if write is not None:
                write[1]()
        self.turn = 0

    def finish(self) -> None:
        """Decide, untimed, every request still open, so the queues stay as generated."""
        while self.open:
            self.decide()


def timed(work: Callable[[], object]) -> tuple[float, int]:
    """Run the work; its time in milliseconds and the database queries it ran."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        """Count the statement, then run it."""
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        work()
    return (time.perf_counter() - started) * 1000, count


def run(writes: Writes, pacer: Pacer, stop: threading.Event) -> dict:
    """Write at the pacer's rate until `stop` is set; every write's time, error and queries."""
    results = {name: {"samples": [], "errors": [], "queries": []} for name in WRITES}
    started = time.perf_counter()
    while True:
        pacer.wait()
        if stop.is_set():
            break
        write = writes.next()
        if write is None:
            continue
        name, work = write
        into = results[name]
        try:
            ms, queries = timed(work)
        except Exception as exc:  # a failed write is reported, and the writer goes on
            into["errors"].append(f"{type(exc).__name__}: {exc}")
            continue
        into["samples"].append(ms)
        into["queries"].append(queries)
    return {"seconds": time.perf_counter() - started, "writes": results}


def main() -> None:
    """Read the plan, write until standard input closes, print the results."""
    plan = json.loads(sys.stdin.readline())
    import django

    django.setup()
    from council.celery import app

    # Notices go to the broker as in production (the in-memory one: nothing reads it), not sent
    # in-process as they are with no REDIS_URL.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://localhost/"

    writes = Writes(plan["councils"])
    writes.warm_up()
    stop = threading.Event()

    def watch_stdin():
        """Stop the writer when the orchestrator closes standard input."""
        sys.stdin.read()  # returns when the orchestrator closes it
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    pacer = Pacer(plan["rate"], sleep=stop.wait)
    print("ready", flush=True)
    results = run(writes, pacer, stop)
    writes.finish()
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
