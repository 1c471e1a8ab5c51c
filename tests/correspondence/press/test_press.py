"""The press office (R13, R14): who may be quoted, approval before publication, the pre-election
hold, the public news page, spokespeople and press enquiries; who may open which page; and the
list pages' query counts."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from correspondence.demo import demo_press
from correspondence.models import PressEnquiry, PressRelease
from correspondence.panels import press_panel as home_panel
from correspondence.press import services as press
from correspondence.press.forms import ReleaseForm
from council.models import Notification
from council.policy import standing_for
from tests.conftest import ROLES
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

Status = PressRelease.Status
TODAY = timezone.localdate


def at(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def draft(cast, author="chair", *, quoted=None, quote="", sensitive=False, title="Bench news"):
    return press.press_draft(
        council=cast.council,
        title=title,
        body="The council has put new benches on the green.",
        quoted=cast.by_name(quoted) if quoted else None,
        quote=quote,
        sensitive=sensitive,
        acting_user=cast.by_name(author),
    )


def submitted(cast, author="chair", **kwargs) -> PressRelease:
    release = draft(cast, author, **kwargs)
    return press.press_submit(release=release, acting_user=cast.by_name(author))


def approved(cast, author="chair", **kwargs) -> PressRelease:
    return press.press_approve(release=submitted(cast, author, **kwargs), acting_user=cast.clerk)


def published(cast, author="officer", **kwargs) -> PressRelease:
    return press.press_publish(release=approved(cast, author, **kwargs), acting_user=cast.clerk)


def snapshot(release: PressRelease) -> tuple:
    """What a refused action must leave as it was: the row, its history, the outbox."""
    release.refresh_from_db()
    return (
        release.status,
        release.approved_by_id,
        release.published_at,
        release.history.count(),
        Notification.objects.count(),
    )


def period_now(cast, *, days_left: int = 10):
    return press.period_record(
        council=cast.council,
        name="Parish elections, May",
        starts_on=TODAY() - timedelta(days=5),
        ends_on=TODAY() + timedelta(days=days_left),
        acting_user=cast.clerk,
    )


# ---------------------------------------------------------------------------------------------
# R13: nothing is published without the Proper Officer's approval
# ---------------------------------------------------------------------------------------------


def test_r13_publication_is_impossible_before_approval(cast):
    # The right way round: approved by the Proper Officer, then published.
    release = published(cast)
    assert release.status == Status.PUBLISHED
    assert (release.approved_by, release.published_at is not None) == (cast.clerk, True)

    for waiting in (draft(cast, title="A draft"), submitted(cast, title="Sent")):
        before = snapshot(waiting)
        with pytest.raises(ValidationError) as refused:
            press.press_publish(release=waiting, acting_user=cast.clerk)
        assert refused.value.messages == [press.MSG_NOT_APPROVED]
        assert snapshot(waiting) == before


def test_r13_the_publish_button_before_approval_says_why_and_changes_nothing(cast, client_for):
    release = submitted(cast)
    before = snapshot(release)
    url = reverse("press:release_publish", args=[cast.council.slug, release.pk])
    response = client_for("clerk").post(url, follow=True)
    assert press.MSG_NOT_APPROVED in response.content.decode()
    assert snapshot(release) == before


def test_r13_only_the_proper_officer_approves(cast, client_for):
    # The Proper Officer may.
    first = submitted(cast, title="First")
    press.press_approve(release=first, acting_user=cast.clerk)
    first.refresh_from_db()
    assert (first.status, first.approved_by) == (Status.APPROVED, cast.clerk)

    # The chair (who wrote it) and another officer may not, by the service or by the page.
    release = submitted(cast, title="Second")
    before = snapshot(release)
    for who in ("chair", "officer", "rfo"):
        with pytest.raises(ValidationError) as refused:
            press.press_approve(release=release, acting_user=cast.by_name(who))
        assert refused.value.messages == [press.MSG_ONLY_PROPER_OFFICER]
        url = reverse("press:release_approve", args=[cast.council.slug, release.pk])
        assert client_for(who).post(url, {"approve": "1"}).status_code == 403
        with pytest.raises(ValidationError):
            press.press_publish(release=first, acting_user=cast.by_name(who))
    assert snapshot(release) == before


def test_r13_submitting_tells_the_proper_officer_once(cast):
    release = submitted(cast)
    notices = Notification.objects.filter(kind="press", user=cast.clerk)
    assert notices.count() == 1
    assert notices.get().link == reverse(
        "press:release_detail", args=["little-wickham", release.pk]
    )
    with pytest.raises(ValidationError):
        press.press_submit(release=release, acting_user=cast.chair)
    assert notices.count() == 1


def test_r13_the_approver_approves_and_publishes_from_the_pages(cast, client_for):
    release = submitted(cast, quoted="chair", quote="A fine day for the village.")
    clerk = client_for("clerk")
    page = clerk.get(reverse("press:release_approve", args=[cast.council.slug, release.pk]))
    assert "Priya Shah (Chair of the council)" in page.content.decode()
    clerk.post(reverse("press:release_approve", args=[cast.council.slug, release.pk]))
    clerk.post(reverse("press:release_publish", args=[cast.council.slug, release.pk]))
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    assert Notification.objects.filter(user=cast.chair, key__contains="published").exists()


# ---------------------------------------------------------------------------------------------
# R13: only the chair, a committee chair or a spokesperson is quoted speaking for the council
# ---------------------------------------------------------------------------------------------


def test_r13_the_chair_and_a_committee_chair_may_be_quoted(cast):
    for who in ("chair", "councillor", "personnel"):  # council; planning; personnel committee
        release = draft(cast, quoted=who, quote="We are pleased.")
        assert release.quoted == cast.by_name(who)
    labels = [q.label for q in press.quotable_people(cast.council, TODAY())]
    assert "Priya Shah (Chair of the council)" in labels
    assert "Alex Morgan (Chair of the Planning committee)" in labels


def test_r13_a_councillor_who_is_no_chair_or_spokesperson_may_not_be_quoted(cast):
    # The form does not offer them...
    form = ReleaseForm(council=cast.council, on=TODAY())
    offered = dict(form.fields["quoted"].choices)
    assert str(cast.chair.pk) in offered
    assert str(cast.councillor2.pk) not in offered
    # ...and the service refuses them when the form is bypassed.
    count = PressRelease.objects.count()
    with pytest.raises(ValidationError) as refused:
        draft(cast, quoted="councillor2", quote="I think so too.")
    assert refused.value.message_dict["quoted"] == [
        press.MSG_NOT_QUOTABLE.format(person="Bea Lewis", day=f"{TODAY():%-d %B %Y}")
    ]
    assert PressRelease.objects.count() == count


def test_r13_a_spokesperson_may_be_quoted_on_their_subject_while_appointed(cast):
    appointment = press.spokesperson_appoint(
        council=cast.council,
        user=cast.councillor2,
        speaks_on="the allotments",
        starts_on=TODAY(),
        ends_on=None,
        acting_user=cast.clerk,
    )
    labels = [q.label for q in press.quotable_people(cast.council, TODAY())]
    assert "Bea Lewis (Spokesperson on the allotments)" in labels
    release = submitted(cast, quoted="councillor2", quote="The plots are ready.")
    assert release.status == Status.SUBMITTED

    # When the appointment has ended, the quote no longer speaks for the council: it cannot be
    # approved as it stands.
    press.spokesperson_end(spokesperson=appointment, ends_on=TODAY(), acting_user=cast.clerk)
    with pytest.raises(ValidationError) as refused:
        press.press_approve(
            release=release, acting_user=cast.clerk, now=at(TODAY() + timedelta(days=1))
        )
    assert "Bea Lewis cannot be quoted" in refused.value.message_dict["quoted"][0]


def test_r13_a_quote_needs_a_person_and_a_person_needs_a_quote(cast):
    with pytest.raises(ValidationError) as refused:
        draft(cast, quote="Words without a speaker.")
    assert refused.value.message_dict == {"quoted": [press.MSG_QUOTE_NEEDS_PERSON]}
    with pytest.raises(ValidationError) as refused:
        draft(cast, quoted="chair")
    assert refused.value.message_dict == {"quote": [press.MSG_PERSON_NEEDS_QUOTE]}


def test_r13_a_spokesperson_is_a_current_councillor_or_officer(cast, client_for):
    url = reverse("press:spokesperson_new", args=[cast.council.slug])
    data = {"speaks_on": "the allotments", "starts_on": TODAY().isoformat(), "ends_on": ""}
    response = client_for("clerk").post(url, {**data, "user": cast.vice_chair.pk})
    assert response.status_code == 302
    quotable = [q.label for q in press.quotable_people(cast.council, TODAY())]
    assert "Tom Evans (Spokesperson on the allotments)" in quotable
    with pytest.raises(ValidationError) as refused:
        press.spokesperson_appoint(
            council=cast.council,
            user=cast.former,
            speaks_on="the allotments",
            starts_on=TODAY(),
            ends_on=None,
            acting_user=cast.clerk,
        )
    assert "Frances Oakley is not a councillor or an officer" in str(refused.value)


# ---------------------------------------------------------------------------------------------
# R13: the public news page shows published releases only
# ---------------------------------------------------------------------------------------------


def test_r13_a_published_release_is_on_the_public_news_page(cast, client_for):
    release = published(cast, quoted="chair", quote="A fine day.", title="Benches are in")
    anonymous = client_for("anonymous")
    listing = anonymous.get(reverse("news:news_list", args=[cast.council.slug]))
    assert listing.status_code == 200
    assert "Benches are in" in listing.content.decode()
    page = anonymous.get(reverse("news:news_detail", args=[cast.council.slug, release.pk]))
    assert page.status_code == 200
    assert "Priya Shah, Chair of the council" in page.content.decode()


def test_r13_an_unpublished_release_is_not_on_the_news_page(cast, client_for):
    anonymous = client_for("anonymous")
    news = reverse("news:news_list", args=[cast.council.slug])
    for release in (
        draft(cast, title="Still a draft"),
        submitted(cast, title="Waiting"),
        approved(cast, title="Approved only"),
    ):
        assert release.title not in anonymous.get(news).content.decode()
        url = reverse("news:news_detail", args=[cast.council.slug, release.pk])
        assert anonymous.get(url).status_code == 404
    # Another council's published release is not on this council's page either.
    shown = published(cast, title="Ours")
    assert anonymous.get(
        reverse("news:news_detail", args=["cwm-dulais", shown.pk])
    ).status_code == (404)


def test_r13_a_withdrawn_release_leaves_the_news_page(cast, client_for):
    release = published(cast)
    url = reverse("news:news_detail", args=[cast.council.slug, release.pk])
    assert client_for("anonymous").get(url).status_code == 200
    press.press_withdraw(release=release, acting_user=cast.clerk)
    assert client_for("anonymous").get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# R14: the pre-election hold
# ---------------------------------------------------------------------------------------------


def test_r14_a_sensitive_release_sent_during_a_period_is_held_with_an_explanation(cast, client_for):
    period = period_now(cast, days_left=10)
    release = submitted(cast, sensitive=True)
    assert release.status == Status.HELD
    after = period.ends_on + timedelta(days=1)
    assert release.held_reason == press.MSG_HELD.format(
        period="Parish elections, May",
        ends=f"{period.ends_on:%-d %B %Y}",
        after=f"{after:%-d %B %Y}",
    )
    # The author sees why on the release's page; the approver on the decision page, under the
    # stronger warning.
    detail = reverse("press:release_detail", args=[cast.council.slug, release.pk])
    assert release.held_reason in client_for("chair").get(detail).content.decode()
    decision = client_for("clerk").get(
        reverse("press:release_approve", args=[cast.council.slug, release.pk])
    )
    assert "This release must be held back" in decision.content.decode()
    assert release.held_reason in decision.content.decode()


def test_r14_a_held_release_is_published_only_after_the_period_ends(cast):
    period = period_now(cast, days_left=10)
    release = submitted(cast, sensitive=True)
    # Approval is recorded during the period; the release stays held.
    release = press.press_approve(release=release, acting_user=cast.clerk)
    assert (release.status, release.approved_by) == (Status.HELD, cast.clerk)

    last_day = at(period.ends_on, 18)
    before = snapshot(release)
    with pytest.raises(ValidationError) as refused:
        press.press_publish(release=release, acting_user=cast.clerk, now=last_day)
    assert refused.value.messages == [release.held_reason]
    assert snapshot(release) == before

    release = press.press_publish(
        release=release, acting_user=cast.clerk, now=at(period.ends_on + timedelta(days=1))
    )
    assert (release.status, release.held_reason) == (Status.PUBLISHED, "")


def test_r14_a_release_not_marked_sensitive_is_not_held_but_the_approver_is_warned(
    cast, client_for
):
    def url_for(release):
        return reverse("press:release_approve", args=[cast.council.slug, release.pk])

    quiet = submitted(cast, title="Before any period")
    assert (
        "pre-election period is running"
        not in client_for("clerk").get(url_for(quiet)).content.decode()
    )

    period_now(cast)
    release = submitted(cast, title="During the period")
    assert release.status == Status.SUBMITTED
    page = client_for("clerk").get(url_for(release)).content.decode()
    assert "A pre-election period is running: Parish elections, May" in page
    # The approver judges it is contentious after all, and holds it back.
    client_for("clerk").post(url_for(release), {"hold": "1"})
    release.refresh_from_db()
    assert (release.status, release.sensitive) == (Status.HELD, True)
    assert "Parish elections, May" in release.held_reason


def test_r14_an_approved_sensitive_release_cannot_be_published_once_a_period_starts(cast):
    release = approved(cast, sensitive=True)
    period_now(cast)
    before = snapshot(release)
    with pytest.raises(ValidationError) as refused:
        press.press_publish(release=release, acting_user=cast.clerk)
    assert "Parish elections, May" in refused.value.messages[0]
    assert snapshot(release) == before


# ---------------------------------------------------------------------------------------------
# Press enquiries: logged, with the officer's factual reply
# ---------------------------------------------------------------------------------------------


def test_r13_an_enquiry_is_logged_with_the_officers_reply(cast, client_for):
    officer = client_for("officer")
    slug = cast.council.slug
    response = officer.post(
        reverse("press:enquiry_new", args=[slug]),
        {
            "received_on": TODAY().isoformat(),
            "journalist": "Sam Carter",
            "outlet": "Wickham Gazette",
            "question": "What did the benches cost?",
        },
    )
    assert response.status_code == 302
    enquiry = PressEnquiry.objects.get()
    assert enquiry.logged_by == cast.officer
    response = officer.post(
        reverse("press:enquiry_reply", args=[slug, enquiry.pk]),
        {"reply": "£2,360.", "replied_on": TODAY().isoformat(), "replied_by": cast.rfo.pk},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.reply, enquiry.replied_by, enquiry.replied_on) == ("£2,360.", cast.rfo, TODAY())
    page = officer.get(reverse("press:enquiry_list", args=[slug])).content.decode()
    assert "What did the benches cost?" in page and "£2,360." in page


def test_r13_an_enquiry_is_answered_by_an_officer_once(cast):
    enquiry = press.enquiry_log(
        council=cast.council,
        received_on=TODAY(),
        journalist="Sam Carter",
        outlet="",
        question="When is the next meeting?",
        acting_user=cast.officer,
    )

    def reply(by):
        return press.enquiry_reply(
            enquiry=enquiry,
            reply="On Tuesday.",
            replied_on=TODAY(),
            replied_by=by,
            acting_user=cast.officer,
        )

    with pytest.raises(ValidationError) as refused:
        reply(cast.chair)
    assert "Priya Shah is not an officer" in refused.value.message_dict["replied_by"][0]
    reply(cast.officer)
    with pytest.raises(ValidationError) as refused:
        reply(cast.officer)
    assert "Dana Hughes already recorded the reply" in refused.value.messages[0]


# ---------------------------------------------------------------------------------------------
# Pages for the drafter
# ---------------------------------------------------------------------------------------------


def test_the_chair_drafts_changes_and_submits_from_the_pages(cast, client_for):
    chair = client_for("chair")
    slug = cast.council.slug
    data = {
        "title": "Spring fair",
        "body": "The fair is on 1 May.",
        "quoted": str(cast.chair.pk),
        "quote": "Everyone is welcome.",
    }
    response = chair.post(reverse("press:release_new", args=[slug]), data)
    release = PressRelease.objects.get()
    assert response.url == reverse("press:release_detail", args=[slug, release.pk])
    chair.post(reverse("press:release_edit", args=[slug, release.pk]), {**data, "sensitive": "on"})
    chair.post(reverse("press:release_submit", args=[slug, release.pk]))
    release.refresh_from_db()
    assert (release.status, release.sensitive, release.author) == (
        Status.SUBMITTED,
        True,
        cast.chair,
    )
    # Sent: it can no longer be changed, only taken back.
    response = chair.get(reverse("press:release_edit", args=[slug, release.pk]), follow=True)
    assert "Only a draft can be changed" in response.content.decode()
    chair.post(reverse("press:release_reopen", args=[slug, release.pk]))
    release.refresh_from_db()
    assert release.status == Status.DRAFT


def test_the_form_shows_plain_errors(cast, client_for):
    response = client_for("chair").post(
        reverse("press:release_new", args=[cast.council.slug]), {"quote": "Hello"}
    )
    page = response.content.decode()
    assert "<title>Error: Draft a press release" in page
    assert "Enter headline" in page and press.MSG_QUOTE_NEEDS_PERSON in page


def test_the_home_panel_counts_in_one_query(cast, django_assert_num_queries):
    submitted(cast)
    draft(cast)
    clerk = standing_for(cast.clerk, cast.council)
    with django_assert_num_queries(1):  # one aggregate
        template, context = home_panel(None, clerk)
    assert context["counts"]["waiting"] == 1
    chair = standing_for(cast.chair, cast.council)
    with django_assert_num_queries(1):  # the chair drafts as chair: one aggregate
        template, context = home_panel(None, chair)
    assert (context["counts"]["drafts"], context["counts"]["waiting"]) == (1, 1)
    councillor = standing_for(cast.councillor2, cast.council)
    with django_assert_num_queries(1):  # "a spokesperson?": no; no panel
        assert home_panel(None, councillor) is None


def test_the_demo_press_office(cast):
    demo_press(cast)
    assert PressRelease.objects.published().get().quoted == cast.chair
    assert PressRelease.objects.get(status=Status.SUBMITTED).author == cast.chair
    assert PressEnquiry.objects.get().replied_by == cast.officer
    assert "Tom Evans (Spokesperson on the allotments)" in [
        q.label for q in press.quotable_people(cast.council, TODAY())
    ]


# ---------------------------------------------------------------------------------------------
# Who may open which page (rows for tests/cross/test_permission_matrix.py)
# ---------------------------------------------------------------------------------------------

COUNCILLORS = {"chair", "vice_chair", "councillor", "councillor2", "personnel"}
OFFICERS = {"clerk", "rfo", "officer"}
MEMBERS = COUNCILLORS | OFFICERS
# R13: officers, the chair and the committee chairs (planning: councillor; personnel: personnel).
# The vice-chair and councillor2 chair nothing and are no spokespeople in the tests' cast.
DRAFTERS = OFFICERS | {"chair", "councillor", "personnel"}


def council_page(allowed: set[str], ok: int = 200, *, others: int = 403) -> dict[str, int]:
    answers = {"anonymous": 302, "former": 404, "other_council": 404}
    for role in MEMBERS:
        answers[role] = ok if role in allowed else others
    return answers


def own_release(answers: dict[str, int]) -> dict[str, int]:
    """A page of the chair's release: drafters who cannot see it get the same 404 as for one
    that does not exist; those who may not draft at all are refused at the door (403)."""
    return {
        **council_page(DRAFTERS, 404),
        **answers,
    }


def the(kind: str):
    """Objects for the rows, made before each request in the `objects` fixture."""
    return lambda objects: {"pk": objects[kind].pk}


PUBLIC = dict.fromkeys(ROLES, 200)
NOWHERE = dict.fromkeys(ROLES, 404)

# url name -> (method, kwargs from the objects, answers)
MATRIX = {
    "press:release_list": ("get", None, council_page(MEMBERS)),
    "press:release_new": ("get", None, council_page(DRAFTERS)),
    # Every member may open a release page; one that is not theirs to see is "not there".
    "press:release_detail": (
        "get",
        the("submitted"),
        {**council_page(MEMBERS, 404), "chair": 200, "clerk": 200},
    ),
    "press:release_edit": ("get", the("draft"), own_release({"chair": 200, "clerk": 403})),
    "press:release_submit": ("post", the("draft"), own_release({"chair": 302, "clerk": 403})),
    "press:release_reopen": ("post", the("submitted"), own_release({"chair": 302, "clerk": 302})),
    "press:release_withdraw": ("post", the("submitted"), own_release({"chair": 302, "clerk": 302})),
    "press:release_approve": ("get", the("submitted"), council_page({"clerk"})),
    "press:release_publish": ("post", the("approved"), council_page({"clerk"}, 302)),
    "press:spokespeople": ("get", None, council_page(MEMBERS)),
    "press:spokesperson_new": ("get", None, council_page({"clerk"})),
    "press:spokesperson_end": ("get", the("spokesperson"), council_page({"clerk"})),
    "press:periods": ("get", None, council_page(MEMBERS)),
    "press:period_new": ("get", None, council_page({"clerk"})),
    "press:enquiry_list": ("get", None, council_page(OFFICERS)),
    "press:enquiry_new": ("get", None, council_page(OFFICERS)),
    "press:enquiry_reply": ("get", the("enquiry"), council_page(OFFICERS)),
    "news:news_list": ("get", None, PUBLIC),
    "news:news_detail": ("get", the("published"), PUBLIC),
    "news:news_detail unpublished": ("get", the("submitted"), NOWHERE),
}


@pytest.fixture
def objects(cast):
    return {
        "draft": draft(cast, title="Chair's draft"),
        "submitted": submitted(cast, title="Chair's submitted release"),
        "approved": approved(cast, title="Chair's approved release"),
        "published": published(cast, title="Published"),
        "spokesperson": press.spokesperson_appoint(
            council=cast.council,
            user=cast.rfo,
            speaks_on="the budget",
            starts_on=TODAY(),
            ends_on=None,
            acting_user=cast.clerk,
        ),
        "enquiry": press.enquiry_log(
            council=cast.council,
            received_on=TODAY(),
            journalist="Sam Carter",
            outlet="",
            question="Any news?",
            acting_user=cast.officer,
        ),
    }


@pytest.mark.parametrize("page", MATRIX)
def test_each_press_page_answers_each_role_correctly(page, cast, objects, client_for):
    method, kwargs, answers = MATRIX[page]
    url = reverse(
        page.split()[0],
        kwargs={"council_slug": cast.council.slug, **(kwargs(objects) if kwargs else {})},
    )
    got = {}
    for role in ROLES:
        # Each role acts on the same objects: a POST that succeeds is rolled back.
        with transaction.atomic():
            got[role] = getattr(client_for(role), method)(url).status_code
            transaction.set_rollback(True)
    assert got == answers


def test_a_refused_action_on_a_release_changes_nothing(cast, objects, client_for):
    release = objects["submitted"]
    before = snapshot(release)
    for role in ("councillor2", "officer", "other_council", "anonymous"):
        url = reverse("press:release_withdraw", args=[cast.council.slug, release.pk])
        assert client_for(role).post(url).status_code in (302, 403, 404)
    assert snapshot(release) == before


# ---------------------------------------------------------------------------------------------
# List pages: a fixed number of queries however many rows
# ---------------------------------------------------------------------------------------------


def add_releases(cast, n):
    for i in range(n):
        submitted(cast, title=f"Extra {i}")


def add_published(cast, n):
    for i in range(n):
        published(cast, title=f"Extra {i}")


def add_spokespeople(cast, n):
    for i in range(n):
        press.spokesperson_appoint(
            council=cast.council,
            user=cast.vice_chair,
            speaks_on=f"Extra {i}",
            starts_on=TODAY(),
            ends_on=None,
            acting_user=cast.clerk,
        )


def add_periods(cast, n):
    for i in range(n):
        press.period_record(
            council=cast.council,
            name=f"Extra {i}",
            starts_on=TODAY() + timedelta(days=100 + i),
            ends_on=TODAY() + timedelta(days=120 + i),
            acting_user=cast.clerk,
        )


def add_enquiries(cast, n):
    for i in range(n):
        enquiry = press.enquiry_log(
            council=cast.council,
            received_on=TODAY(),
            journalist=f"Extra {i}",
            outlet="Gazette",
            question="Question?",
            acting_user=cast.officer,
        )
        if i % 2:
            press.enquiry_reply(
                enquiry=enquiry,
                reply="Answer.",
                replied_on=TODAY(),
                replied_by=cast.rfo,
                acting_user=cast.officer,
            )


# The common queries of a council page: tests/query_counts.py.
LISTS = [
    # clerk: releases with authors + current spokespeople with people + the period running or
    # next
    ("clerk", "press:release_list", COUNCIL_PAGE + PAGE_OF + 3, add_releases),
    # the chair drafts as chair (no spokesperson query): the same three
    ("chair", "press:release_list", COUNCIL_PAGE + PAGE_OF + 3, add_releases),
    # councillor2 may not draft: "a spokesperson?" + spokespeople + the period
    ("councillor2", "press:release_list", COUNCIL_PAGE + 3, add_spokespeople),
    # clerk: appointments with people
    ("clerk", "press:spokespeople", COUNCIL_PAGE + PAGE_OF + 1, add_spokespeople),
    # clerk: periods
    ("clerk", "press:periods", COUNCIL_PAGE + PAGE_OF + 1, add_periods),
    # officer: enquiries with the officers who replied
    ("officer", "press:enquiry_list", COUNCIL_PAGE + PAGE_OF + 1, add_enquiries),
    # anonymous: the council by its slug + published releases (no session, no layout queries)
    ("anonymous", "news:news_list", 2, add_published),
]


@pytest.mark.parametrize(("who", "url_name", "queries", "add_rows"), LISTS)
def test_press_list_pages_have_a_fixed_query_count(
    who, url_name, queries, add_rows, cast, client_for, django_assert_num_queries
):
    client = client_for(who)
    url = reverse(url_name, args=[cast.council.slug])
    add_rows(cast, 1)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_rows(cast, 20)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(re.findall(r"Extra \d+", response.content.decode())) >= 21
