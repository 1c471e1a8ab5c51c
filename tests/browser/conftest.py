"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's
live server, with axe-core checking each page that matters for accessibility.

The live server runs in a thread of this process and needs a transactional database, so the
cast is built here after `transactional_db` (the `cast` fixture of tests/conftest.py uses `db`,
whose data the server thread could not see).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright

from council.demo import Cast, build_demo

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

_axe = Axe()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_cast(transactional_db, live_server) -> Cast:
    """The demo's councils and people, visible to the live server's thread."""
    # The cache lives in the database and a transactional test does not roll it back: forget
    # earlier tests' sign-in rate limits and used two-factor codes.
    cache.clear()
    return build_demo()


def assert_accessible(page) -> None:
    """Fail listing every serious or critical axe-core violation on the page as it is now."""
    results = _axe.run(page)
    problems = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]
    if problems:
        lines = [f"axe found {len(problems)} serious/critical violation(s) on {page.url}:"]
        for violation in problems:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"    at {node['target']}: {node.get('failureSummary', '')}")
        pytest.fail("\n".join(lines), pytrace=False)
