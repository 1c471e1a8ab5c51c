"""The load generator: Locust as a library, run by council/benchmark/run.py as its own process.

It runs as a separate process because importing Locust monkeypatches the standard library with
gevent, which the orchestrator, a Django process, must never be. It is started by its file path
and imports nothing of the project. It reads its plan as JSON on standard input, prints progress
on standard error and the results as one JSON line on standard output.

Plan: {"host", "levels": [users...], "pages": [{"name", "path", "cookie", "first_visit"}],
"rounds", "slice", "warmup"}. A first_visit page is asked for with a query string that no earlier
request had, so that the server has nothing kept for it (council.pagecache) and renders it.
For each level, each page is measured `rounds` times for `slice` seconds after `warmup` seconds
that are not counted; the rounds of a page are pooled.
"""

import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from http.cookiejar import Cookie
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment


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


def user_class(
    host: str, name: str, path: str, cookie: str, first_visit: bool = False
) -> type[FastHttpUser]:
    """A Locust user that asks for one page as fast as it is answered."""

    class PageUser(FastHttpUser):
        wait_time = constant(0)
        visits = 0

        def on_start(self):
            # The session goes in the user's cookie jar, as in a browser, so it travels with the
            # cookies the pages set (the CSRF cookie) and each user keeps its own.
            if cookie:
                self.client.cookiejar.set_cookie(session_cookie(cookie, host))

        @task
        def get(self):
            url = path
            if first_visit:
                self.visits += 1
                url = f"{path}?visit={id(self)}-{self.visits}"
            # Redirects are not followed: a page that sends the persona elsewhere (to sign in, to
            # set up two-factor) is a failure, not a fast page.
            with self.client.get(
                url, name=name, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")

    PageUser.host = host
    return PageUser


def measure(host: str, page: dict, users: int, warmup: float, seconds: float) -> dict:
    """Run one page at one level: warm up, then record every answer for `seconds`."""
    samples: list[float] = []
    errors: list[str] = []
    queries: Counter[int] = Counter()
    recording = False

    env = Environment(
        user_classes=[
            user_class(
                host,
                page["name"],
                page["path"],
                page.get("cookie", ""),
                page.get("first_visit", False),
            )
        ]
    )

    def on_request(response_time, exception, response=None, **kwargs):
        if not recording:
            return
        samples.append(response_time)
        if exception is not None:
            errors.append(str(exception))
        count = response.headers.get("X-Query-Count") if response is not None else None
        if count is not None and count.isdigit():
            queries[int(count)] += 1

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
    return {"samples": samples, "errors": errors, "queries": queries, "seconds": elapsed}


def summarise(samples: list[float], errors: list[str], queries: Counter, seconds: float) -> dict:
    """Count, failures, median and 95th percentile (ms) and usual query count of the answers."""
    median = statistics.median(samples) if samples else None
    if len(samples) >= 2:
        p95 = statistics.quantiles(samples, n=100, method="inclusive")[94]
    else:
        p95 = samples[0] if samples else None
    return {
        "requests": len(samples),
        "failures": len(errors),
        "seconds": seconds,
        "median_ms": median,
        "p95_ms": p95,
        "error": errors[0] if errors else "",
        # The count most answers had: a process's first answer may differ (its caches are cold).
        "queries": queries.most_common(1)[0][0] if queries else None,
        "queries_seen": sorted(queries),
    }


def main() -> None:
    plan = json.load(sys.stdin)
    # Load is only ever sent to this machine's own loopback server.
    if urlsplit(plan["host"]).hostname != "127.0.0.1":
        sys.exit(f"loadgen: refusing to load {plan['host']}: only 127.0.0.1 is a target.")
    pooled: dict[tuple[str, int], dict] = defaultdict(
        lambda: {"samples": [], "errors": [], "queries": Counter(), "seconds": 0.0}
    )
    results = []
    for users in plan["levels"]:
        for round_number in range(plan["rounds"]):
            # Alternate the order each round, so that every page sits on average at the same place
            # in the level and slow drift of the machine's speed touches them all alike.
            pages = plan["pages"] if round_number % 2 == 0 else plan["pages"][::-1]
            for page in pages:
                run = measure(plan["host"], page, users, plan["warmup"], plan["slice"])
                into = pooled[(page["name"], users)]
                into["samples"] += run["samples"]
                into["errors"] += run["errors"]
                into["queries"] += run["queries"]
                into["seconds"] += run["seconds"]
                print(
                    f"  {users:>3} users  {page['name']:<28} round {round_number + 1}: "
                    f"{len(run['samples']) / run['seconds']:8.0f} req/s",
                    file=sys.stderr,
                    flush=True,
                )
        for page in plan["pages"]:
            into = pooled[(page["name"], users)]
            results.append({"page": page["name"], "users": users, **summarise(**into)})
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
