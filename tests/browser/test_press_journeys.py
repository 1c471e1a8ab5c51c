"""The press office in a real browser (R13): the chair drafts a release quoting herself and sends
it for approval; the clerk approves and publishes it; a member of the public reads it on the
council's news page without signing in. axe-core checks each page on the way."""

import re

import pytest
from playwright.sync_api import expect

from correspondence.models import PressRelease
from council.demo import PEOPLE

from .conftest import TIMEOUT_MS, assert_accessible
from .test_foundation_journeys import sign_in_person
from .test_request_journeys import clerk_page, sign_in_clerk  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

PRESS = "/little-wickham/press/"
NEWS = "/little-wickham/news/"
TITLE = "Spring fair on the village green"
QUOTE = "Everyone is welcome, and the cake stall is back."


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_release_is_drafted_approved_published_and_read_by_the_public(
    live_cast,
    live_server,
    page,
    browser,
    clerk_page,  # noqa: F811
):
    base = live_server.url
    chair = PEOPLE["chair"][1]

    # The chair drafts a release quoting herself, as chair of the council, and sends it.
    sign_in_person(page, base, "chair")
    expect(page).to_have_url(base + "/little-wickham/")
    page.goto(base + PRESS)
    expect(heading(page)).to_have_text("Press office")
    assert_accessible(page)
    page.get_by_role("link", name="Draft a press release").click()
    expect(heading(page)).to_have_text("Draft a press release")
    assert_accessible(page)
    page.get_by_label("Headline").fill(TITLE)
    page.get_by_label("Text of the release").fill("The spring fair is on the green on 1 May.")
    page.get_by_label("Who is quoted speaking for the council").select_option(
        label=f"{chair} (Chair of the council)"
    )
    page.get_by_label("What they say").fill(QUOTE)
    page.get_by_role("button", name="Save the draft").click()
    expect(heading(page)).to_have_text(TITLE)
    assert_accessible(page)
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the Proper Officer for approval")
    release = PressRelease.objects.get(title=TITLE)
    assert release.status == PressRelease.Status.SUBMITTED

    # Not on the news page yet.
    public = browser.new_context(locale="en-GB")
    public.set_default_timeout(TIMEOUT_MS)
    visitor = public.new_page()
    visitor.goto(base + NEWS)
    expect(heading(visitor)).to_have_text("News")
    expect(visitor.get_by_role("link", name=TITLE)).to_have_count(0)

    # The clerk approves it on the decision page, then publishes it.
    sign_in_clerk(clerk_page, base)
    clerk_page.goto(base + PRESS)
    assert_accessible(clerk_page)
    clerk_page.get_by_role("link", name=TITLE).click()
    clerk_page.get_by_role("link", name="Decide on this release").click()
    expect(heading(clerk_page)).to_have_text(f"Decide: {TITLE}")
    expect(clerk_page.locator(".summary-list")).to_contain_text(f"{chair} (Chair of the council)")
    assert_accessible(clerk_page)
    clerk_page.get_by_role("button", name="Approve").click()
    expect(clerk_page.get_by_role("status")).to_have_text("The release is approved.")
    clerk_page.get_by_role("button", name="Publish on the news page").click()
    expect(clerk_page.get_by_role("status")).to_have_text(
        "The release is published on the council's news page."
    )
    assert_accessible(clerk_page)

    # A member of the public, not signed in, reads it.
    visitor.goto(base + NEWS)
    assert_accessible(visitor)
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(re.compile(rf"{NEWS}{release.pk}/$"))
    expect(heading(visitor)).to_have_text(TITLE)
    expect(visitor.locator("blockquote")).to_contain_text(QUOTE)
    expect(visitor.locator("blockquote")).to_contain_text(f"{chair}, Chair of the council")
    assert_accessible(visitor)
    public.close()
