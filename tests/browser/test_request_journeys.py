"""Councillors' information requests in a real browser: a request where need to know is presumed,
granted by the clerk and opened after the purpose is confirmed; a request the clerk refuses; and
the form's errors. axe-core checks each page on the way."""

import re

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from correspondence.models import DocumentAccess, InformationRequest
from council.demo import DEMO_PASSWORD, PEOPLE
from council.lib.working_days import add_working_days

from .conftest import TIMEOUT_MS, assert_accessible
from .test_foundation_journeys import fresh_totp_code, sign_in, sign_in_person

pytestmark = pytest.mark.browser

REQUESTS = "/little-wickham/requests/"
SCHEDULE = "Planning applications schedule"
LEGAL_ADVICE = "Legal advice on the boundary dispute"
CONFIRM_PURPOSE = "I will use this information only for my duties as a councillor"


@pytest.fixture
def clerk_page(browser):
    """A second browser, so the clerk and the councillor stay signed in side by side."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in_councillor(page, base_url: str) -> None:
    sign_in_person(page, base_url, "councillor")
    expect(page).to_have_url(base_url + "/little-wickham/")


def sign_in_clerk(page, base_url: str) -> None:
    sign_in(page, base_url, PEOPLE["clerk"][0], DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Code", exact=True).fill(fresh_totp_code())
    page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your councils")


def document_choice(page, title: str):
    """A document's checkbox on the request form; its label ends with the route it would take."""
    return page.get_by_role("group", name="Documents from the register").get_by_label(
        re.compile(rf"^{re.escape(title)} \(")
    )


def ask_for(page, title: str, summary: str, purpose: str) -> None:
    """Fill in and send the request form, which is open on the page."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for documents or information")
    document_choice(page, title).check()
    page.get_by_label("What you are asking for, in a line").fill(summary)
    page.get_by_label("What you need it for").fill(purpose)
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(summary)


def summary_row(page, term: str):
    return page.locator(".summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{re.escape(term)}$"))
    )


def test_request_form_without_answers_shows_the_errors(live_cast, live_server, page):
    sign_in_councillor(page, live_server.url)

    page.goto(live_server.url + REQUESTS + "new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for documents or information")
    assert_accessible(page)

    page.get_by_role("button", name="Send request").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Ask for documents or information"))
    for message in ("Enter what you are asking for, in a line", "Enter what you need it for"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    summary.get_by_role("link", name="Enter what you need it for").click()
    expect(page.get_by_label("What you need it for")).to_be_focused()
    assert_accessible(page)

    assert not InformationRequest.objects.exists()


def test_presumed_request_is_granted_and_the_councillor_opens_the_document(
    live_cast, live_server, page, clerk_page
):
    base = live_server.url
    summary = "The planning applications for the next meeting"
    council = live_cast.council
    due = add_working_days(timezone.localdate(), council.response_working_days, council.nation).due
    due_text = date_format(due, "l j F Y")

    # The councillor asks; the form says the presumption applies to the committee's schedule.
    sign_in_councillor(page, base)
    page.goto(base + REQUESTS + "new/")
    expect(document_choice(page, SCHEDULE)).to_be_visible()
    hint = page.get_by_text(re.compile(rf"^{SCHEDULE} \(.*need to know presumed"))
    expect(hint).to_be_visible()
    assert_accessible(page)
    ask_for(page, SCHEDULE, summary, "To prepare for the planning committee's meeting.")

    expect(page.get_by_role("status")).to_contain_text(
        f"You will have a decision by {due:%A %-d %B %Y}."
    )
    expect(summary_row(page, "Who decides")).to_contain_text("Need to know is presumed.")
    expect(summary_row(page, "Due by")).to_have_text(re.compile(rf"Due by\s*{due_text}"))
    expect(summary_row(page, "State")).to_contain_text("Waiting for a decision")
    assert_accessible(page)
    info_request = InformationRequest.objects.get()

    # The clerk finds it in the queue and decides it: the form is ready to grant.
    sign_in_clerk(clerk_page, base)
    clerk_page.goto(base + REQUESTS + "queue/")
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text("Requests for information")
    row = clerk_page.get_by_role("row").filter(has_text=summary)
    expect(row).to_contain_text("Alex Morgan")
    expect(row).to_contain_text("Need to know is presumed")
    expect(row).to_contain_text("Planning committee")
    assert_accessible(clerk_page)

    row.get_by_role("link", name=summary).click()
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text(summary)
    clerk_page.get_by_role("link", name="Decide this request").click()
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text(f"Decide: {summary}")
    expect(clerk_page.get_by_label("Granted", exact=True)).to_be_checked()
    expect(clerk_page.get_by_label("Reasons")).to_have_value(
        re.compile(r"your need to know is presumed")
    )
    assert_accessible(clerk_page)
    clerk_page.get_by_role("button", name="Record the decision").click()

    expect(clerk_page.get_by_role("status")).to_contain_text(
        "The request is granted. We have told Alex Morgan."
    )
    info_request.refresh_from_db()
    assert info_request.status == InformationRequest.Status.GRANTED

    # The councillor opens the request, confirms the purpose once, and gets the file.
    page.goto(base + REQUESTS + f"{info_request.pk}/")
    decision = page.get_by_role("region", name=re.compile(r"^Granted on .* by Jordan Ashby$"))
    expect(decision).to_contain_text("your need to know is presumed")
    expect(page.get_by_role("heading", name=re.compile("Freedom of Information"))).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(rf"^Open {SCHEDULE}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you open the documents")
    assert_accessible(page)
    page.get_by_label(CONFIRM_PURPOSE).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm and continue").click()
    download = download_info.value
    assert download.suggested_filename == "planning-schedule.pdf"
    assert download.failure() is None

    accesses = DocumentAccess.objects.filter(user=live_cast.councillor)
    assert accesses.count() == 1
    access = accesses.get()
    assert access.document == live_cast.committee_document
    assert access.request_id == info_request.pk
    info_request.refresh_from_db()
    assert info_request.purpose_confirmed_at is not None


def test_officer_refuses_a_request_and_the_councillor_reads_why(
    live_cast, live_server, page, clerk_page
):
    base = live_server.url
    summary = "The legal advice about the boundary"
    reasons = "The advice is legally privileged and your duties do not need it."

    sign_in_councillor(page, base)
    page.goto(base + REQUESTS + "new/")
    hint = page.get_by_text(re.compile(rf"^{LEGAL_ADVICE} \(.*the officer decides"))
    expect(hint).to_be_visible()
    ask_for(page, LEGAL_ADVICE, summary, "To understand the dispute before full council.")
    expect(summary_row(page, "Who decides")).to_contain_text("The officer decides.")
    info_request = InformationRequest.objects.get()

    sign_in_clerk(clerk_page, base)
    clerk_page.goto(base + REQUESTS + "queue/")
    row = clerk_page.get_by_role("row").filter(has_text=summary)
    expect(row).to_contain_text("The officer decides")
    row.get_by_role("link", name=summary).click()
    clerk_page.get_by_role("link", name="Decide this request").click()
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text(f"Decide: {summary}")
    # Nothing is chosen for the officer when the presumption does not apply.
    expect(clerk_page.get_by_label("Granted", exact=True)).not_to_be_checked()
    expect(clerk_page.get_by_label("Reasons")).to_have_value("")
    clerk_page.get_by_label("Refused", exact=True).check()
    clerk_page.get_by_label("Reasons").fill(reasons)
    clerk_page.get_by_role("button", name="Record the decision").click()
    expect(clerk_page.get_by_role("status")).to_contain_text("The request is refused.")

    page.goto(base + REQUESTS + f"{info_request.pk}/")
    decision = page.get_by_role("region", name=re.compile(r"^Refused on .* by Jordan Ashby$"))
    expect(decision).to_contain_text(f"Reasons: {reasons}")
    foi = page.get_by_role(
        "heading", name="Asking under the Freedom of Information Act 2000", level=2
    )
    expect(foi).to_be_visible()
    expect(page.locator("#foi-route")).to_contain_text("within 20 working days")
    # Nothing was released, so there is nothing to open.
    expect(page.get_by_role("link", name=re.compile(rf"^Open {LEGAL_ADVICE}"))).to_have_count(0)
    assert_accessible(page)

    info_request.refresh_from_db()
    assert info_request.status == InformationRequest.Status.REFUSED
    assert not DocumentAccess.objects.exists()


def test_a_request_of_unbroken_text_wraps_within_the_page(live_cast, live_server, page):
    # 100,000 characters with no space used to make the request's page over a million pixels
    # wide: user text wraps anywhere it must (portal.css, overflow-wrap), for whoever reads it.
    from correspondence.requests import services
    from council.policy import standing_for

    info_request = services.request_submit(
        standing=standing_for(live_cast.councillor, live_cast.council),
        documents=[],
        summary="x" * 200,
        information="y" * 100_000,
        purpose="z" * 5_000,
        justification="",
    )
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_councillor(page, live_server.url)
    page.goto(live_server.url + info_request.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide on a 320px phone"
