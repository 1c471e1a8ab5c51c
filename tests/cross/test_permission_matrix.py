"""The permission matrix: every URL of the project, for every member of the cast, with the answer
each must get. A URL added without a row here fails `test_every_url_is_in_the_matrix`.

Answers: 200 the page; 302 a redirect (anonymous → sign in, or an action done); 403 a page of
your own council that your role does not allow; 404 a council, or an object, that is not yours
(the same answer as one that does not exist); 405 a GET on an action that needs POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from council.models import Notification
from tests.conftest import ROLES

COUNCILLORS = {"chair", "vice_chair", "councillor", "councillor2", "personnel"}
OFFICERS = {"clerk", "rfo", "officer"}
MEMBERS = COUNCILLORS | OFFICERS
SIGNED_IN = set(ROLES) - {"anonymous"}


def council_page(allowed: set[str]) -> dict[str, int]:
    """A page of one council: sign in first; nobody outside the council learns it exists (404);
    members whose role does not allow it are told so (403)."""
    answers = {"anonymous": 302, "former": 404, "other_council": 404}
    for role in MEMBERS:
        answers[role] = 200 if role in allowed else 403
    return answers


def council_action(allowed: set[str]) -> dict[str, int]:
    """A POST action of one council: allowed members are redirected back after it."""
    return {
        role: 302 if status == 200 else status for role, status in council_page(allowed).items()
    }


def signed_in_page() -> dict[str, int]:
    return {role: (302 if role == "anonymous" else 200) for role in ROLES}


@dataclass
class Row:
    kwargs: Callable[[object], dict]
    answers: dict[str, int]
    method: str = "get"
    data: Callable[[object], dict] | None = None


def council_kwargs(**extra: Callable[[object], object]) -> Callable[[object], dict]:
    def build(cast) -> dict:
        return {"council_slug": cast.council.slug, **{k: f(cast) for k, f in extra.items()}}

    return build


def no_kwargs(cast) -> dict:
    return {}


CLERK_ONLY = {"clerk"}
PUBLIC = {role: 200 for role in ROLES}


def request_page(answers: dict[str, int]) -> dict[str, int]:
    """A page of one information request: everyone not named gets the same 404 as for a request
    that does not exist, so another councillor never learns what a colleague asked for."""
    return {
        "anonymous": 302,
        "former": 404,
        "other_council": 404,
        **dict.fromkeys(MEMBERS, 404),
        **answers,
    }


def officer_request_page(answers: dict[str, int]) -> dict[str, int]:
    """An officer's action on a request: councillors are refused at the door (403, whichever the
    request); officers who cannot see this request get 404."""
    return request_page({**dict.fromkeys(COUNCILLORS, 403), **answers})


def personal_data_page(person: str) -> dict[str, int]:
    """Everything held about one person: the Proper Officer's, and the person's own; anyone else
    gets the same 404 as for a person who is not there (they learn nothing, not even that)."""
    return request_page({"clerk": 200, person: 200})


def info_request(summary: str):
    def get(cast) -> int:
        from correspondence.models import InformationRequest

        return InformationRequest.objects.get(summary=summary).pk

    return get


def concern_with(what_happened: str):
    def get(cast) -> int:
        from concerns.models import Concern

        return Concern.objects.get(what_happened=what_happened).pk

    return get


def letter(subject: str):
    def get(cast) -> int:
        from correspondence.models import Correspondence

        return Correspondence.objects.get(subject=subject).pk

    return get


def group_report(subject: str):
    def get(cast) -> int:
        from correspondence.models import GroupReport

        return GroupReport.objects.get(subject=subject).pk

    return get


def release(title: str):
    def get(cast) -> int:
        from correspondence.models import PressRelease

        return PressRelease.objects.get(title=title).pk

    return get


def first_of(model_path: str):
    def get(cast) -> int:
        from django.apps import apps

        return apps.get_model(model_path).objects.get(council=cast.council).pk

    return get


# R13: officers, the chair and the committee chairs (planning: councillor; personnel: personnel)
# draft press releases; the vice-chair and councillor2 chair nothing and are no spokespeople.
DRAFTERS = OFFICERS | {"chair", "councillor", "personnel"}


def chairs_release(answers: dict[str, int]) -> dict[str, int]:
    """A page of the chair's release: drafters who cannot see it get the same 404 as for one that
    does not exist; those who may not draft are refused at the door (403)."""
    return {**council_page(DRAFTERS), **dict.fromkeys(DRAFTERS, 404), **answers}


CONCERN_HANDLERS = {"clerk", "chair", "vice_chair"}
HEARING_READERS = {"officer", "councillor2", "personnel", "vice_chair", "councillor"}


def draft_of(cast):
    return cast.council.protocols.get(status="draft")


def expectation_of(cast):
    from protocol.models import Expectation

    return Expectation.objects.filter(section__version=draft_of(cast)).first()


MATRIX: dict[str, Row] = {
    # Site-wide pages.
    "home": Row(
        no_kwargs,
        {
            **{role: 302 for role in SIGNED_IN},  # one council: straight to it
            "anonymous": 200,  # the public list of councils
            "clerk": 200,  # two councils: the chooser
            "former": 200,  # no council any more: a page that says so
        },
    ),
    "healthz": Row(no_kwargs, {role: 200 for role in ROLES}),
    "accessibility": Row(no_kwargs, PUBLIC),  # the accessibility statement, linked from every page
    "two_factor_required": Row(no_kwargs, signed_in_page()),
    "notifications": Row(no_kwargs, signed_in_page()),
    # Subject access (UK GDPR art. 15): everyone signed in has their own copy, former members too.
    "my_data": Row(no_kwargs, signed_in_page()),
    "my_data_json": Row(no_kwargs, signed_in_page()),
    "notification_open": Row(
        lambda cast: {"pk": Notification.objects.get(key="matrix:councillor").pk},
        {
            **{role: 404 for role in SIGNED_IN},  # somebody else's notification
            "anonymous": 302,
            "councillor": 302,  # their own: marked read, then on to its link
        },
        method="post",
    ),
    # A council's home and settings.
    "council:home": Row(council_kwargs(), council_page(MEMBERS)),
    "council:settings": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "council:retention_settings": Row(council_kwargs(), council_page(CLERK_ONLY)),
    # People and roles: the Proper Officer's (R3).
    "council:people": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "council:person_invite": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "council:person_detail": Row(
        council_kwargs(user_id=lambda c: c.councillor.pk), council_page(CLERK_ONLY)
    ),
    "council:person_data": Row(
        council_kwargs(user_id=lambda c: c.councillor.pk), personal_data_page("councillor")
    ),
    "council:person_data_json": Row(
        council_kwargs(user_id=lambda c: c.councillor.pk), personal_data_page("councillor")
    ),
    "council:invitation_resend": Row(
        council_kwargs(user_id=lambda c: c.councillor.pk),
        council_action(CLERK_ONLY),
        method="post",
    ),
    "council:role_add": Row(
        council_kwargs(user_id=lambda c: c.councillor.pk), council_page(CLERK_ONLY)
    ),
    "council:role_edit": Row(
        council_kwargs(role_id=lambda c: c.councillor.roles.get().pk), council_page(CLERK_ONLY)
    ),
    # Committees, seats and groups: all councillors and officers see them; the clerk keeps them.
    "council:committees": Row(council_kwargs(), council_page(MEMBERS)),
    "council:committee_new": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "council:committee_detail": Row(
        council_kwargs(pk=lambda c: c.planning.pk), council_page(MEMBERS)
    ),
    "council:committee_edit": Row(
        council_kwargs(pk=lambda c: c.planning.pk), council_page(CLERK_ONLY)
    ),
    "council:seat_add": Row(council_kwargs(pk=lambda c: c.planning.pk), council_page(CLERK_ONLY)),
    "council:seat_end": Row(
        council_kwargs(pk=lambda c: c.planning.seats.first().pk), council_page(CLERK_ONLY)
    ),
    "council:groups": Row(council_kwargs(), council_page(MEMBERS)),
    "council:group_new": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "council:group_detail": Row(
        council_kwargs(pk=lambda c: c.council.political_groups.first().pk), council_page(MEMBERS)
    ),
    "council:group_edit": Row(
        council_kwargs(pk=lambda c: c.council.political_groups.first().pk),
        council_page(CLERK_ONLY),
    ),
    "council:membership_add": Row(
        council_kwargs(pk=lambda c: c.council.political_groups.first().pk),
        council_page(CLERK_ONLY),
    ),
    "council:membership_end": Row(
        council_kwargs(pk=lambda c: c.council.political_groups.first().memberships.first().pk),
        council_page(CLERK_ONLY),
    ),
    # The document register: titles for councillors and officers, upkeep for officers.
    "council:documents": Row(council_kwargs(), council_page(MEMBERS)),
    "council:document_new": Row(council_kwargs(), council_page(OFFICERS)),
    "council:document_detail": Row(
        council_kwargs(pk=lambda c: c.committee_document.pk), council_page(MEMBERS)
    ),
    "council:document_edit": Row(
        council_kwargs(pk=lambda c: c.committee_document.pk), council_page(OFFICERS)
    ),
    "council:document_replace": Row(
        council_kwargs(pk=lambda c: c.committee_document.pk), council_page(OFFICERS)
    ),
    # A committee document's content: officers only; councillors ask for it (R5–R8).
    "council:document_download": Row(
        council_kwargs(pk=lambda c: c.committee_document.pk), council_page(OFFICERS)
    ),
    # The protocol's public pages: anyone, signed in or not, of any council (R24).
    "protocol:current": Row(council_kwargs(), PUBLIC),
    "protocol:versions": Row(council_kwargs(), PUBLIC),
    "protocol:version": Row(council_kwargs(number=lambda c: 1), PUBLIC),
    "protocol:changes": Row(council_kwargs(number=lambda c: 1), PUBLIC),
    # Drafting and adoption: the Proper Officer only (R24).
    "protocol:manage": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "protocol:draft_start": Row(council_kwargs(), council_action(CLERK_ONLY), method="post"),
    "protocol:import": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "protocol:import_confirm": Row(council_kwargs(), council_action(CLERK_ONLY), method="post"),
    "protocol:draft": Row(council_kwargs(pk=lambda c: draft_of(c).pk), council_page(CLERK_ONLY)),
    "protocol:section_new": Row(
        council_kwargs(pk=lambda c: draft_of(c).pk), council_page(CLERK_ONLY)
    ),
    "protocol:adopt": Row(council_kwargs(pk=lambda c: draft_of(c).pk), council_page(CLERK_ONLY)),
    "protocol:section_edit": Row(
        council_kwargs(pk=lambda c: draft_of(c).sections.first().pk), council_page(CLERK_ONLY)
    ),
    "protocol:section_move": Row(
        council_kwargs(pk=lambda c: draft_of(c).sections.first().pk),
        council_action(CLERK_ONLY),
        method="post",
    ),
    "protocol:section_delete": Row(
        council_kwargs(pk=lambda c: draft_of(c).sections.first().pk), council_page(CLERK_ONLY)
    ),
    "protocol:expectation_new": Row(
        council_kwargs(pk=lambda c: draft_of(c).sections.first().pk), council_page(CLERK_ONLY)
    ),
    "protocol:expectation_edit": Row(
        council_kwargs(pk=lambda c: expectation_of(c).pk), council_page(CLERK_ONLY)
    ),
    "protocol:expectation_move": Row(
        council_kwargs(pk=lambda c: expectation_of(c).pk),
        council_action(CLERK_ONLY),
        method="post",
    ),
    "protocol:expectation_delete": Row(
        council_kwargs(pk=lambda c: expectation_of(c).pk),
        council_action(CLERK_ONLY),
        method="post",
    ),
    "protocol:acknowledgements": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "protocol:acknowledgements_remind": Row(
        council_kwargs(), council_action(CLERK_ONLY), method="post"
    ),
    # Acknowledging (R26): every councillor and officer.
    "protocol:acknowledge": Row(
        council_kwargs(),
        council_action(MEMBERS),
        method="post",
        data=lambda c: {"version": c.council.protocols.get(status="adopted").pk},
    ),
    # Information requests (R3, R5–R9): councillors ask; the officers' queue; the Proper Officer
    # watches timeliness and the access log.
    "requests:request_list": Row(council_kwargs(), council_page(COUNCILLORS)),
    "requests:request_new": Row(council_kwargs(), council_page(COUNCILLORS)),
    "requests:request_queue": Row(council_kwargs(), council_page(OFFICERS)),
    "requests:access_log": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "requests:timeliness": Row(council_kwargs(), council_page(CLERK_ONLY)),
    # One councillor's open request: theirs and the Proper Officer's, nobody else's.
    "requests:request_detail": Row(
        council_kwargs(pk=info_request("matrix open")),
        request_page({"councillor": 200, "clerk": 200}),
    ),
    "requests:request_withdraw": Row(
        council_kwargs(pk=info_request("matrix open")),
        request_page({"councillor": 302, "clerk": 403}),
        method="post",
    ),
    "requests:request_clarify": Row(
        council_kwargs(pk=info_request("matrix open")),
        request_page({"councillor": 200, "clerk": 403}),
    ),
    "requests:request_ask": Row(
        council_kwargs(pk=info_request("matrix open")), officer_request_page({"clerk": 200})
    ),
    "requests:request_delegate": Row(
        council_kwargs(pk=info_request("matrix open")), officer_request_page({"clerk": 200})
    ),
    "requests:request_decide": Row(
        council_kwargs(pk=info_request("matrix open")), officer_request_page({"clerk": 200})
    ),
    # A granted request: the released document reaches the councillor who asked, only (R8).
    "requests:release_confirm": Row(
        council_kwargs(pk=info_request("matrix granted")),
        request_page({"councillor": 200, "clerk": 403}),
    ),
    "requests:release_download": Row(
        council_kwargs(
            pk=info_request("matrix granted"), document_pk=lambda c: c.committee_document.pk
        ),
        request_page({"councillor": 200, "clerk": 403}),
    ),
    # Concerns (R16, R17): councillors and officers raise them; the Proper Officer, the chair and
    # the vice-chair may be given them to handle. A concern itself is seen by the person who
    # raised it and its handlers only: an officer's concern about councillor2, handled by the
    # clerk, before councillor2 is told.
    "concerns:concern_list": Row(council_kwargs(), council_page(MEMBERS)),
    "concerns:concern_new": Row(council_kwargs(), council_page(MEMBERS)),
    "concerns:concern_queue": Row(council_kwargs(), council_page(CONCERN_HANDLERS)),
    # R23: the chair's escalations page (the vice-chair's too, for matters about the chair); R20:
    # the personnel committee's hearings, which the clerk arranges; the outcome counts (no names)
    # for the clerk.
    "concerns:escalations": Row(council_kwargs(), council_page({"chair", "vice_chair"})),
    "concerns:hearings": Row(
        council_kwargs(), council_page({"clerk", "personnel", "vice_chair", "councillor"})
    ),
    "concerns:outcomes": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "concerns:concern_detail": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 200, "clerk": 200}),
    ),
    "concerns:concern_history": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    "concerns:concern_triage": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    "concerns:concern_tell": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    "concerns:concern_note": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    "concerns:concern_refer": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    "concerns:concern_close": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    "concerns:concern_withdraw": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 302, "clerk": 403}),
        method="post",
    ),
    "concerns:concern_formal": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 302}),
        method="post",
    ),
    "concerns:hearing_arrange": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 403, "clerk": 200}),
    ),
    # R20: a concern at its hearing: the panel (three of the personnel committee) reads it, the
    # person it is about has been told; only the handler acts.
    "concerns:hearing_move": Row(
        council_kwargs(pk=concern_with("matrix concern, formal")),
        request_page({**dict.fromkeys(HEARING_READERS, 403), "clerk": 200}),
    ),
    "concerns:hearing_decide": Row(
        council_kwargs(pk=concern_with("matrix concern, formal")),
        request_page({**dict.fromkeys(HEARING_READERS, 403), "clerk": 200}),
    ),
    # R22: the person who raised it (or the person it is about) appeals.
    "concerns:concern_appeal": Row(
        council_kwargs(pk=concern_with("matrix concern")),
        request_page({"officer": 200, "clerk": 403}),
    ),
    # The correspondence register (R10–R12): officers keep it; a councillor sees what names them
    # (the matrix letter: to councillor, copied to councillor2); a draft is the officers' alone.
    "letters:item_list": Row(council_kwargs(), council_page(MEMBERS)),
    "letters:item_new": Row(council_kwargs(), council_page(OFFICERS)),
    "letters:item_detail": Row(
        council_kwargs(pk=letter("matrix letter")),
        request_page({**dict.fromkeys(OFFICERS, 200), "councillor": 200, "councillor2": 200}),
    ),
    "letters:item_send": Row(
        council_kwargs(pk=letter("matrix draft")), council_action(OFFICERS), method="post"
    ),
    "letters:item_copy": Row(
        council_kwargs(pk=letter("matrix letter")),
        request_page({**dict.fromkeys(OFFICERS, 200), "councillor": 403, "councillor2": 403}),
    ),
    # Group reports (R15): officers prepare them; an issued report is for its group (the Oak
    # Party: chair, councillor) and the officers; a draft is the officers' alone.
    "group_reports:report_list": Row(council_kwargs(), council_page(MEMBERS)),
    "group_reports:report_new": Row(council_kwargs(), council_page(OFFICERS)),
    "group_reports:report_detail": Row(
        council_kwargs(pk=group_report("matrix report")),
        request_page(dict.fromkeys(OFFICERS | {"chair", "councillor"}, 200)),
    ),
    "group_reports:report_edit": Row(
        council_kwargs(pk=group_report("matrix draft report")),
        officer_request_page(dict.fromkeys(OFFICERS, 200)),
    ),
    "group_reports:report_issue": Row(
        council_kwargs(pk=group_report("matrix report to issue")),
        officer_request_page(dict.fromkeys(OFFICERS, 302)),
        method="post",
    ),
    # The press (R13, R14): drafters draft, the Proper Officer approves and publishes; officers
    # log enquiries; the news pages are public.
    "press:release_list": Row(council_kwargs(), council_page(MEMBERS)),
    "press:release_new": Row(council_kwargs(), council_page(DRAFTERS)),
    "press:release_detail": Row(
        council_kwargs(pk=release("matrix submitted")),
        request_page({"chair": 200, "clerk": 200}),
    ),
    "press:release_edit": Row(
        council_kwargs(pk=release("matrix draft")), chairs_release({"chair": 200, "clerk": 403})
    ),
    "press:release_submit": Row(
        council_kwargs(pk=release("matrix draft to submit")),
        chairs_release({"chair": 302, "clerk": 403}),
        method="post",
    ),
    "press:release_reopen": Row(
        council_kwargs(pk=release("matrix to reopen")),
        chairs_release({"chair": 302, "clerk": 302}),
        method="post",
    ),
    "press:release_withdraw": Row(
        council_kwargs(pk=release("matrix to withdraw")),
        chairs_release({"chair": 302, "clerk": 302}),
        method="post",
    ),
    "press:release_approve": Row(
        council_kwargs(pk=release("matrix submitted")), council_page(CLERK_ONLY)
    ),
    "press:release_publish": Row(
        council_kwargs(pk=release("matrix approved")), council_action(CLERK_ONLY), method="post"
    ),
    "press:spokespeople": Row(council_kwargs(), council_page(MEMBERS)),
    "press:spokesperson_new": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "press:spokesperson_end": Row(
        council_kwargs(pk=first_of("council.Spokesperson")), council_page(CLERK_ONLY)
    ),
    "press:periods": Row(council_kwargs(), council_page(MEMBERS)),
    "press:period_new": Row(council_kwargs(), council_page(CLERK_ONLY)),
    "press:enquiry_list": Row(council_kwargs(), council_page(OFFICERS)),
    "press:enquiry_new": Row(council_kwargs(), council_page(OFFICERS)),
    "press:enquiry_reply": Row(
        council_kwargs(pk=first_of("correspondence.PressEnquiry")), council_page(OFFICERS)
    ),
    "news:news_list": Row(council_kwargs(), PUBLIC),
    "news:news_detail": Row(council_kwargs(pk=release("matrix published")), PUBLIC),
    # History (R27): a role's history is for those who manage people.
    "council:history": Row(
        council_kwargs(kind=lambda c: "role", pk=lambda c: c.councillor.roles.get().pk),
        council_page(CLERK_ONLY),
    ),
}

# Further checks of URLs whose answer depends on the object, beside the one row above.
EXTRA: list[tuple[str, Row]] = [
    # Subject access to a person of another council through this council's address: 404 for
    # everyone, the clerk of both councils too.
    (
        "council:person_data",
        Row(council_kwargs(user_id=lambda c: c.other_council.pk), request_page({})),
    ),
    # R16: once told, the person a concern is about sees it too (but not its history).
    (
        "concerns:concern_detail",
        Row(
            council_kwargs(pk=concern_with("matrix concern, told")),
            request_page({"officer": 200, "clerk": 200, "councillor2": 200}),
        ),
    ),
    (
        "concerns:concern_history",
        Row(
            council_kwargs(pk=concern_with("matrix concern, told")),
            request_page({"officer": 403, "clerk": 200, "councillor2": 403}),
        ),
    ),
    (
        "concerns:concern_detail",
        Row(
            council_kwargs(pk=concern_with("matrix concern, formal")),
            request_page({**dict.fromkeys(HEARING_READERS, 200), "clerk": 200}),
        ),
    ),
    # R13: a release not yet published is on no news page.
    (
        "news:news_detail",
        Row(council_kwargs(pk=release("matrix submitted")), dict.fromkeys(ROLES, 404)),
    ),
    # R17: a concern about the Proper Officer is the chair's, not the clerk's.
    (
        "concerns:concern_detail",
        Row(
            council_kwargs(pk=concern_with("matrix concern about the clerk")),
            request_page({"councillor": 200, "chair": 200}),
        ),
    ),
    # R3: a request the Proper Officer passed to the RFO: the RFO handles it, other officers do
    # not see it.
    (
        "requests:request_detail",
        Row(
            council_kwargs(pk=info_request("matrix delegated")),
            request_page({"chair": 200, "clerk": 200, "rfo": 200}),
        ),
    ),
    (
        "requests:request_decide",
        Row(
            council_kwargs(pk=info_request("matrix delegated")),
            officer_request_page({"clerk": 200, "rfo": 200}),
        ),
    ),
    (
        "requests:request_delegate",
        Row(
            council_kwargs(pk=info_request("matrix delegated")),
            officer_request_page({"clerk": 200, "rfo": 403}),
        ),
    ),
    # A public document's content is open to every member.
    (
        "council:document_download",
        Row(council_kwargs(pk=lambda c: c.public_document.pk), council_page(MEMBERS)),
    ),
    # A document's history is for everyone who can see the register.
    (
        "council:history",
        Row(
            council_kwargs(kind=lambda c: "document", pk=lambda c: c.public_document.pk),
            council_page(MEMBERS),
        ),
    ),
    # The council's own details' history is for the Proper Officer, who keeps them.
    (
        "council:history",
        Row(
            council_kwargs(kind=lambda c: "council", pk=lambda c: c.council.pk),
            council_page(CLERK_ONLY),
        ),
    ),
    # Another council's object through this council's address: 404 even for the clerk of both.
    (
        "council:committee_detail",
        Row(
            council_kwargs(pk=lambda c: c.other.committees.get().pk),
            {**council_page(set()), **{role: 404 for role in MEMBERS}},
        ),
    ),
    (
        "council:person_detail",
        Row(
            council_kwargs(user_id=lambda c: c.other_council.pk),
            {
                **council_page(set()),
                **{role: (404 if role == "clerk" else 403) for role in MEMBERS},
            },
        ),
    ),
]


def project_url_names() -> set[str]:
    """Every named URL of the project's own apps (not the admin's or allauth's)."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                module = getattr(p.urlconf_module, "__name__", "")
                if p.namespace == "admin" or module.startswith("allauth"):
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_is_in_the_matrix():
    assert project_url_names() - set(MATRIX) == set()
    assert set(MATRIX) - project_url_names() == set()


@pytest.fixture
def matrix_data(cast):
    return make_matrix_data(cast)


def make_matrix_data(cast):
    """The objects the rows name, beside the cast. A plain function as well as the fixture, so
    that tests/cross/test_hostile_input.py can build them once for its whole module."""
    from council import outbox
    from protocol import services as protocol_services

    # Version 1 adopted, version 2 a draft.
    v1 = protocol_services.draft_start(council=cast.council, source="model", acting_user=cast.clerk)
    protocol_services.version_adopt(
        version=v1,
        adopted_on=timezone.localdate(),
        minute_reference="26/1",
        review_on=timezone.localdate() + timedelta(days=365),
        acting_user=cast.clerk,
    )
    protocol_services.draft_start(council=cast.council, source="current", acting_user=cast.clerk)

    from correspondence.requests import services as requests
    from council.policy import standing_for

    def ask(who, summary, documents):
        return requests.request_submit(
            standing=standing_for(who, cast.council),
            documents=documents,
            summary=summary,
            information="",
            purpose="For the next meeting.",
            justification="",
        )

    ask(cast.councillor, "matrix open", [cast.committee_document])
    granted = ask(cast.councillor, "matrix granted", [cast.committee_document])
    requests.request_decide(
        info_request=granted, outcome="granted", reasons="Presumed.", acting_user=cast.clerk
    )
    requests.release_confirm_purpose(info_request=granted, acting_user=cast.councillor)
    delegated = ask(cast.chair, "matrix delegated", [cast.confidential_document])
    requests.request_delegate(info_request=delegated, officer=cast.rfo, acting_user=cast.clerk)

    from concerns import formal as concern_formal
    from concerns import services as concerns

    def concern(raiser, subject, what):
        return concerns.concern_raise(
            raiser=standing_for(raiser, cast.council),
            subject=subject,
            kind="conduct",
            what_happened=what,
        )

    concern(cast.officer, cast.councillor2, "matrix concern")
    told = concern(cast.officer, cast.councillor2, "matrix concern, told")
    concerns.concern_tell_subject(concern=told, message="Raised with you.", acting_user=cast.clerk)
    concern(cast.councillor, cast.clerk, "matrix concern about the clerk")
    heard = concern(cast.officer, cast.councillor2, "matrix concern, formal")
    concerns.concern_tell_subject(concern=heard, message="Raised with you.", acting_user=cast.clerk)
    concern_formal.concern_start_formal(concern=heard, acting_user=cast.clerk)
    concern_formal.hearing_arrange(
        concern=heard,
        held_on=timezone.localdate() + timedelta(days=10),
        members=[cast.personnel, cast.vice_chair, cast.councillor],
        acting_user=cast.clerk,
    )

    from correspondence.letters import services as letters

    for subject in ("matrix letter", "matrix draft"):
        item = letters.item_draft(
            council=cast.council,
            kind="email",
            subject=subject,
            body="Text.",
            recipients=[
                letters.To(user=cast.councillor),
                letters.To(line="cc", user=cast.councillor2),
            ],
            signatory=cast.clerk,
            acting_user=cast.clerk,
        )
        if subject == "matrix letter":
            letters.item_send(item=item, acting_user=cast.clerk)

    from correspondence.group_reports import services as group_reports
    from council.models import PoliticalGroup

    oak = PoliticalGroup.objects.get(council=cast.council, name="Oak Party")
    for subject in ("matrix report", "matrix draft report", "matrix report to issue"):
        report = group_reports.report_save(
            council=cast.council,
            group=oak,
            subject=subject,
            facts="The roof leaks.",
            options="Repair it, or replace it.",
            acting_user=cast.clerk,
        )
        if subject == "matrix report":
            group_reports.report_issue(report=report, acting_user=cast.clerk)

    from correspondence.press import services as press

    def chairs(title, *steps):
        made = press.press_draft(
            council=cast.council,
            title=title,
            body="New benches on the green.",
            quoted=None,
            quote="",
            sensitive=False,
            acting_user=cast.chair,
        )
        for step in steps:
            made = step(
                release=made, acting_user=cast.clerk if step != press.press_submit else cast.chair
            )
        return made

    chairs("matrix draft")
    chairs("matrix draft to submit")
    chairs("matrix submitted", press.press_submit)
    chairs("matrix to reopen", press.press_submit)
    chairs("matrix to withdraw", press.press_submit)
    chairs("matrix approved", press.press_submit, press.press_approve)
    chairs("matrix published", press.press_submit, press.press_approve, press.press_publish)
    press.spokesperson_appoint(
        council=cast.council,
        user=cast.rfo,
        speaks_on="the budget",
        starts_on=timezone.localdate(),
        ends_on=None,
        acting_user=cast.clerk,
    )
    press.enquiry_log(
        council=cast.council,
        received_on=timezone.localdate(),
        journalist="Sam Carter",
        outlet="",
        question="Any news?",
        acting_user=cast.officer,
    )

    outbox.notification_create(
        user=cast.councillor,
        council=cast.council,
        key="matrix:councillor",
        kind="test",
        subject="A notice for the councillor",
        body="Body",
        link=reverse("council:home", args=[cast.council.slug]),
    )
    return cast


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, matrix_data, client_for):
    cast = matrix_data
    client = client_for(role)
    wrong = []
    for name, row in [*MATRIX.items(), *EXTRA]:
        url = reverse(name, kwargs=row.kwargs(cast))
        data = row.data(cast) if row.data else {}
        response = getattr(client, row.method)(url, data)
        if response.status_code != row.answers[role]:
            wrong.append(
                f"{row.method.upper()} {url}: {response.status_code}, expected {row.answers[role]}"
            )
        # Issue 20: no answer to a signed-in person may be stored by a browser or a proxy.
        if role != "anonymous" and response.get("Cache-Control") != "private, no-store":
            wrong.append(
                f"{row.method.upper()} {url}: Cache-Control {response.get('Cache-Control')}"
            )
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


def test_anonymous_is_sent_to_sign_in_with_the_page_to_return_to(cast, client_for):
    url = reverse("council:people", args=[cast.council.slug])
    response = client_for("anonymous").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_refused_page_says_why_without_showing_the_content(cast, client_for):
    response = client_for("councillor").get(reverse("council:people", args=[cast.council.slug]))
    assert response.status_code == 403
    assert b"councillor@example.org" not in response.content
