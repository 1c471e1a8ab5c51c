"""The correspondence register in a real browser: the clerk sends a letter to a councillor,
copying a second councillor; the first councillor is told of the copy and reads the letter with
"CC Councillor ..." at its foot (R10). A confidential email to a resident is refused with a clear
message and nothing lost (R12). axe-core checks each page on the way."""

import re

import pytest
from playwright.sync_api import expect

from correspondence.models import Correspondence
from council.demo import PEOPLE

from .conftest import assert_accessible
from .test_foundation_journeys import sign_in_person
from .test_request_journeys import clerk_page, sign_in_clerk  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

NEW = "/little-wickham/correspondence/new/"
SUBJECT = "Your question about the bus shelter"


def test_clerk_copies_a_letter_to_a_second_councillor_and_the_first_is_told(
    live_cast,
    live_server,
    page,
    clerk_page,  # noqa: F811
):
    base = live_server.url
    first, second = PEOPLE["councillor"][1], PEOPLE["councillor2"][1]

    sign_in_clerk(clerk_page, base)
    clerk_page.goto(base + NEW)
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text("Write a letter or email")
    assert_accessible(clerk_page)
    clerk_page.get_by_label("Letter", exact=True).check()
    clerk_page.get_by_role("group", name="To: councillors and officers", exact=True).get_by_label(
        first
    ).check()
    clerk_page.get_by_role(
        "group", name="Copy to: councillors and officers", exact=True
    ).get_by_label(second).check()
    clerk_page.get_by_label("Subject", exact=True).fill(SUBJECT)
    clerk_page.get_by_label("Text", exact=True).fill("The shelter will be repaired in March.")
    clerk_page.get_by_role("button", name="Send it").click()

    expect(clerk_page.get_by_role("status")).to_contain_text(f"“{SUBJECT}” is sent.")
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(clerk_page.locator(".letter__footer")).to_have_text(f"CC Councillor {second}")
    assert_accessible(clerk_page)
    item = Correspondence.objects.get()

    # The first councillor: a notice naming who received the copy, then the letter itself.
    sign_in_person(page, base, "councillor")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    notice = page.get_by_role(
        "heading", name=f"New Your correspondence was copied to Councillor {second}"
    )
    expect(notice).to_be_visible()
    assert_accessible(page)
    page.get_by_role("listitem").filter(has=notice).get_by_role("button").click()
    expect(page).to_have_url(re.compile(rf"/correspondence/{item.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.locator(".letter__footer")).to_have_text(f"CC Councillor {second}")
    assert_accessible(page)


def test_a_confidential_email_to_a_resident_is_refused_and_nothing_is_lost(
    live_cast,
    live_server,
    clerk_page,  # noqa: F811
):
    base = live_server.url
    sign_in_clerk(clerk_page, base)
    clerk_page.goto(base + NEW)
    clerk_page.get_by_label("Name (optional)", exact=True).fill("Sam Resident")
    clerk_page.get_by_label("A resident").check()
    clerk_page.get_by_label("Email address (optional)").fill("sam@example.net")
    clerk_page.get_by_label("Subject", exact=True).fill("The boundary dispute")
    clerk_page.get_by_label("Text", exact=True).fill("Our solicitor's advice is attached.")
    clerk_page.get_by_label(re.compile(r"^It is confidential")).check()
    clerk_page.get_by_label(re.compile(r"^Why it is confidential")).fill("legal advice")
    clerk_page.get_by_label(re.compile(r"^What is confidential, as the recipients")).fill(
        "The solicitor's advice."
    )
    clerk_page.get_by_role("button", name="Send it").click()

    summary = clerk_page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("cannot go to Sam Resident")
    expect(clerk_page).to_have_title(re.compile(r"^Error: Write a letter or email"))
    expect(clerk_page.get_by_label("Subject", exact=True)).to_have_value("The boundary dispute")
    assert_accessible(clerk_page)
    assert not Correspondence.objects.exists()
