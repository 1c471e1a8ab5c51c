"""The protocol's journeys in a real browser: the public reading it, the clerk importing, editing
and adopting one, and a councillor acknowledging it. axe-core checks each page that matters."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from council.demo import DEMO_PASSWORD, PEOPLE
from protocol import services
from protocol.models import Acknowledgement

from .conftest import assert_accessible
from .test_foundation_journeys import fresh_totp_code, sign_in, sign_in_person

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "protocol" / "protocol_fixtures"
MINUTE = "25/042"


def adopt_model_protocol(cast, minute_reference: str = MINUTE):
    """Version 1 of Little Wickham's protocol, from the model, adopted today."""
    today = timezone.localdate()
    version = services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    return services.version_adopt(
        version=version,
        adopted_on=today,
        minute_reference=minute_reference,
        review_on=today + timedelta(days=365),
        acting_user=cast.clerk,
    )


def long_date(day) -> str:
    return date_format(day, "j F Y")


def test_public_reads_the_protocol_and_opens_a_section_from_the_contents(
    live_cast, live_server, page
):
    version = adopt_model_protocol(live_cast)

    page.goto(live_server.url + "/little-wickham/protocol/")
    expect(page.get_by_role("heading", level=1)).to_have_text(version.title)
    summary = page.locator(".summary-list")
    expect(summary).to_contain_text(f"Adopted{long_date(version.adopted_on)}, minute {MINUTE}")
    expect(summary).to_contain_text(f"Next reviewBy {long_date(version.review_on)}")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents).to_be_visible()
    assert_accessible(page)

    link = contents.get_by_role("link", name=re.compile(r"^4\.1 "))
    heading_text = link.inner_text().removeprefix("4.1 ")
    link.click()
    expect(page).to_have_url(re.compile(r"#section-4-1$"))
    heading = page.locator("#section-4-1-h")
    expect(heading).to_contain_text(heading_text)
    expect(heading).to_be_in_viewport()
    assert_accessible(page)

    # A council with no adopted protocol says so plainly.
    page.goto(live_server.url + "/cwm-dulais/protocol/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protocol on Member/Officer")
    expect(page.locator(".lead")).to_have_text(
        f"{live_cast.other} has not adopted a protocol on this portal yet."
    )
    expect(page.get_by_role("navigation", name="Contents")).to_have_count(0)
    assert_accessible(page)


def test_clerk_imports_a_protocol_edits_the_draft_and_adopts_it(live_cast, live_server, page):
    today = timezone.localdate()
    new_heading = "General principles for everyone"

    # The clerk signs in, with their two-factor code.
    sign_in(page, live_server.url, PEOPLE["clerk"][0], DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Code", exact=True).fill(fresh_totp_code())
    page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your councils")

    page.goto(live_server.url + "/little-wickham/protocol/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The protocol")
    assert_accessible(page)

    page.get_by_role("link", name="import the protocol your council already has").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import your protocol")
    assert_accessible(page)
    page.get_by_label("Your protocol").set_input_files(FIXTURES / "a_numbered.txt")
    page.get_by_role("button", name="Read the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check what was recognised")
    expect(page.locator(".lead")).to_contain_text("a_numbered.txt")
    recognised = page.locator("main .list--bullet")
    expect(recognised).to_contain_text("8 sections found")
    expect(recognised).to_contain_text("5 things councillors can expect from officers")
    expect(recognised).to_contain_text("5 things officers can expect from councillors")
    found = page.get_by_role("table", name="Sections found in the file")
    expect(found.get_by_role("row")).to_have_count(9)  # the header row and eight sections
    expect(found).to_contain_text("General principles")
    assert_accessible(page)

    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1: draft")
    expect(page.get_by_role("status")).to_contain_text("Version 1 is saved as a draft.")
    assert_accessible(page)

    # Change a section's heading.
    page.get_by_role("link", name="Change section 4", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change section 4")
    page.get_by_label("Heading").fill(new_heading)
    page.get_by_role("button", name="Save section").click()
    expect(page).to_have_url(re.compile(r"/drafts/\d+/#section-4$"))
    expect(page.get_by_role("status")).to_have_text("Section 4 is saved.")
    expect(page.locator("#section-4-h")).to_have_text(f"4 {new_heading}")

    # Move a section down: 2.2 and 2.3 swap places.
    headings = page.locator("section.draft-section h2")
    expect(headings.nth(2)).to_have_text("2.2 Councillors")
    page.get_by_role("button", name="Move down section 2.2", exact=True).click()
    expect(headings.nth(2)).to_have_text("2.3 Officers")
    expect(headings.nth(3)).to_have_text("2.2 Councillors")

    # Record the adoption: empty first, then properly.
    page.get_by_role("link", name="Record adoption").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the adoption of version 1")
    page.get_by_role("button", name="Adopt and publish").click()
    problem = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(problem).to_be_visible()
    expect(problem.get_by_role("link")).to_have_count(3)
    expect(page).to_have_title(re.compile(r"^Error: Record the adoption"))
    assert_accessible(page)

    page.get_by_label("Date adopted").fill(today.isoformat())
    page.get_by_label("Minute reference").fill(MINUTE)
    page.get_by_label("Review by").fill((today + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Adopt and publish").click()

    expect(page).to_have_url(live_server.url + "/little-wickham/protocol/")
    expect(page.get_by_role("status")).to_contain_text("Version 1 is adopted and published.")
    expect(page.locator(".summary-list")).to_contain_text(f"{long_date(today)}, minute {MINUTE}")
    expect(page.locator("#section-4-h")).to_have_text(f"4 {new_heading}")
    expect(page.get_by_role("navigation", name="Contents")).to_contain_text(new_heading)
    assert_accessible(page)


def test_councillor_acknowledges_the_protocol(live_cast, live_server, page):
    version = adopt_model_protocol(live_cast)
    councillor = live_cast.councillor

    sign_in_person(page, live_server.url, "councillor")
    expect(page).to_have_url(live_server.url + "/little-wickham/")
    panel = page.get_by_role("region", name="The protocol")
    prompt = panel.get_by_role("region", name="Please acknowledge the protocol")
    expect(prompt).to_contain_text(f"adopted {long_date(version.adopted_on)}")
    button = prompt.get_by_role("button", name="I have read version 1")
    expect(button).to_be_visible()
    assert_accessible(page)

    button.click()
    expect(page).to_have_url(live_server.url + "/little-wickham/")
    expect(page.get_by_role("status")).to_have_text("Thank you. You have acknowledged version 1.")
    expect(page.get_by_role("button", name="I have read version 1")).to_have_count(0)
    expect(panel).to_contain_text("You have acknowledged it.")
    assert_accessible(page)

    assert Acknowledgement.objects.filter(version=version, user=councillor).count() == 1
