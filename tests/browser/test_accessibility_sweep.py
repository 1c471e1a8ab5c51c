"""Every kind of page, in Chromium, against axe-core's WCAG 2.2 AA rules and the Nu HTML Checker.

A test a role, so that the roles run side by side across the cores, each on its own copy of the
demo: the public pages; then, signed in as each role, every GET page of the permission matrix
that the role may see, built from the matrix's own rows and objects; pages with nothing in them
(Cwm Dulais, which has nothing yet, and lists filtered to nothing); the error pages; and each form
page once more, submitted with no answers so that it shows its errors (by the first role in the
sweep's order that sees it, so each form is tried once). axe-core runs on each page as the browser
shows it. The HTML of a role's pages is kept and validated at the end in one run of the Nu HTML
Checker (vnu.jar, from the npm package vnu-jar that script/test installs), which takes a few
seconds to start. Every problem is listed, with its page, before the test fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from council.demo import DEMO_PASSWORD, PEOPLE
from tests.cross.test_permission_matrix import EXTRA, MATRIX, make_matrix_data

from .conftest import TIMEOUT_MS
from .test_foundation_journeys import fresh_totp_code, sign_in

pytestmark = pytest.mark.browser

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core has no 2.2 level A rules of its own).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The roles swept after the public, in the order in which they claim the forms to submit empty:
# the clerk, who sees nearly every form, last, so that the others' forms are tried as theirs.
ROLES = ["chair", "councillor", "officer", "personnel", "former", "clerk"]
# Answers that are not HTML pages (others, such as released documents, are found as they come).
NOT_PAGES = {"healthz", "council:document_download"}

# Pages outside the matrix: allauth's, and pages that show nothing or an error.
PUBLIC_EXTRA = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/signup/",  # closed: the page says so
    "/cwm-dulais/protocol/",  # a council with no protocol yet
    "/cwm-dulais/protocol/versions/",
    "/cwm-dulais/news/",
]
ACCOUNT_PAGES = {
    "councillor": ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"],
    "clerk": ["/accounts/2fa/", "/accounts/2fa/totp/deactivate/"],
}
FILTERED = {
    # Lists filtered to nothing, and a filter with a bad date (the queue says so).
    "clerk": [
        "/little-wickham/requests/queue/?status=withdrawn&due_by=2000-01-03",
        "/little-wickham/requests/queue/?due_by=not-a-date",
        "/little-wickham/concerns/queue/?stage=appeal",
    ],
}
NOT_FOUND = "/no-such-council/protocol/"  # public, so the same 404 for everyone

# The form a page is for: posted to the page's own address, with a field to fill in.
PAGE_FORM = """[...document.querySelectorAll("main form")].find(form =>
    form.method === "post" && form.action === location.href.split("#")[0]
    && [...form.elements].some(e => e.name && !["hidden", "submit", "button"].includes(e.type)))"""
FIND_FORM = f"() => {PAGE_FORM} !== undefined"
# Submits that form with no answers: only its CSRF token (disabled fields are not sent).
SUBMIT_EMPTY = f"""() => {{
    const form = {PAGE_FORM};
    for (const element of form.elements) {{
        if (element.name !== "csrfmiddlewaretoken") element.disabled = true;
    }}
    form.submit();
}}"""


@dataclass
class Sweep:
    base: str
    folder: Path
    problems: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # saved file → "role URL"
    pages: Counter = field(default_factory=Counter)  # role → pages checked
    form_pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # URL → (role, label)
    submitted: list[str] = field(default_factory=list)  # form pages that showed no errors

    def visit(
        self,
        page,
        who: str,
        path: str,
        status: int | tuple[int, ...] = 200,
        label: str = "",
        forms: bool = True,
    ) -> None:
        statuses = status if isinstance(status, tuple) else (status,)
        label = label or path
        try:
            response = page.goto(self.base + path)
        except PlaywrightError as error:
            if "Download is starting" in error.message:  # a document, not a page
                return
            raise
        if response is None or response.status not in statuses:
            got = response.status if response else "no response"
            self.problems.append(f"{who} GET {label}: answered {got}, expected {status}")
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return  # e.g. /healthz's JSON
        self.check(page, who, f"GET {label}", response.body())
        if forms and response.status == 200 and page.evaluate(FIND_FORM):
            self.form_pages.setdefault(page.url, (who, label))

    def submit_empty(self, page, who: str, url: str, label: str) -> None:
        page.goto(url)
        with page.expect_navigation() as navigation:
            page.evaluate(SUBMIT_EMPTY)
        response = navigation.value
        if response is None or response.status != 200:
            got = response.status if response else "no response"
            self.problems.append(f"{who} POST {label} with no answers: answered {got}")
            return
        if page.url.split("#")[0] != url or not page.locator(".error-summary").count():
            self.submitted.append(f"{who} POST {label} → {page.url}")
        self.check(page, who, f"POST {label} (no answers)", response.body())

    def check(self, page, who: str, label: str, html: bytes) -> None:
        self.pages[who] += 1
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        for violation in results["violations"]:
            where = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            self.problems.append(
                f"{who} {label}: axe {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {where}"
            )
        if not page.locator("footer a[href='/accessibility/']").count():
            self.problems.append(f"{who} {label}: no link to the accessibility statement")
        name = f"page-{len(self.files):03}.html"
        (self.folder / name).write_bytes(html)
        self.files[name] = f"{who} {label}"

    def validate_html(self) -> None:
        """All the pages' HTML through the Nu HTML Checker, in one run."""
        java = shutil.which("java")
        if java is None or not VNU_JAR.exists():
            self.problems.append(
                f"Nu HTML Checker: needs java ({java}) and {VNU_JAR} (script/test installs both)"
            )
            return
        names = sorted(self.files)
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *names],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        # The report goes to standard error; the exit status is 1 when there are errors.
        report = json.loads(run.stderr)
        for message in report["messages"]:
            page = self.files.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
            self.problems.append(
                f"{page}: Nu HTML Checker {message['type']} at line {message.get('lastLine')}: "
                f"{message['message']} [{message.get('extract', '').strip()}]"
            )


def sign_in_as(sweep: Sweep, page, who: str) -> None:
    """Sign in with the password and, where the portal asks for it, the two-factor code (the
    demo's one authenticator secret), checking the two-factor page on the way."""
    sign_in(page, sweep.base, PEOPLE[who][0], DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    if "/accounts/2fa/authenticate/" in page.url:
        sweep.visit(page, who, "/accounts/2fa/authenticate/", forms=False)  # a sign-in stage
        page.get_by_label("Code", exact=True).fill(fresh_totp_code())
        page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/2fa/"))


def matrix_pages(cast, who: str) -> list[tuple[str, str]]:
    """(URL, name) of every GET page in the permission matrix that this role may see."""
    pages = {}
    for name, row in [*MATRIX.items(), *EXTRA]:
        if row.method == "get" and row.answers[who] == 200 and name not in NOT_PAGES:
            pages.setdefault(reverse(name, kwargs=row.kwargs(cast)), name)
    return list(pages.items())


def empty_council_pages(cast, who: str) -> list[str]:
    """The same role's pages of the other council, Cwm Dulais, which has nothing in it yet:
    those of the matrix's pages that need nothing but the council."""
    pages = []
    for name, row in MATRIX.items():
        kwargs = row.kwargs(cast)
        if (
            row.method == "get"
            and row.answers[who] == 200
            and set(kwargs) == {"council_slug"}
            and name not in NOT_PAGES
        ):
            pages.append(reverse(name, kwargs={"council_slug": cast.other.slug}))
    return pages


def role_paths(cast, who: str) -> list[tuple[str, int | tuple[int, ...], str]]:
    """(path, expected status, label) of every page the sweep visits as this role, in order."""
    if who == "anonymous":
        # The public: the matrix's public pages, sign-in and its neighbours, an empty council,
        # the statement, and the page for an address that does not exist.
        return [
            *((path, 200, f"{path} ({name})") for path, name in matrix_pages(cast, who)),
            *((path, 200, path) for path in PUBLIC_EXTRA),
            (NOT_FOUND, 404, NOT_FOUND),
        ]
    paths = [(path, 200, f"{path} ({name})") for path, name in matrix_pages(cast, who)]
    paths += [(path, 200, path) for path in ACCOUNT_PAGES.get(who, []) + FILTERED.get(who, [])]
    if who == "clerk":
        # A page about the adopted protocol is not there (404) until there is one.
        paths += [(path, (200, 404), path) for path in empty_council_pages(cast, who)]
    if who == "councillor":  # a page the role may not see, and one that is not there
        people = reverse("council:people", args=[cast.council.slug])
        paths += [(people, 403, people), (NOT_FOUND, 404, NOT_FOUND)]
    return paths


def first_seen_by(cast) -> dict[str, str]:
    """path → the first role (in the sweep's order) that visits it: that role submits the page's
    form with no answers, so that each form is tried once however many roles see it."""
    owners: dict[str, str] = {}
    for who in ["anonymous", *ROLES]:
        for path, _status, _label in role_paths(cast, who):
            owners.setdefault(path, who)
    return owners


# The longest first (the clerk sees nearly every page), so that the cores finish together.
@pytest.mark.parametrize(
    "who", ["clerk", "officer", "councillor", "chair", "personnel", "anonymous", "former"]
)
def test_every_kind_of_page_passes_axe_and_the_nu_html_checker(
    who, live_cast, live_server, browser, tmp_path
):
    """One role's sweep (a test a role, so that the roles run side by side across the cores):
    each page it may see, then each form on them that no earlier role tried, with no answers."""
    cast = make_matrix_data(live_cast)
    sweep = Sweep(base=live_server.url, folder=tmp_path)
    mine = {path for path, owner in first_seen_by(cast).items() if owner == who}
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(script=AXE_SCRIPT)  # axe-core on every page, injected once
    try:
        page = context.new_page()
        if who != "anonymous":
            sign_in_as(sweep, page, who)
        for path, status, label in role_paths(cast, who):
            sweep.visit(page, who, path, status=status, label=label, forms=path in mine)
        for url, (_who, label) in sweep.form_pages.items():
            sweep.submit_empty(page, who, url, label)
    finally:
        context.close()

    sweep.validate_html()
    print(f"\nAccessibility sweep as {who}: {len(sweep.files)} pages,")
    print(f"of which {len(sweep.form_pages)} form pages submitted with no answers")
    for line in sweep.submitted:
        print(f"  form showed no error summary: {line}")
    assert not sweep.problems, f"{len(sweep.problems)} problem(s):\n" + "\n".join(sweep.problems)
