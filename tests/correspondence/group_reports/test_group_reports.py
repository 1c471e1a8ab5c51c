"""R15: a report prepared for one political group holds facts and options, no recommendation;
when it is issued, every other group is told that it exists.

The cast's groups in Little Wickham: the Oak Party (chair, councillor) and the Independents
(councillor2, vice_chair); personnel belongs to no group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from correspondence.demo import demo_group_reports
from correspondence.group_reports import services as group_reports
from correspondence.group_reports.forms import GroupReportForm
from correspondence.models import GroupReport
from correspondence.panels import group_reports_panel as home_panel
from council import services as council_services
from council.models import Notification, PoliticalGroup
from council.policy import standing_for
from tests.conftest import ROLES
from tests.query_counts import COUNCIL_PAGE, PAGE_OF

FACTS = "FACT-ONLY-TEXT: the roof leaks in two places."
OPTIONS = "OPTION-ONLY-TEXT: patch it, or re-roof in slate."
RECOMMENDING = "We advise that the council should re-roof in slate."

COUNCILLORS = {"chair", "vice_chair", "councillor", "councillor2", "personnel"}
OFFICERS = {"clerk", "rfo", "officer"}
MEMBERS = COUNCILLORS | OFFICERS
OAK = {"chair", "councillor"}
INDEPENDENTS = {"councillor2", "vice_chair"}


def group(cast, name: str) -> PoliticalGroup:
    return PoliticalGroup.objects.get(council=cast.council, name=name)


def prepare(cast, group_name: str = "Oak Party", **overrides) -> GroupReport:
    values = {
        "council": cast.council,
        "group": group(cast, group_name),
        "subject": "Options for the village hall roof",
        "facts": FACTS,
        "options": OPTIONS,
        "acting_user": cast.clerk,
        **overrides,
    }
    return group_reports.report_save(**values)


def issue(cast, report: GroupReport, who: str = "clerk") -> GroupReport:
    return group_reports.report_issue(report=report, acting_user=cast.by_name(who))


def url(cast, name: str, report: GroupReport | None = None) -> str:
    args = [cast.council.slug] + ([report.pk] if report else [])
    return reverse(f"group_reports:{name}", args=args)


def form_data(cast, **overrides) -> dict:
    return {
        "group": group(cast, "Oak Party").pk,
        "subject": "Options for the village hall roof",
        "facts": FACTS,
        "options": OPTIONS,
        **overrides,
    }


def notices(user) -> Counter:
    """The group report notices a person has, counted by kind of notice ("told" or "issued")."""
    keys = Notification.objects.filter(user=user, kind="group_report").values_list("key", flat=True)
    return Counter(key.split(":")[2] for key in keys)


# ---------------------------------------------------------------------------------------------
# No place for a recommendation, and a warning when the text recommends
# ---------------------------------------------------------------------------------------------


def test_r15_neither_the_form_nor_the_model_has_a_place_for_a_recommendation(cast):
    standing = standing_for(cast.clerk, cast.council)
    assert list(GroupReportForm(standing=standing).fields) == [
        "group",
        "subject",
        "facts",
        "options",
    ]
    names = [f.name for f in GroupReport._meta.get_fields()]
    assert "facts" in names and "options" in names
    assert [n for n in names if "recommend" in n.lower()] == []


@pytest.mark.parametrize(
    "text, phrases",
    [
        ("The roof leaks. Patching costs £6,500.", []),
        ("We recommend option 2.", ["recommend"]),
        ("Recommendation: option 2. We RECOMMEND it.", ["recommendation", "recommend"]),
        (RECOMMENDING, ["we advise", "should"]),
        ("Officers advise that option 1 ought to\nbe taken.", ["advise that", "ought to"]),
        (
            "The best option is 3; it is the preferred option.",
            ["the best option", "preferred option"],
        ),
        ("We suggest a loan. We propose that it starts in May.", ["we suggest", "propose that"]),
        # Word boundaries: a shoulder of the roof, a recommender's letter, unadvised.
        ("The shoulder of the roof; a recommender; unadvised.", []),
    ],
)
def test_r15_recommending_phrases_finds_the_words_that_recommend(text, phrases):
    assert group_reports.recommending_phrases(text) == phrases


def test_r15_the_form_warns_when_the_text_recommends_and_saves_nothing_until_confirmed(
    cast, client_for
):
    client = client_for("clerk")
    data = form_data(cast, options=RECOMMENDING)

    response = client.post(url(cast, "report_new"), data)

    assert response.status_code == 200
    assert GroupReport.objects.count() == 0
    page = response.content.decode()
    assert "This text seems to recommend: &quot;we advise&quot;, &quot;should&quot;." in page
    assert "tick the box to confirm it does not recommend" in page
    assert 'name="confirm_no_recommendation"' in page
    # Nothing is lost: every field keeps what was typed.
    for text in (FACTS, "We advise that the council should re-roof in slate.", data["subject"]):
        assert text.replace("'", "&#x27;") in page

    response = client.post(url(cast, "report_new"), {**data, "confirm_no_recommendation": "on"})

    assert response.status_code == 302
    report = GroupReport.objects.get()
    assert (report.options, report.status, report.prepared_by) == (
        RECOMMENDING,
        GroupReport.Status.DRAFT,
        cast.clerk,
    )
    assert response["Location"] == url(cast, "report_detail", report)


def test_r15_the_confirmation_box_appears_only_when_the_text_recommends(cast, client_for):
    client = client_for("clerk")
    assert b"confirm_no_recommendation" not in client.get(url(cast, "report_new")).content
    response = client.post(url(cast, "report_new"), form_data(cast))
    assert response.status_code == 302
    assert GroupReport.objects.count() == 1


def test_r15_rewriting_the_text_after_the_warning_saves_without_the_box(cast, client_for):
    client = client_for("clerk")
    client.post(url(cast, "report_new"), form_data(cast, facts="You should know this."))
    assert GroupReport.objects.count() == 0
    response = client.post(url(cast, "report_new"), form_data(cast, facts="You need to know this."))
    assert response.status_code == 302
    assert GroupReport.objects.count() == 1


def test_r15_the_service_refuses_recommending_text_unless_confirmed(cast):
    with pytest.raises(ValidationError) as refused:
        prepare(cast, facts="Officers recommend option 2.")
    assert refused.value.message_dict == {
        "confirm_no_recommendation": [group_reports.recommends_message(["recommend"])]
    }
    assert GroupReport.objects.count() == 0
    prepare(cast, facts="Officers recommend option 2.", no_recommendation_confirmed=True)
    assert GroupReport.objects.count() == 1


def test_r15_a_report_is_only_for_a_group_of_its_own_council(cast):
    elsewhere = council_services.group_save(
        group=PoliticalGroup(council=cast.other, name="Plaid"), acting_user=cast.clerk
    )
    with pytest.raises(ValidationError) as refused:
        prepare(cast, group=elsewhere)
    assert refused.value.message_dict == {"group": [group_reports.MSG_GROUP_ELSEWHERE]}
    assert GroupReport.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Issuing: every other group is told, once; the group's own members get their report
# ---------------------------------------------------------------------------------------------


def test_r15_other_groups_are_told_exactly_once_when_a_report_is_issued(cast):
    report = issue(cast, prepare(cast))
    assert (report.status, report.issued_on) == (GroupReport.Status.ISSUED, timezone.localdate())

    with pytest.raises(ValidationError) as refused:
        issue(cast, report, who="rfo")
    day = group_reports.long_date(report.issued_on)
    assert refused.value.messages == [group_reports.MSG_ALREADY_ISSUED.format(day=day)]

    # Every current member of the other group: one notice each, that the report exists.
    for name in INDEPENDENTS:
        assert notices(cast.by_name(name)) == Counter({"told": 1}), name
    # The group's own members: their own notice, not the "other group" one.
    for name in OAK:
        assert notices(cast.by_name(name)) == Counter({"issued": 1}), name
    # Nobody else: no group (personnel), officers, a former councillor, another council.
    for name in ("personnel", "clerk", "rfo", "officer", "former", "other_council"):
        assert notices(cast.by_name(name)) == Counter(), name

    told = Notification.objects.get(user=cast.councillor2, kind="group_report")
    expected = f'A report was prepared for the Oak Party group on "{report.subject}", issued {day}.'
    assert told.body.startswith(expected)
    assert "Oak Party" in told.subject
    assert told.council == cast.council
    for notice in Notification.objects.filter(kind="group_report"):
        for secret in ("FACT-ONLY-TEXT", "OPTION-ONLY-TEXT", "roof leaks", "slate"):
            assert secret not in notice.subject + notice.body
    own = Notification.objects.get(user=cast.chair, kind="group_report")
    assert own.link == url(cast, "report_detail", report)


def test_r15_issuing_again_sends_nothing_more_even_if_the_notices_are_produced_again(cast):
    report = issue(cast, prepare(cast))
    before = Notification.objects.count()
    group_reports._tell_the_groups(report, timezone.localdate())  # a retried run, say
    assert Notification.objects.count() == before


def test_r15_a_membership_that_has_ended_tells_nobody(cast):
    membership = group(cast, "Independents").memberships.get(user=cast.vice_chair)
    council_services.membership_end(
        membership=membership,
        ends_on=timezone.localdate() - timedelta(days=1),
        acting_user=cast.clerk,
    )
    issue(cast, prepare(cast))
    assert notices(cast.vice_chair) == Counter()
    assert notices(cast.councillor2) == Counter({"told": 1})


def test_r15_the_issued_report_says_who_was_told(cast, client_for):
    report = issue(cast, prepare(cast))
    response = client_for("councillor").get(url(cast, "report_detail", report))
    page = response.content.decode()
    assert "Who was told that it exists" in page
    assert f"{cast.councillor2.name} (Independents)" in page
    assert f"{cast.vice_chair.name} (Independents)" in page
    assert "<h2>Facts</h2>" in page and "<h2>Options</h2>" in page
    assert FACTS in page.replace("&#x27;", "'")


# ---------------------------------------------------------------------------------------------
# Who sees a report
# ---------------------------------------------------------------------------------------------


def test_r15_a_councillor_of_another_group_gets_404_on_the_report(cast, client_for):
    report = issue(cast, prepare(cast))
    for name in (*INDEPENDENTS, "personnel"):
        client = client_for(name)
        assert client.get(url(cast, "report_detail", report)).status_code == 404, name
        assert report.subject.encode() not in client.get(url(cast, "report_list")).content
    for name in OAK:
        assert client_for(name).get(url(cast, "report_detail", report)).status_code == 200, name


def test_r15_an_officer_sees_drafts(cast, client_for):
    draft = prepare(cast, "Independents", subject="The precept")
    for name in OFFICERS:
        client = client_for(name)
        assert client.get(url(cast, "report_detail", draft)).status_code == 200, name
        assert b"The precept" in client.get(url(cast, "report_list")).content, name


def test_r15_a_councillor_cannot_see_a_draft_for_their_own_group(cast, client_for):
    draft = prepare(cast, subject="Not yet issued")
    for name in OAK:
        client = client_for(name)
        assert client.get(url(cast, "report_detail", draft)).status_code == 404, name
        assert b"Not yet issued" not in client.get(url(cast, "report_list")).content, name


def test_r15_a_councillor_is_told_how_other_groups_reports_reach_them(cast, client_for):
    page = client_for("councillor2").get(url(cast, "report_list")).content.decode()
    assert "When officers issue a report to another group, you are told" in page


# ---------------------------------------------------------------------------------------------
# Refusals (STYLE 19): the same action succeeds for the right person first
# ---------------------------------------------------------------------------------------------


def state() -> tuple[int, int, int, list[str]]:
    """Rows, history rows, outbox rows, and each report's status."""
    return (
        GroupReport.objects.count(),
        GroupReport.history.count(),
        Notification.objects.count(),
        list(GroupReport.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_r15_issuing_is_for_officers_and_only_once(cast, client_for):
    draft = prepare(cast)
    issue_url = url(cast, "report_issue", draft)

    # A councillor may not issue: refused at the door, nothing changed.
    before = state()
    assert client_for("councillor").post(issue_url).status_code == 403
    assert state() == before

    # The clerk issues it.
    response = client_for("clerk").post(issue_url, follow=True)
    assert response.redirect_chain == [(url(cast, "report_detail", draft), 302)]
    assert b"The report is issued to the Oak Party group" in response.content
    assert GroupReport.objects.get().status == GroupReport.Status.ISSUED
    assert GroupReport.history.filter(status="issued").get().history_user == cast.clerk

    # Another officer tries again: refused with the message, nothing changed.
    before = state()
    response = client_for("rfo").post(issue_url, follow=True)
    day = group_reports.long_date(timezone.localdate())
    message = group_reports.MSG_ALREADY_ISSUED.format(day=day)
    assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert state() == before


def test_r15_only_a_draft_can_be_changed(cast, client_for):
    draft = prepare(cast)
    client = client_for("rfo")

    # A draft changes, with the officer who changed it in its history.
    response = client.post(url(cast, "report_edit", draft), form_data(cast, subject="Roof"))
    assert response.status_code == 302
    assert GroupReport.objects.get().subject == "Roof"
    assert GroupReport.history.first().history_user == cast.rfo

    issue(cast, draft)
    before = state()

    # An issued report does not: the page sends the officer back, the service refuses.
    response = client.post(url(cast, "report_edit", draft), form_data(cast), follow=True)
    message = group_reports.MSG_NOT_A_DRAFT.format(
        day=group_reports.long_date(timezone.localdate())
    )
    assert message.encode() in response.content
    with pytest.raises(ValidationError) as refused:
        prepare(cast, report=draft, subject="Changed")
    assert refused.value.messages == [message]
    assert state() == before
    assert GroupReport.objects.get().subject == "Roof"


# ---------------------------------------------------------------------------------------------
# Every view, for every member of the cast (rows for the project's permission matrix)
# ---------------------------------------------------------------------------------------------


def council_page(allowed: set[str]) -> dict[str, int]:
    """As in test_permission_matrix: sign in first; nobody outside the council learns it exists;
    members whose role does not allow it are told so (403)."""
    answers = {"anonymous": 302, "former": 404, "other_council": 404}
    for role in MEMBERS:
        answers[role] = 200 if role in allowed else 403
    return answers


def report_page(allowed: set[str], refused: set[str] = frozenset()) -> dict[str, int]:
    """A page of one report: everyone else gets the 404 of a report that does not exist."""
    answers = {**council_page(allowed), **dict.fromkeys(MEMBERS - allowed, 404)}
    return {**answers, **dict.fromkeys(refused, 403)}


def group_report(subject: str) -> Callable[[object], int]:
    def get(cast) -> int:
        return GroupReport.objects.get(subject=subject).pk

    return get


@dataclass
class Row:
    name: str
    pk: Callable[[object], int] | None
    answers: dict[str, int]
    method: str = "get"

    @property
    def label(self) -> str:
        report = {ISSUED: "-issued", DRAFT: "-draft"}.get(self.pk, "") if self.pk else ""
        return f"{self.method}-{self.name}{report}"


ISSUED = group_report("matrix oak report")  # issued to the Oak Party
DRAFT = group_report("matrix draft")  # a draft for the Independents

ROWS = [
    Row("report_list", None, council_page(MEMBERS)),
    Row("report_new", None, council_page(OFFICERS)),
    Row("report_detail", ISSUED, report_page(OFFICERS | OAK)),
    Row("report_detail", DRAFT, report_page(OFFICERS)),
    # Councillors are refused at the door (403), whichever the report.
    Row("report_edit", DRAFT, report_page(OFFICERS, refused=COUNCILLORS)),
    Row(
        "report_issue",
        DRAFT,
        {**report_page(OFFICERS, refused=COUNCILLORS), **dict.fromkeys(OFFICERS, 302)},
        method="post",
    ),
    Row(
        "report_issue",
        DRAFT,
        {**report_page(OFFICERS, refused=COUNCILLORS), **dict.fromkeys(OFFICERS, 405)},
    ),
]


@pytest.fixture
def reports(cast):
    issue(cast, prepare(cast, subject="matrix oak report"))
    prepare(cast, "Independents", subject="matrix draft")
    return cast


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.label)
def test_r15_each_view_answers_each_member_of_the_cast(row, reports, client_for):
    cast = reports
    wrong = []
    for role in ROLES:
        args = [cast.council.slug] + ([row.pk(cast)] if row.pk else [])
        address = reverse(f"group_reports:{row.name}", args=args)
        status = getattr(client_for(role), row.method)(address).status_code
        if status != row.answers[role]:
            wrong.append(f"{role}: {status}, expected {row.answers[role]}")
    assert wrong == [], f"{row.method.upper()} {row.name}:\n" + "\n".join(wrong)


def test_every_url_name_has_a_row():
    from correspondence.group_reports import urls as group_report_urls

    assert {p.name for p in group_report_urls.urlpatterns} == {r.name for r in ROWS}


# ---------------------------------------------------------------------------------------------
# The list page's queries, the home panel and the demo
# ---------------------------------------------------------------------------------------------


def add_reports(cast, n: int, *, start: int = 0, drafts: bool = False) -> None:
    """n reports for the Oak Party, issued (with drafts: the even-numbered ones stay drafts)."""
    for i in range(start, start + n):
        report = prepare(cast, subject=f"Report {i}")
        if not (drafts and i % 2 == 0):
            issue(cast, report)


# tests/query_counts.py, then the reports with their group: one query, whatever the number of
# rows (for a councillor, their group memberships are a subquery of it).
@pytest.mark.parametrize(
    "who, expected",
    [("clerk", COUNCIL_PAGE + PAGE_OF + 1), ("councillor", COUNCIL_PAGE + PAGE_OF + 1)],
)
def test_the_list_page_query_count_does_not_grow_with_rows(
    who, expected, cast, client_for, django_assert_num_queries
):
    client = client_for(who)
    address = url(cast, "report_list")
    add_reports(cast, 1)
    with django_assert_num_queries(expected):
        response = client.get(address)
    assert response.content.count(b"<td><a href=") == 1
    add_reports(cast, 19, start=1)
    with django_assert_num_queries(expected):
        response = client.get(address)
    assert response.content.count(b"<td><a href=") == 20
    assert b"Report 19" in response.content


def test_the_home_panel_takes_one_query(cast, rf, django_assert_num_queries):
    add_reports(cast, 3, drafts=True)  # drafts 0 and 2; 1 issued to the Oak Party
    request = rf.get("/")
    for who, expected in [
        ("clerk", {"drafts": 2, "issued": 1}),
        ("councillor", {"drafts": 0, "issued": 1}),
    ]:
        standing = standing_for(cast.by_name(who), cast.council)
        with django_assert_num_queries(1):
            template, context = home_panel(request, standing)
        assert template == "correspondence/group_reports/home_panel.html"
        assert context["counts"] == expected
    # No report for their group: no panel.
    for who in ("councillor2", "personnel"):
        assert home_panel(request, standing_for(cast.by_name(who), cast.council)) is None


def test_the_demo_has_an_issued_report_for_the_oak_party_and_a_draft_for_the_independents(cast):
    demo_group_reports(cast)
    issued = GroupReport.objects.get(status="issued")
    draft = GroupReport.objects.get(status="draft")
    assert (issued.group.name, draft.group.name) == ("Oak Party", "Independents")
    assert notices(cast.councillor2) == Counter({"told": 1})
    for report in (issued, draft):
        text = f"{report.subject} {report.facts} {report.options}"
        assert group_reports.recommending_phrases(text) == []
