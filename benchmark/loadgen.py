"""The load generator: Locust as a library, run by benchmark/run.py as its own process, once per
number of users.

It runs as a separate process because importing Locust monkeypatches the standard library with
gevent, which the orchestrator, a Django process, must never be. It is started by its file path
and imports nothing of the project; Locust is imported only inside the functions that drive it,
so that the pure parts (PersonaPool, summarise) are tested without it. It reads its plan as JSON
on standard input, prints progress on standard error and the results as one JSON line on
standard output.

Plan: {"host", "users", "rounds", "slice", "warmup", "minimal_path",
"personas": [{"name", "role", "cookie", "turn", "visits": [[kind, path], ...]}]}.

Each round measures, for `slice` seconds each after `warmup` seconds that are not counted, the
mix, the minimal view and each page kind alone, in an order reversed every other round. In the
mix every Locust user plays one persona at a time: it takes one from the pool, makes a turn of
visits of the persona's walk (continuing where the persona last stopped), puts it back at the end
of the pool and takes the next. No two users play the same persona at once while there are
enough of them, so each session is one person's, and over a run the load covers every persona's
pages and objects. A page kind alone is the same with every persona's walk cut down to that
kind and turns of one visit: the kind's own throughput, over all its people and objects.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter, defaultdict, deque
from http.cookiejar import Cookie
from urllib.parse import urlsplit

MINIMAL_PAGE = "minimal view"
MIX = "mix of pages"
QUERY_COUNT_HEADER = "X-Query-Count"


class PersonaPool:
    """The personas waiting to be played, and where each one's walk has got to."""

    def __init__(self, personas: list[dict]):
        """All personas free, in the plan's order."""
        self.personas = personas
        self.free: deque[int] = deque(range(len(personas)))
        self.cursor = [0] * len(personas)
        self.shared = 0  # how often a persona had to be played by two users at once

    def take(self) -> int:
        """The next free persona; with more users than personas, one already played, in turn."""
        if self.free:
            return self.free.popleft()
        self.shared += 1
        return self.shared % len(self.personas)

    def give_back(self, index: int) -> None:
        """The persona goes to the end of the queue."""
        if index not in self.free:
            self.free.append(index)

    def next_visit(self, index: int) -> tuple[str, str]:
        """The persona's next (page kind, path), going round its walk."""
        visits = self.personas[index]["visits"]
        visit = visits[self.cursor[index] % len(visits)]
        self.cursor[index] += 1
        return visit[0], visit[1]

    def reset(self) -> None:
        """Every persona free again (between measurements), in a rotated order so the next one
        does not start with the same people."""
        waiting = list(self.free) + [i for i in range(len(self.personas)) if i not in self.free]
        self.free = deque(waiting)


def session_cookie(cookie: str, host: str) -> Cookie:
    """The persona's session cookie ("name=value"), as the server would have set it."""
    name, _, value = cookie.partition("=")
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=urlsplit(host).hostname or "",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": None},
        rfc2109=False,
    )


def get(client, path: str, name: str) -> None:
    """Ask for a page; anything but 200 is a failure. Redirects are not followed: a page that
    sends the persona elsewhere (to sign in, to set up two-factor) is a failure, not a fast page."""
    with client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code} for {path}")


def walker(host: str, pool: PersonaPool):
    """A Locust user that plays the pool's personas in turn, as fast as it is answered."""
    from locust import FastHttpUser, constant, task

    class Walker(FastHttpUser):
        wait_time = constant(0)

        def on_start(self):
            """No persona yet: the first visit takes one."""
            self.persona = None
            self.left = 0

        def play(self, index: int) -> None:
            """Become this persona for one turn."""
            # A new person at the keyboard: their session only, in the user's cookie jar as in a
            # browser, so it travels with the cookies the pages set (the CSRF cookie).
            self.persona, self.left = index, pool.personas[index]["turn"]
            self.client.cookiejar.clear()
            cookie = pool.personas[index]["cookie"]
            if cookie:
                self.client.cookiejar.set_cookie(session_cookie(cookie, host))

        @task
        def visit(self):
            """The persona's next page; at the end of a turn, the next persona's."""
            if self.left <= 0:
                if self.persona is not None:
                    pool.give_back(self.persona)
                self.play(pool.take())
            self.left -= 1
            kind, path = pool.next_visit(self.persona)
            get(self.client, path, kind)

    Walker.host = host
    return Walker


def alone(personas: list[dict], kind: str) -> list[dict]:
    """The personas who have pages of this kind, each walking only those, one visit a turn."""
    return [
        {**p, "turn": 1, "visits": [v for v in p["visits"] if v[0] == kind]}
        for p in personas
        if any(v[0] == kind for v in p["visits"])
    ]


def minimal_user(host: str, path: str):
    """A Locust user that asks for the minimal view, not signed in, as fast as it is answered."""
    from locust import FastHttpUser, constant, task

    class MinimalUser(FastHttpUser):
        wait_time = constant(0)

        @task
        def visit(self):
            """The minimal view, once."""
            get(self.client, path, MINIMAL_PAGE)

    MinimalUser.host = host
    return MinimalUser


def measure(user_class, users: int, warmup: float, seconds: float) -> dict:
    """Run one user class: warm up, then record every answer for `seconds`, by request name."""
    import gevent
    from locust.env import Environment

    by_name: dict[str, dict] = defaultdict(
        lambda: {"samples": [], "errors": [], "queries": Counter()}
    )
    recording = False
    env = Environment(user_classes=[user_class])

    def on_request(name, response_time, exception, response=None, **kwargs):
        """Keep each answer's time, failure and query count while recording."""
        if not recording:
            return
        into = by_name[name]
        into["samples"].append(response_time)
        if exception is not None:
            into["errors"].append(str(exception))
        count = response.headers.get(QUERY_COUNT_HEADER) if response is not None else None
        if count is not None and count.isdigit():
            into["queries"][int(count)] += 1

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    # Every user at once: the warm-up covers their first connections.
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    recording = True
    started = time.perf_counter()
    gevent.sleep(seconds)
    recording = False
    elapsed = time.perf_counter() - started
    runner.quit()
    return {"by_name": by_name, "seconds": elapsed}


def percentile_95(samples: list[float]) -> float | None:
    """The 95th percentile (inclusive), or the one sample, or None."""
    if len(samples) >= 2:
        return statistics.quantiles(samples, n=100, method="inclusive")[94]
    return samples[0] if samples else None


def summarise(samples: list[float], errors: list[str], queries: Counter, seconds: float) -> dict:
    """Count, failures, median, mean and 95th percentile (ms), and the query counts seen."""
    return {
        "requests": len(samples),
        "failures": len(errors),
        "seconds": seconds,
        "median_ms": statistics.median(samples) if samples else None,
        "mean_ms": statistics.fmean(samples) if samples else None,
        "p95_ms": percentile_95(samples),
        "error": errors[0] if errors else "",
        "queries": max(queries) if queries else None,
        "queries_seen": sorted(queries),
    }


def pooled() -> dict:
    """An empty pot for the rounds of one measurement."""
    return {"samples": [], "errors": [], "queries": Counter(), "seconds": 0.0}


def pour(into: dict, run: dict, name: str) -> None:
    """Add one run's answers of `name` (and its seconds) to the pot."""
    found = run["by_name"].get(name)
    if found is not None:
        into["samples"] += found["samples"]
        into["errors"] += found["errors"]
        into["queries"] += found["queries"]
    into["seconds"] += run["seconds"]


def main() -> None:
    """Measure the mix, the minimal view and each page kind alone at one number of users; print
    the results."""
    plan = json.load(sys.stdin)
    # Load is only ever sent to this machine's own loopback server.
    if urlsplit(plan["host"]).hostname != "127.0.0.1":
        sys.exit(f"loadgen: refusing to load {plan['host']}: only 127.0.0.1 is a target.")
    host, users = plan["host"], plan["users"]
    kinds = list(dict.fromkeys(v[0] for p in plan["personas"] for v in p["visits"]))
    pools = {MIX: PersonaPool(plan["personas"])}
    pools.update({kind: PersonaPool(alone(plan["personas"], kind)) for kind in kinds})
    classes = {name: walker(host, pool) for name, pool in pools.items()}
    classes[MINIMAL_PAGE] = minimal_user(host, plan["minimal_path"])
    order = [MIX, MINIMAL_PAGE, *kinds]
    pots: dict[str, dict] = defaultdict(pooled)  # by measurement, and by page kind in the mix
    for round_number in range(plan["rounds"]):
        # Reverse the order every other round, so that slow drift of the machine's speed touches
        # every measurement alike.
        for name in order if round_number % 2 == 0 else order[::-1]:
            if name in pools:
                pools[name].reset()
            run = measure(classes[name], users, plan["warmup"], plan["slice"])
            if name == MIX:
                for kind in kinds:
                    pour(pots[f"{MIX}:{kind}"], run, kind)
            else:
                pour(pots[name], run, name)
            total = sum(len(v["samples"]) for v in run["by_name"].values())
            print(
                f"  {users:>3} users  {name:<22} round {round_number + 1}: "
                f"{total / run['seconds']:8.0f} req/s",
                file=sys.stderr,
                flush=True,
            )
    results = {
        "users": users,
        "minimal": summarise(**pots[MINIMAL_PAGE]),
        "alone": {kind: summarise(**pots[kind]) for kind in kinds},
        "mix": {kind: summarise(**pots[f"{MIX}:{kind}"]) for kind in kinds},
        "shared": {name: pool.shared for name, pool in pools.items() if pool.shared},
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
