"""Concerns in a real browser: an officer raises a concern about a councillor; the clerk triages
it; informal resolution fails; a panel of the personnel committee hears it and decides; the
officer appeals. The chair's escalations page shows an overdue matter without its details.
axe-core checks each page on the way."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concerns.models import Concern, Hearing
from council.demo import PEOPLE

from .conftest import TIMEOUT_MS, assert_accessible
from .test_foundation_journeys import sign_in_person
from .test_request_journeys import sign_in_clerk, summary_row

pytestmark = pytest.mark.browser

CONCERNS = "/little-wickham/concerns/"
WHAT_HAPPENED = "At the meeting on Monday I was shouted at in front of residents."


@pytest.fixture
def clerk_page(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def sign_in_as(page, base_url: str, who: str) -> None:
    sign_in_person(page, base_url, who)
    expect(page).to_have_url(base_url + "/little-wickham/")


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_concern_goes_from_raising_through_a_hearing_to_an_appeal(
    live_cast, live_server, page, clerk_page
):
    base = live_server.url
    councillor2 = PEOPLE["councillor2"][1]

    # The officer raises it, checking first who will handle it.
    sign_in_as(page, base, "officer")
    page.goto(base + CONCERNS + "new/")
    expect(heading(page)).to_have_text("Raise a concern")
    expect(page.get_by_role("heading", name="Who will see it")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who is it about?").select_option(label=councillor2)
    page.get_by_label("Bullying or harassment").check()
    page.get_by_label("What happened?").fill(WHAT_HAPPENED)
    page.get_by_label("What outcome do you hope for?").fill("For it to stop.")
    page.get_by_role("button", name="Check who will handle it").click()
    route = page.get_by_role("region", name="Who will handle it")
    expect(route).to_contain_text(PEOPLE["clerk"][1])
    assert_accessible(page)
    page.get_by_role("button", name="Raise the concern").click()
    expect(heading(page)).to_have_text(f"Concern about {councillor2}")
    expect(page.get_by_role("status")).to_contain_text("Your concern is raised.")
    expect(summary_row(page, "Handled by")).to_contain_text(PEOPLE["clerk"][1])
    assert_accessible(page)
    concern = Concern.objects.get()
    detail = base + CONCERNS + f"{concern.pk}/"

    # The clerk finds it in the queue, triages it to informal resolution and tells the councillor.
    sign_in_clerk(clerk_page, base)
    clerk_page.goto(base + CONCERNS + "queue/")
    expect(heading(clerk_page)).to_have_text("Concerns you handle")
    row = clerk_page.get_by_role("row").filter(has_text=f"Concern {concern.pk} ")
    expect(row).to_contain_text("Triage: choosing the next step")
    assert_accessible(clerk_page)
    row.get_by_role("link").click()
    clerk_page.get_by_role("link", name="Triage: choose what happens next").click()
    expect(heading(clerk_page)).to_have_text("Triage this concern")
    assert_accessible(clerk_page)
    clerk_page.get_by_label("Informal resolution: a conversation, or conciliation").check()
    clerk_page.get_by_label("Note for the person who raised it").fill("A conversation first.")
    clerk_page.get_by_role("button", name="Record the next step").click()
    expect(clerk_page.get_by_role("status")).to_contain_text("The next step is recorded.")
    expect(summary_row(clerk_page, "Stage")).to_contain_text("Informal resolution")

    clerk_page.get_by_role("link", name=f"Tell {councillor2} in writing").click()
    clerk_page.get_by_label("What you are telling them, in writing").fill(
        "A concern about your conduct at Monday's meeting has been raised with you."
    )
    clerk_page.get_by_role("button", name="Send in writing").click()
    expect(clerk_page.get_by_role("status")).to_contain_text("They are told")

    # Informal resolution fails: the clerk records the conversation and starts the formal stage.
    clerk_page.get_by_role("link", name="Record a conversation, a conciliation or a note").click()
    clerk_page.get_by_label("A conversation").check()
    clerk_page.get_by_label("Both people, and the handlers").check()
    clerk_page.get_by_label("What happened").fill("We met; no agreement was reached.")
    clerk_page.get_by_role("button", name="Record it").click()
    expect(clerk_page.get_by_role("status")).to_contain_text("It is recorded.")
    clerk_page.get_by_role("button", name="Start the formal procedure").click()
    expect(summary_row(clerk_page, "Stage")).to_contain_text("Formal procedure")

    # A panel of three from the personnel committee; the councillor's own seat is excluded.
    clerk_page.get_by_role("link", name="Arrange the hearing and its panel").click()
    expect(heading(clerk_page)).to_have_text("Arrange the hearing")
    assert_accessible(clerk_page)
    held_on = timezone.localdate() + timedelta(days=7)
    clerk_page.get_by_label("Date of the hearing").fill(held_on.isoformat())
    members = clerk_page.get_by_role("group", name="Panel members from the personnel committee")
    for who in ("personnel", "vice_chair", "councillor"):
        members.get_by_label(PEOPLE[who][1]).check()
    clerk_page.get_by_role("button", name="Arrange it").click()
    expect(clerk_page.get_by_role("status")).to_contain_text("The hearing is arranged")
    expect(clerk_page.get_by_text(f"Hearing: {held_on:%A %-d %B %Y}.")).to_be_visible()
    assert_accessible(clerk_page)

    # The panel decides; both people have the decision and reasons in writing.
    clerk_page.get_by_role("link", name="Record the panel's decision").click()
    expect(heading(clerk_page)).to_have_text("Record the panel's decision")
    clerk_page.get_by_label("Not upheld").check()
    clerk_page.get_by_label("The panel's reasons").fill("The witnesses did not confirm it.")
    clerk_page.get_by_role("button", name="Record the decision").click()
    expect(clerk_page.get_by_role("status")).to_contain_text("sent to both people in writing")
    expect(summary_row(clerk_page, "Stage")).to_contain_text("Decided: open to appeal")

    # The officer reads the decision and appeals within the time allowed.
    page.goto(detail)
    expect(page.get_by_text("The witnesses did not confirm it.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Appeal the decision").click()
    expect(heading(page)).to_have_text("Appeal the decision")
    assert_accessible(page)
    page.get_by_label("Why are you appealing?").fill("Two witnesses were not asked.")
    page.get_by_role("button", name="Send the appeal").click()
    expect(page.get_by_role("status")).to_contain_text("Your appeal is made.")
    expect(summary_row(page, "Stage")).to_contain_text("Appeal")

    concern.refresh_from_db()
    assert concern.stage == Concern.Stage.APPEAL
    assert Hearing.objects.get(concern=concern).outcome == Concern.Outcome.NOT_UPHELD
    # Everything the officer ever saw of the handlers' side was shared with them.
    assert "Private note" not in page.content()


def test_the_chair_sees_an_overdue_matter_at_a_glance(live_cast, live_server, page):
    from concerns import services
    from council.policy import standing_for

    concern = services.concern_raise(
        raiser=standing_for(live_cast.officer, live_cast.council),
        subject=live_cast.councillor2,
        kind=Concern.Kind.CONDUCT,
        what_happened="A SECRET DETAIL of what happened.",
    )
    Concern.objects.filter(pk=concern.pk).update(
        stage_due_on=timezone.localdate() - timedelta(days=3)
    )

    sign_in_as(page, live_server.url, "chair")
    page.get_by_role("link", name="1 overdue matter to look at").click()
    expect(heading(page)).to_have_text("Escalated and overdue matters")
    expect(page.get_by_role("region", name="1 matter overdue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"Concern {concern.pk}")
    expect(row).to_contain_text(PEOPLE["clerk"][1])
    expect(row).to_contain_text("Triage: choosing the next step")
    expect(row).to_contain_text("Overdue")
    expect(row.get_by_role("link")).to_have_count(0)
    expect(page.get_by_text(re.compile("SECRET DETAIL"))).to_have_count(0)
    assert_accessible(page)
