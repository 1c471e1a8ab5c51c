"""The foundation's journeys in a real browser: signing in, the clerk inviting a councillor who
sets a password from the emailed link, and the public home page. axe-core checks each page."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.mfa import app_settings as mfa_settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from council.demo import DEMO_PASSWORD, PEOPLE, current_totp_code

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

COUNCIL = "Little Wickham Parish Council"


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def fresh_totp_code() -> str:
    """The clerk's current code, with time to use it: allauth accepts only the current period
    (MFA_TOTP_TOLERANCE is 0), so near a period's end wait for the next one."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left + 0.1)
    return current_totp_code()


def sign_in_person(page, base_url: str, who: str) -> None:
    """Sign in one of the demo's people (council.demo.PEOPLE) with their password and, for those
    who must use two-factor (officers, chairs, the personnel committee), the code."""
    from council import policy
    from council.models import User

    email = PEOPLE[who][0]
    sign_in(page, base_url, email, DEMO_PASSWORD)
    if policy.must_use_two_factor(User.objects.get(email=email)):
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.get_by_label("Code", exact=True).fill(fresh_totp_code())
        page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def test_anonymous_visitor_sees_the_public_home_page(live_cast, live_server, page):
    page.goto(live_server.url + "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Council portal")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(COUNCIL)
    assert_accessible(page)


def test_councillor_signs_in_and_sees_their_home_page(live_cast, live_server, page):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    # The councillor chairs the planning committee: a password, then the two-factor code.
    sign_in_person(page, live_server.url, "councillor")

    # One council only, so the home page sends them straight to it.
    expect(page).to_have_url(live_server.url + "/little-wickham/")
    expect(page.get_by_role("heading", level=1)).to_have_text(COUNCIL)
    expect(page.locator(".lead")).to_contain_text("You are Councillor")
    committees = page.get_by_role("heading", name="Your committees")
    expect(committees).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Planning committee")).to_be_visible()
    assert_accessible(page)


def test_clerk_invites_a_new_councillor_who_sets_a_password_and_signs_in(
    live_cast, live_server, page, settings
):
    # Links in emails are built from SITE_URL; point it at the live server.
    settings.SITE_URL = live_server.url
    new_email = "sam.newcomer@example.org"
    new_password = "a-fresh-councillor-pass-42"
    today = timezone.localdate()

    # The clerk signs in, with their two-factor code.
    sign_in(page, live_server.url, PEOPLE["clerk"][0], DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(fresh_totp_code())
    page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()

    # Two councils: the home page asks which one.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your councils")
    page.get_by_role("link", name=COUNCIL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COUNCIL)

    council_nav = page.get_by_role("navigation", name=COUNCIL)
    council_nav.get_by_role("link", name="People and roles").click()
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    assert_accessible(page)

    # Submitted empty, the form explains what is missing.
    page.get_by_label("Starts on").fill("")
    page.get_by_role("button", name="Add and send invitation").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    # Each error names its field and links to it.
    for message in ("Enter full name", "Enter email address", "Enter the date: starts on"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    summary.get_by_role("link", name="Enter full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Add a person"))
    assert_accessible(page)

    page.get_by_label("Full name").fill("Sam Newcomer")
    page.get_by_label("Email address").fill(new_email)
    page.get_by_label("Role", exact=True).select_option(label="Councillor")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=4 * 365)).isoformat())
    page.get_by_role("button", name="Add and send invitation").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Sam Newcomer is added as Councillor. If they are new here, we have emailed them an "
        "invitation."
    )

    # The invitation went out as the page was answered (tasks run eagerly on commit).
    invitations = [m for m in mail.outbox if new_email in m.to]
    assert len(invitations) == 1, [m.subject for m in mail.outbox]
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+", invitations[0].body)
    assert match, invitations[0].body
    link = match.group(0)
    assert link.startswith(live_server.url + "/"), link

    # The clerk signs out; the newcomer follows the link in their email.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council portal")

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/[^/]+-set-password/$"))
    assert urlsplit(page.url).netloc == urlsplit(live_server.url).netloc
    assert_accessible(page)
    page.get_by_label(re.compile(r"^New password$", re.I)).fill(new_password)
    page.get_by_label(re.compile(r"^New password \(again\)$", re.I)).fill(new_password)
    page.get_by_role("button", name=re.compile(r"^Change password$", re.I)).click()

    # allauth signs them in (ACCOUNT_LOGIN_ON_PASSWORD_RESET); they have one council.
    expect(page).to_have_url(live_server.url + "/little-wickham/")
    expect(page.get_by_role("heading", level=1)).to_have_text(COUNCIL)
    expect(page.locator(".lead")).to_contain_text("You are Councillor")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # And the new password works on its own.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council portal")
    sign_in(page, live_server.url, new_email, new_password)
    expect(page).to_have_url(live_server.url + "/little-wickham/")
    expect(page.get_by_role("heading", level=1)).to_have_text(COUNCIL)
