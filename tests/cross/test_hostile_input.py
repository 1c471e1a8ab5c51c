"""Bad input (issue 8). Every page that takes input, sent random and hostile values with
Hypothesis as the person allowed to use it: never a server error, and a submission that is not
accepted changes nothing (no row, no history row, no outbox row, no email) and says why, with the
form's error summary or a refusal message. User text is stored as typed and escaped on every page
that shows it.

The cast and the permission matrix's objects are built once for the module, inside a transaction
that is rolled back at the end; each test (pytest-django) and each example (`rolled_back`) runs in
a savepoint of its own, so every example starts from the same data and a test costs its requests,
not a fresh demo.
"""

from __future__ import annotations

import copy
import functools
import operator
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import getaddresses

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from council.demo import MINIMAL_PDF, Cast
from council.forms import CouncilForm
from council.models import Document, User
from tests.cross.test_permission_matrix import (
    MATRIX,
    concern_with,
    draft_of,
    expectation_of,
    first_of,
    group_report,
    info_request,
    letter,
    make_matrix_data,
    project_url_names,
    release,
)

TODAY = timezone.localdate
ERROR_SUMMARY = 'class="error-summary"'
PAYLOAD = "<script>alert(1)</script> \"onmouseover=alert(2) 'x' & <b>bold</b>"

# Hypothesis: modest, so that the file runs in a minute or two; HOSTILE_EXAMPLES=500 explores
# further. The example database is off so that runs leave nothing in the working tree; a failure
# prints the falsifying example to reproduce it.
MAX_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "25"))
EXAMPLES = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---------------------------------------------------------------------------------------------
# The world: the cast, the matrix's objects and a few more states, once per module
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    cast: Cast
    clients: dict[str, Client]
    foreign_ids: list[str]  # ids of the other council's objects, of every kind

    def client(self, who: str) -> Client:
        return self.clients[who]


def _more_states(cast: Cast) -> None:
    """States the matrix does not need but the forms do: a request waiting for the councillor's
    clarification, a granted one not yet opened, a formal concern without its hearing, a decided
    one open to appeal, a person whose invitation is pending."""
    from concerns import formal as concern_formal
    from concerns import services as concerns
    from correspondence.requests import services as requests
    from council import services
    from council.policy import standing_for

    def ask(summary):
        return requests.request_submit(
            standing=standing_for(cast.councillor, cast.council),
            documents=[cast.committee_document],
            summary=summary,
            information="",
            purpose="For the next meeting.",
            justification="",
        )

    requests.request_ask_clarification(
        info_request=ask("hostile clarify"), question="Which meeting?", acting_user=cast.clerk
    )
    requests.request_decide(
        info_request=ask("hostile granted"),
        outcome="granted",
        reasons="Presumed.",
        acting_user=cast.clerk,
    )

    def formal(what):
        concern = concerns.concern_raise(
            raiser=standing_for(cast.officer, cast.council),
            subject=cast.councillor2,
            kind="conduct",
            what_happened=what,
        )
        concerns.concern_tell_subject(concern=concern, message="Raised.", acting_user=cast.clerk)
        return concern_formal.concern_start_formal(concern=concern, acting_user=cast.clerk)

    concerns.concern_raise(
        raiser=standing_for(cast.officer, cast.council),
        subject=cast.councillor2,
        kind="code_of_conduct",
        what_happened="hostile referral",
    )
    formal("hostile formal")
    decided = formal("hostile decided")
    hearing = concern_formal.hearing_arrange(
        concern=decided,
        held_on=TODAY() + timedelta(days=3),
        members=[cast.personnel, cast.vice_chair, cast.councillor],
        acting_user=cast.clerk,
    )
    concern_formal.hearing_decide(
        hearing=hearing, outcome="upheld", reasons="The panel agreed.", acting_user=cast.clerk
    )
    services.person_invite(
        council=cast.council,
        email="invitee@example.org",
        name="Ira Invitee",
        kind="officer",
        starts_on=TODAY(),
        acting_user=cast.clerk,
    )


def _foreign_ids(cast: Cast) -> list[str]:
    ids = {cast.other.pk, cast.other_council.pk}
    for model in apps.get_models():
        if model._meta.db_table not in model_tables():
            continue
        if any(f.name == "council" and f.is_relation for f in model._meta.fields):
            ids.update(model._base_manager.filter(council=cast.other).values_list("pk", flat=True))
    return sorted(str(i) for i in ids)


@pytest.fixture(scope="module")
def world(session_cast, django_db_blocker) -> Iterator[World]:
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    shared = session_cast.open(django_db_blocker)  # the session's cast (tests/conftest.py)
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = copy.deepcopy(shared)
            make_matrix_data(cast)
            _more_states(cast)
            clients = {}
            for name in ("clerk", "chair", "councillor", "officer", "rfo", "anonymous"):
                clients[name] = Client()
                if name != "anonymous":
                    clients[name].force_login(cast.by_name(name))
            yield World(cast=cast, clients=clients, foreign_ids=_foreign_ids(cast))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example: whatever it changes is undone before the next."""
    atomic = transaction.atomic()
    # It never commits, as a test case's own transaction: marked as one, the code inside treats
    # it as Django's TestCase would (the outbox's batches).
    atomic._from_testcase = True
    with atomic:
        yield
        transaction.set_rollback(True)


@functools.cache
def model_tables() -> dict[str, str]:
    """{table: model} of every model with a table (a model whose migration is not written yet has
    none), history tables and the outbox included."""
    existing = set(connection.introspection.table_names())
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table in existing:
            tables.setdefault(meta.db_table, meta.label)
    return tables


def snapshot() -> dict[str, int]:
    """{model: rows} over every model, and the emails sent. One query: a hundred COUNTs per
    example would be most of the run's time."""
    tables = model_tables()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {**dict(zip(tables.values(), row, strict=True)), "mail.outbox": len(mail.outbox)}


# ---------------------------------------------------------------------------------------------
# Every page that takes input
# ---------------------------------------------------------------------------------------------


def slug(cast) -> dict:
    return {"council_slug": cast.council.slug}


def on(**objects: Callable[[Cast], object]) -> Callable[[Cast], dict]:
    return lambda cast: {**slug(cast), **{k: f(cast) for k, f in objects.items()}}


def day(offset: int = 0) -> str:
    return (TODAY() + timedelta(days=offset)).isoformat()


def pdf(name="minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def no_data(cast) -> dict:
    return {}


def delete_draft(cast) -> None:
    """Room for a new draft: the matrix's version 2 is one."""
    draft_of(cast).delete()


@dataclass
class Form:
    """A page that takes input: its URL name and arguments, who may use it, and a submission
    that it accepts. Hostile examples start from that submission and spoil some of it."""

    name: str
    who: str
    kwargs: Callable[[Cast], dict]
    valid: Callable[[Cast], dict]
    prepare: Callable[[Cast], None] | None = None
    # A page shown again without errors when the input is fine but nothing is saved yet.
    preview: str = ""

    @property
    def id(self) -> str:
        return self.name.replace(":", "_")


def council_values(cast) -> dict:
    return {f: getattr(cast.council, f) for f in CouncilForm.Meta.fields}


def retention_values(cast) -> dict:
    """The defaults: a council that has never changed them has no row yet."""
    from council.forms import RetentionPolicyForm

    fields = RetentionPolicyForm._meta.fields
    return {f: RetentionPolicyForm._meta.model._meta.get_field(f).default for f in fields}


def committee_values(cast) -> dict:
    p = cast.planning
    return {"name": p.name, "kind": p.kind, "parent": "", "functions": p.functions}


def document_values(cast) -> dict:
    d = cast.committee_document
    return {
        "title": d.title,
        "description": d.description,
        "classification": d.classification,
        "committee": d.committee_id,
    }


def section_values(cast) -> dict:
    s = draft_of(cast).sections.first()
    return {"number": s.number, "heading": s.heading, "body": s.body}


def oak(cast):
    return cast.council.political_groups.get(name="Oak Party")


def first_section(cast):
    return draft_of(cast).sections.first().pk


FORMS: list[Form] = [
    # The council's structure: the Proper Officer's pages; the register: officers'.
    Form("council:settings", "clerk", slug, council_values),
    Form("council:retention_settings", "clerk", slug, retention_values),
    Form(
        "council:person_invite",
        "clerk",
        slug,
        lambda c: {
            "name": "Nia Clarke",
            "email": "nia@example.org",
            "kind": "councillor",
            "starts_on": day(),
            "ends_on": day(1400),
        },
    ),
    Form(
        "council:invitation_resend",
        "clerk",
        on(user_id=lambda c: User.objects.get(email="invitee@example.org").pk),
        no_data,
    ),
    Form(
        "council:role_add",
        "clerk",
        on(user_id=lambda c: c.former.pk),
        lambda c: {"kind": "councillor", "starts_on": day(), "ends_on": day(400)},
    ),
    Form(
        "council:role_edit",
        "clerk",
        on(role_id=lambda c: c.councillor.roles.get().pk),
        lambda c: {
            "starts_on": c.councillor.roles.get().starts_on.isoformat(),
            "ends_on": day(900),
        },
    ),
    Form("council:committee_new", "clerk", slug, lambda c: {**committee_values(c), "name": "Ash"}),
    Form("council:committee_edit", "clerk", on(pk=lambda c: c.planning.pk), committee_values),
    Form(
        "council:seat_add",
        "clerk",
        on(pk=lambda c: c.planning.pk),
        lambda c: {"user": c.chair.pk, "position": "member", "starts_on": day(), "ends_on": ""},
    ),
    Form(
        "council:seat_end",
        "clerk",
        on(pk=lambda c: c.planning.seats.get(user=c.vice_chair).pk),
        lambda c: {"ends_on": day()},
    ),
    Form("council:group_new", "clerk", slug, lambda c: {"name": "Ash Party"}),
    Form("council:group_edit", "clerk", on(pk=lambda c: oak(c).pk), lambda c: {"name": "Oaks"}),
    Form(
        "council:membership_add",
        "clerk",
        on(pk=lambda c: oak(c).pk),
        lambda c: {"user": c.personnel.pk, "starts_on": day(), "ends_on": ""},
    ),
    Form(
        "council:membership_end",
        "clerk",
        on(pk=lambda c: oak(c).memberships.get(user=c.chair).pk),
        lambda c: {"ends_on": day()},
    ),
    Form(
        "council:document_new",
        "officer",
        slug,
        lambda c: {**document_values(c), "title": "Minutes", "file": pdf()},
    ),
    Form(
        "council:document_edit",
        "officer",
        on(pk=lambda c: c.committee_document.pk),
        document_values,
    ),
    Form(
        "council:document_replace",
        "officer",
        on(pk=lambda c: c.committee_document.pk),
        lambda c: {"file": pdf("v2.pdf")},
    ),
    Form(
        "notification_open",
        "councillor",
        lambda c: {"pk": c.councillor.notifications.get(key="matrix:councillor").pk},
        no_data,
    ),
    # The protocol: the Proper Officer's; acknowledging: everyone's.
    Form(
        "protocol:draft_start", "clerk", slug, lambda c: {"source": "model"}, prepare=delete_draft
    ),
    Form(
        "protocol:import",
        "clerk",
        slug,
        lambda c: {"file": SimpleUploadedFile("p.txt", b"1. Scope\nThe protocol applies.\n")},
        preview="Nothing is saved until you create the draft",
    ),
    Form(
        "protocol:import_confirm",
        "clerk",
        slug,
        lambda c: {"text": "1. Scope\nThe protocol applies.\n", "filename": "p.txt"},
        prepare=delete_draft,
    ),
    Form(
        "protocol:section_new",
        "clerk",
        on(pk=lambda c: draft_of(c).pk),
        lambda c: {"number": "99", "heading": "Parking", "body": "Park on the left."},
    ),
    Form("protocol:section_edit", "clerk", on(pk=first_section), section_values),
    Form("protocol:section_move", "clerk", on(pk=first_section), lambda c: {"direction": "down"}),
    Form("protocol:section_delete", "clerk", on(pk=first_section), no_data),
    Form(
        "protocol:expectation_new",
        "clerk",
        on(pk=first_section),
        lambda c: {"direction": "from_officers", "text": "Answer within a week."},
    ),
    Form(
        "protocol:expectation_edit",
        "clerk",
        on(pk=lambda c: expectation_of(c).pk),
        lambda c: {"direction": expectation_of(c).direction, "text": "Be courteous."},
    ),
    Form(
        "protocol:expectation_move",
        "clerk",
        on(pk=lambda c: expectation_of(c).pk),
        lambda c: {"direction": "down"},
    ),
    Form("protocol:expectation_delete", "clerk", on(pk=lambda c: expectation_of(c).pk), no_data),
    Form(
        "protocol:adopt",
        "clerk",
        on(pk=lambda c: draft_of(c).pk),
        lambda c: {"adopted_on": day(), "minute_reference": "26/2", "review_on": day(365)},
    ),
    Form("protocol:acknowledgements_remind", "clerk", slug, no_data),
    Form(
        "protocol:acknowledge",
        "councillor",
        slug,
        lambda c: {"version": c.council.protocols.get(status="adopted").pk},
    ),
    # Information requests: councillors ask, officers decide.
    Form(
        "requests:request_new",
        "councillor",
        slug,
        lambda c: {
            "summary": "The quotes for the play area",
            "documents": [c.committee_document.pk],
            "information": "",
            "purpose": "For the next meeting.",
            "justification": "",
        },
    ),
    Form(
        "requests:request_withdraw",
        "councillor",
        on(pk=info_request("matrix open")),
        no_data,
    ),
    Form(
        "requests:request_clarify",
        "councillor",
        on(pk=info_request("hostile clarify")),
        lambda c: {"answer": "The March meeting."},
    ),
    Form(
        "requests:request_ask",
        "clerk",
        on(pk=info_request("matrix open")),
        lambda c: {"question": "Which meeting?"},
    ),
    Form(
        "requests:request_delegate",
        "clerk",
        on(pk=info_request("matrix open")),
        lambda c: {"officer": c.rfo.pk},
    ),
    Form(
        "requests:request_decide",
        "clerk",
        on(pk=info_request("matrix open")),
        lambda c: {"outcome": "granted", "reasons": "Presumed.", "granted_documents": []},
    ),
    Form(
        "requests:release_confirm",
        "councillor",
        on(pk=info_request("hostile granted")),
        lambda c: {"confirm": "on"},
    ),
    # Concerns: raised by councillors and officers, handled by the clerk here.
    Form(
        "concerns:concern_new",
        "councillor",
        slug,
        lambda c: {
            "subject": c.councillor2.pk,
            "kind": "conduct",
            "what_happened": "Shouted at the meeting.",
            "outcome_hoped": "An apology.",
        },
        preview="Nothing is saved yet.",
    ),
    Form("concerns:concern_withdraw", "officer", on(pk=concern_with("matrix concern")), no_data),
    Form(
        "concerns:concern_triage",
        "clerk",
        on(pk=concern_with("matrix concern")),
        lambda c: {"next_stage": "informal", "note": "A conversation first."},
    ),
    Form(
        "concerns:concern_tell",
        "clerk",
        on(pk=concern_with("matrix concern")),
        lambda c: {"message": "A concern is raised about you."},
    ),
    Form(
        "concerns:concern_note",
        "clerk",
        on(pk=concern_with("matrix concern")),
        lambda c: {"kind": "note", "audience": "handlers", "text": "Spoke to both."},
    ),
    Form(
        "concerns:concern_refer",
        "clerk",
        on(pk=concern_with("hostile referral")),
        lambda c: {"referred_on": day(), "reference": "MO/1"},
    ),
    Form(
        "concerns:concern_close",
        "clerk",
        on(pk=concern_with("matrix concern")),
        lambda c: {"outcome": "resolved_informally", "reasons": "Resolved.", "actions_agreed": ""},
    ),
    Form("concerns:concern_formal", "clerk", on(pk=concern_with("matrix concern, told")), no_data),
    Form(
        "concerns:hearing_arrange",
        "clerk",
        on(pk=concern_with("hostile formal")),
        lambda c: {
            "held_on": day(10),
            "members": [c.personnel.pk, c.vice_chair.pk, c.councillor.pk],
            "substitute_minute": "",
            "companion": "",
        },
    ),
    Form(
        "concerns:hearing_move",
        "clerk",
        on(pk=concern_with("matrix concern, formal")),
        lambda c: {"held_on": day(11), "companion": "A friend"},
    ),
    Form(
        "concerns:hearing_decide",
        "clerk",
        on(pk=concern_with("matrix concern, formal")),
        lambda c: {"outcome": "upheld", "reasons": "The panel agreed."},
    ),
    Form(
        "concerns:concern_appeal",
        "officer",
        on(pk=concern_with("hostile decided")),
        lambda c: {"grounds": "New evidence."},
    ),
    # The correspondence register and group reports: officers'.
    Form(
        "letters:item_new",
        "officer",
        slug,
        lambda c: {
            "kind": "email",
            "to_people": [c.councillor.pk],
            "subject": "Your question",
            "body": "Here is the answer.",
            "official": "on",
            "signatory": c.officer.pk,
            "action": "draft",
        },
    ),
    Form("letters:item_send", "officer", on(pk=letter("matrix draft")), no_data),
    Form(
        "letters:item_copy",
        "officer",
        on(pk=letter("matrix letter")),
        lambda c: {"copy_people": [c.chair.pk]},
    ),
    Form(
        "group_reports:report_new",
        "officer",
        slug,
        lambda c: {
            "group": oak(c).pk,
            "subject": "The hall roof",
            "facts": "It leaks.",
            "options": "Repair it, or replace it.",
        },
    ),
    Form(
        "group_reports:report_edit",
        "officer",
        on(pk=group_report("matrix draft report")),
        lambda c: {
            "group": oak(c).pk,
            "subject": "The hall roof",
            "facts": "It leaks.",
            "options": "Repair it, or replace it.",
        },
    ),
    Form(
        "group_reports:report_issue",
        "officer",
        on(pk=group_report("matrix report to issue")),
        no_data,
    ),
    # The press office.
    Form(
        "press:release_new",
        "chair",
        slug,
        lambda c: {"title": "New benches", "body": "On the green.", "quoted": "", "quote": ""},
    ),
    Form(
        "press:release_edit",
        "chair",
        on(pk=release("matrix draft")),
        lambda c: {
            "title": "New benches",
            "body": "On the green.",
            "quoted": c.chair.pk,
            "quote": "Sit down.",
        },
    ),
    Form("press:release_submit", "chair", on(pk=release("matrix draft to submit")), no_data),
    Form("press:release_reopen", "chair", on(pk=release("matrix to reopen")), no_data),
    Form("press:release_withdraw", "chair", on(pk=release("matrix to withdraw")), no_data),
    Form("press:release_approve", "clerk", on(pk=release("matrix submitted")), no_data),
    Form("press:release_publish", "clerk", on(pk=release("matrix approved")), no_data),
    Form(
        "press:spokesperson_new",
        "clerk",
        slug,
        lambda c: {"user": c.officer.pk, "speaks_on": "the allotments", "starts_on": day()},
    ),
    Form(
        "press:spokesperson_end",
        "clerk",
        on(pk=first_of("council.Spokesperson")),
        lambda c: {"ends_on": day()},
    ),
    Form(
        "press:period_new",
        "clerk",
        slug,
        lambda c: {"name": "Elections", "starts_on": day(30), "ends_on": day(60)},
    ),
    Form(
        "press:enquiry_new",
        "officer",
        slug,
        lambda c: {
            "received_on": day(),
            "journalist": "Sam Carter",
            "outlet": "The Gazette",
            "question": "Any news?",
        },
    ),
    Form(
        "press:enquiry_reply",
        "officer",
        on(pk=first_of("correspondence.PressEnquiry")),
        lambda c: {"reply": "The facts.", "replied_on": day(), "replied_by": c.officer.pk},
    ),
]
BY_NAME = {form.name: form for form in FORMS}


# Pages that only show things (or stream a file). They are sent hostile query strings, and form
# data nobody asked for, below.
SHOWS_ONLY = {
    "accessibility",
    "concerns:concern_detail",
    "concerns:concern_history",
    "concerns:concern_list",
    "concerns:concern_queue",
    "concerns:escalations",
    "concerns:hearings",
    "concerns:outcomes",
    "requests:access_log",
    "requests:release_download",
    "requests:request_detail",
    "requests:request_list",
    "requests:request_queue",
    "requests:timeliness",
    "council:committee_detail",
    "council:committees",
    "council:document_detail",
    "council:document_download",
    "council:documents",
    "council:group_detail",
    "council:groups",
    "council:history",
    "council:home",
    "council:people",
    "council:person_data",
    "council:person_data_json",
    "council:person_detail",
    "group_reports:report_detail",
    "group_reports:report_list",
    "healthz",
    "home",
    "letters:item_detail",
    "letters:item_list",
    "my_data",
    "my_data_json",
    "news:news_detail",
    "news:news_list",
    "notifications",
    "press:enquiry_list",
    "press:periods",
    "press:release_detail",
    "press:release_list",
    "press:spokespeople",
    "protocol:acknowledgements",
    "protocol:changes",
    "protocol:current",
    "protocol:draft",
    "protocol:manage",
    "protocol:version",
    "protocol:versions",
    "two_factor_required",
}


def test_every_url_is_a_form_here_or_a_page_that_only_shows_things():
    """A URL added to the project must be named here: as a form, with a submission it accepts,
    or among the pages that only show things."""
    assert project_url_names() - set(BY_NAME) - SHOWS_ONLY == set()
    assert (set(BY_NAME) | SHOWS_ONLY) - project_url_names() == set()
    assert {name for name, row in MATRIX.items() if row.method == "post"} <= set(BY_NAME)


# ---------------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------------

CONTROL = [chr(c) for c in range(32)] + ["\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\u202e"]
CONTROL += ["\ufeff", "\ufffe"]
LONG = [100, 101, 200, 201, 255, 256, 300, 301, 1_000, 10_000, 100_001]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "{{ request.user.password }}",
    "{% debug %}",
    "&lt;b&gt;&#0;",
    "]]><!--",
]
SQLISH = [
    "' OR '1'='1",
    "1; DROP TABLE council_council; --",
    "1' UNION SELECT password FROM council_user --",
    "%",
    "_%\\",
    "' OR 1=1 --",
    "1 OR 1=1",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "0x10",
    " 7 ",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999",
    "٣",  # an Arabic-Indic digit three
    "²",  # a superscript two: isdigit() but not a number int() reads
    "１２",  # full-width digits
]
DATES = [
    "31 Febtember",
    "2026-02-31",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-1-1T00:00",
    "yesterday",
    "1/1/1",
    "２０２６-０１-０１",
]


def hostile_values(world: World) -> st.SearchStrategy[str]:
    own_ids = st.integers(min_value=-5, max_value=400).map(str)
    return st.one_of(
        st.text(st.sampled_from(CONTROL) | st.characters(codec="utf-8"), min_size=1, max_size=30),
        st.builds("{}\x00{}".format, st.text(max_size=8), st.text(max_size=8)),
        st.builds(
            operator.mul,
            st.sampled_from(["a", "é", "字", "😀", "<", "'", " ", "\n"]),
            st.sampled_from(LONG),
        ),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
        st.sampled_from(MARKUP),
        st.sampled_from(SQLISH),
        st.sampled_from(NUMBERS),
        st.integers().map(str),
        st.sampled_from(DATES),
        st.dates().map(date.isoformat),
        st.sampled_from(world.foreign_ids),
        own_ids,
        st.sampled_from(["", " ", "on", "true", "None", "null", "[]"]),
    )


def hostile_files() -> st.SearchStrategy[SimpleUploadedFile]:
    names = st.sampled_from(
        ["x.pdf", "x.exe", "x.svg", "x.html", "x.docx", "x.txt", "x", ".pdf", "x.PDF", "a" * 300]
    )
    contents = st.sampled_from(
        [b"", MINIMAL_PDF, b"<!doctype html><script>alert(1)</script>", b"MZ\x90\x00", b"\x00" * 9]
    )
    return st.builds(SimpleUploadedFile, names, contents)


EXTRA_FIELDS = [
    "action",
    "preview",
    "hold",
    "send_back",
    "direction",
    "version",
    "next",
    "id",
    "council",
    "status",
    "author",
    "is_staff",
    "confidential",
    "acting",
]


@st.composite
def hostile_submission(draw, valid: dict, world: World) -> dict:
    """The valid submission, some of its fields spoiled: a hostile value, a missing field, a field
    repeated with two values; and sometimes fields nobody asked for."""
    value = hostile_values(world)
    data: dict = {}
    for name, good in valid.items():
        how = draw(st.sampled_from(["keep", "hostile", "hostile", "drop", "repeat"]))
        if how == "keep":
            data[name] = good
        elif how == "hostile":
            is_file = isinstance(good, SimpleUploadedFile)
            data[name] = draw(hostile_files() | value) if is_file else draw(value)
        elif how == "repeat" and not isinstance(good, SimpleUploadedFile):
            data[name] = [*(good if isinstance(good, list) else [good]), draw(value)]
    extra = draw(st.dictionaries(st.sampled_from(EXTRA_FIELDS), value, max_size=2))
    return {**extra, **data}


def messages_of(response, level: int) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level == level]


def post_and_check(client: Client, url: str, submission: dict, form: Form | None) -> str:
    """Post; never a server error; unless it was accepted, nothing changed and the person is told
    why. Returns what happened: "accepted", "refused" or "shown"."""
    client.cookies.pop("messages", None)  # only this request's messages
    before = snapshot()
    response = client.post(url, submission)
    assert response.status_code < 500, response.status_code
    errors = messages_of(response, message_levels.ERROR)
    if response.status_code == 302 and not errors:
        return "accepted"
    page = response.content.decode()
    if response.status_code == 200 and form and form.preview and form.preview in page:
        outcome = "shown"
    elif response.status_code == 200:
        assert ERROR_SUMMARY in page, "a form shown again without saying what is wrong"
        outcome = "refused"
    elif response.status_code == 302:
        assert errors, "a refused action that does not say why"
        outcome = "refused"
    else:
        # Refused at the door (an id of another council in the data: 404), or the data itself
        # refused by Django (400: too many fields or too large).
        assert response.status_code in (400, 403, 404), response.status_code
        outcome = "refused"
    assert snapshot() == before, "a submission that was not accepted changed something"
    return outcome


def url_of(form: Form, world: World) -> str:
    return reverse(form.name, kwargs=form.kwargs(world.cast))


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_the_valid_submission_of_each_form_is_accepted(form, world, db):
    """The starting point of the hostile examples below reaches the service and is saved, so the
    examples exercise the whole path, not only the form's first check."""
    with rolled_back():
        if form.prepare:
            form.prepare(world.cast)
        outcome = post_and_check(
            world.client(form.who), url_of(form, world), form.valid(world.cast), form
        )
    assert outcome in ("accepted", "shown")


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
@EXAMPLES
@given(data=st.data())
def test_hostile_values_never_break_or_change(form, world, db, data):
    with rolled_back():
        if form.prepare:
            form.prepare(world.cast)
        submission = data.draw(hostile_submission(form.valid(world.cast), world), "submission")
        # --hypothesis-show-statistics: how many examples were accepted, refused or shown.
        event(post_and_check(world.client(form.who), url_of(form, world), submission, form))


# ---------------------------------------------------------------------------------------------
# Pages that only show things: hostile query strings, and form data nobody asked for
# ---------------------------------------------------------------------------------------------

QUERY_KEYS = [
    "document",
    "next",
    "stage",
    "status",
    "overdue",
    "due_by",
    "requester",
    "committee",
    "choose",
    "page",
    "q",
]
# Seeing a page may be recorded in an access log (R8: a released document opened; R27: personal
# data exported, a document with personal data opened); nothing else changes.
ACCESS_LOGS = {"correspondence.DocumentAccess", "council.AuditEvent"}


def unlogged(counts: dict[str, int]) -> dict[str, int]:
    return {label: n for label, n in counts.items() if label not in ACCESS_LOGS}


PREFERRED = ["clerk", "councillor", "officer", "chair", "anonymous"]


def pages() -> list[tuple[str, str]]:
    """Each URL of the matrix that answers a GET, with someone who may open it."""
    found = []
    for name, row in MATRIX.items():
        if row.method != "get":
            continue
        who = next(w for w in PREFERRED if row.answers.get(w) == 200)
        found.append((name, who))
    return found


@pytest.mark.parametrize("name, who", pages(), ids=[n.replace(":", "_") for n, _ in pages()])
@settings(EXAMPLES, max_examples=max(8, MAX_EXAMPLES // 3))
@given(data=st.data())
def test_hostile_query_strings_never_break_or_change(name, who, world, db, data):
    value = hostile_values(world)
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_KEYS), value, max_size=4), "query")
    url = reverse(name, kwargs=MATRIX[name].kwargs(world.cast))
    client = world.client(who)
    with rolled_back():
        before = unlogged(snapshot())
        response = client.get(url, query)
        assert response.status_code < 500
        assert unlogged(snapshot()) == before
        if name not in BY_NAME:
            junk = data.draw(st.dictionaries(st.sampled_from(EXTRA_FIELDS), value), "form data")
            before = unlogged(snapshot())
            assert client.post(url, junk).status_code < 500
            assert unlogged(snapshot()) == before


@pytest.mark.parametrize(
    "name, fields",
    [
        ("account_login", ["login", "password", "remember"]),
        ("account_reset_password", ["email"]),
        ("account_signup", ["email", "password1", "password2", "name"]),
    ],
)
@settings(EXAMPLES, max_examples=max(8, MAX_EXAMPLES // 3))
@given(data=st.data())
def test_hostile_values_never_break_the_sign_in_pages(name, fields, world, db, data):
    """allauth's pages are not ours, but they are the ones anyone on the internet can reach. A
    failed sign-in is recorded in the audit log (R27) and a reset asked for a real address sends
    its email; nothing else changes."""
    value = hostile_values(world) | st.sampled_from([world.cast.councillor.email, "a@b.c"])
    submission = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value)))
    with rolled_back():
        client = Client()
        before = unlogged(snapshot())
        response = client.post(reverse(name), submission)
        assert response.status_code < 500
        assert unlogged(snapshot()) == {**before, "mail.outbox": len(mail.outbox)}


# ---------------------------------------------------------------------------------------------
# NUL bytes and control characters (PostgreSQL refuses NUL in text)
# ---------------------------------------------------------------------------------------------

# Inputs that no Django form field reads: each is compared, looked up or redirected to, never
# stored; a NUL or a control character in them must still not break anything.
NOT_FORM_FIELDS = [
    ("protocol:acknowledge", "post", "version"),
    ("protocol:section_move", "post", "direction"),
    ("protocol:expectation_move", "post", "direction"),
    ("letters:item_new", "post", "action"),
    ("press:release_approve", "post", "hold"),
    ("press:release_approve", "post", "send_back"),
    ("concerns:concern_new", "post", "preview"),
    ("requests:request_new", "get", "document"),
    ("requests:release_confirm", "get", "next"),
    ("concerns:concern_queue", "get", "stage"),
    ("requests:request_queue", "get", "requester"),
    ("home", "get", "choose"),
]
NOT_READ = {param for _, _, param in NOT_FORM_FIELDS}
ODD_VALUES = ["1\x00", "\x00", "up\x00", "\x01\x02\x1b[31m\x7f", "\r\n\tnext", "\u202e1", *NUMBERS]


@pytest.mark.parametrize(
    "form", [f for f in FORMS if f.valid is not no_data], ids=operator.attrgetter("id")
)
def test_a_nul_byte_in_any_field_is_refused_and_changes_nothing(form, world, db):
    """Django's CharField refuses NUL (ProhibitNullCharactersValidator); a date, a number or a
    choice with one in it is not valid either. Every field of every form, one at a time."""
    for name, good in form.valid(world.cast).items():
        # Files are the upload tests'; a ticked box is ticked whatever its value; the inputs no
        # form reads are the next test's.
        if isinstance(good, SimpleUploadedFile) or good in ("on", []) or name in NOT_READ:
            continue
        with rolled_back():
            if form.prepare:
                form.prepare(world.cast)
            data = form.valid(world.cast)
            data[name] = [f"{v}\x00" for v in good] if isinstance(good, list) else f"{good}\x00"
            outcome = post_and_check(world.client(form.who), url_of(form, world), data, form)
            assert outcome == "refused", f"{name} with a NUL byte was {outcome}"


@pytest.mark.parametrize("url_name, method, param", NOT_FORM_FIELDS, ids=lambda v: str(v))
def test_odd_values_in_inputs_no_form_reads_never_break(url_name, method, param, world, db):
    row = MATRIX[url_name]
    who = (
        BY_NAME[url_name].who
        if url_name in BY_NAME
        else next(w for w in PREFERRED if row.answers.get(w) in (200, 302))
    )
    url = reverse(url_name, kwargs=row.kwargs(world.cast))
    base = BY_NAME[url_name].valid(world.cast) if method == "post" else {}
    for value in ODD_VALUES:
        with rolled_back():
            if method == "post":
                post_and_check(world.client(who), url, {**base, param: value}, BY_NAME[url_name])
            else:
                response = world.client(who).get(url, {param: value})
                assert response.status_code < 500


def test_control_characters_in_text_are_stored_as_typed(world, db):
    """Other control characters are text PostgreSQL stores: kept as typed, shown escaped."""
    text = "Tab\there, bell\x07, escape\x1b[31m, delete\x7f, line\u2028separator"
    with rolled_back():
        client = world.client("clerk")
        section = draft_of(world.cast).sections.first()
        url = reverse("protocol:section_edit", args=[world.cast.council.slug, section.pk])
        response = client.post(url, {"number": section.number, "heading": "H", "body": text})
        assert response.status_code == 302
        section.refresh_from_db()
        assert section.body == text


# ---------------------------------------------------------------------------------------------
# The longest text each field takes: saved, and passed on without breaking anything
# ---------------------------------------------------------------------------------------------

INPUT_TAG = re.compile(r"<input\b[^>]*>")


def limits_of(page: str) -> dict[str, int]:
    """{field: maxlength} of the form's one-line text inputs, as the page renders them."""
    found = {}
    for tag in INPUT_TAG.findall(page):
        name, limit = re.search(r'\bname="([^"]+)"', tag), re.search(r'\bmaxlength="(\d+)"', tag)
        if name and limit:
            found[name.group(1)] = int(limit.group(1))
    return found


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_text_at_each_fields_limit_is_accepted(form, world, db):
    """SQLite does not enforce a column's length; PostgreSQL does. The longest text a form takes
    must fit wherever the service puts it (the row, the history row, an outbox subject)."""
    client = world.client(form.who)
    url = url_of(form, world)
    for name, limit in limits_of(client.get(url).content.decode()).items():
        if name not in form.valid(world.cast) or name in ("email", "monitoring_officer_email"):
            continue
        with rolled_back():
            if form.prepare:
                form.prepare(world.cast)
            data = {**form.valid(world.cast), name: "é" * limit}
            outcome = post_and_check(client, url, data, form)
            assert outcome in ("accepted", "shown"), f"{name} at {limit} characters: {outcome}"


def test_the_longest_names_and_subjects_reach_the_outbox_and_are_sent(
    world, db, django_capture_on_commit_callbacks
):
    """Text at its limit, and line breaks sent where a form shows one line, go into outbox
    subjects and email headers: every notice is made, and every email goes, with no header
    smuggled in."""
    from council.models import Notification

    cast, s = world.cast, world.cast.council.slug
    clerk, officer = world.client("clerk"), world.client("officer")
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    with rolled_back():
        with django_capture_on_commit_callbacks(execute=True):
            data = {**council_values(cast), "name": "N" * 199 + "\n"}
            assert clerk.post(reverse("council:settings", args=[s]), data).status_code == 302
            invite = {
                "name": "Line\r\nBreak " + "P" * 180,
                "email": "long@example.org",
                "kind": "councillor",
                "starts_on": day(),
                "ends_on": day(10),
            }
            response = clerk.post(reverse("council:person_invite", args=[s]), invite)
            assert response.status_code == 302, response.content
            letter_data = {
                "kind": "email",
                "to_people": [cast.councillor.pk],
                "copy_people": [cast.chair.pk],
                "outside_name": "Outside\nBcc: someone@example.org",
                "outside_party": "resident",
                "outside_email": "resident@example.org",
                "outside_line": "cc",
                "subject": "Bcc: someone@example.org\n" + "S" * 270,
                "body": "Text.",
                "official": "on",
                "signatory": cast.officer.pk,
                "action": "send",
            }
            response = officer.post(reverse("letters:item_new", args=[s]), letter_data)
            assert response.status_code == 302, response.content
            report = {
                "group": oak(cast).pk,
                "subject": "R" * 300,
                "facts": "It leaks.",
                "options": "Repair it, or replace it.",
            }
            response = officer.post(reverse("group_reports:report_new", args=[s]), report)
            assert response.status_code == 302, response.content
            made = cast.council.group_reports.get(subject="R" * 300)
            response = officer.post(reverse("group_reports:report_issue", args=[s, made.pk]))
            assert response.status_code == 302
        made.refresh_from_db()
        assert made.status == "issued"
        notices = Notification.objects.filter(pk__gt=last or 0)
        assert notices.count() >= 6
        assert [(n.subject, n.last_error) for n in notices.exclude(status="sent")] == []
        assert len(mail.outbox) == notices.count()
        for email in mail.outbox:
            assert "\n" not in email.subject and "\r" not in email.subject
            headers = email.message().as_string().split("\n\n", 1)[0]
            assert "\nBcc:" not in headers
            addresses = [address for _, address in getaddresses(email.recipients())]
            assert "someone@example.org" not in addresses


# ---------------------------------------------------------------------------------------------
# Plain text in, escaped out
# ---------------------------------------------------------------------------------------------


def assert_escaped(response) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert '"onmouseover=' not in page
    assert "<b>bold</b>" not in page


def test_markup_typed_into_forms_is_stored_verbatim_and_escaped_on_every_page(
    world, db, django_capture_on_commit_callbacks
):
    cast = world.cast
    s = cast.council.slug
    clerk, councillor = world.client("clerk"), world.client("councillor")
    with rolled_back():
        # A councillor's request: their page, the officer's page and the queue.
        response = councillor.post(
            reverse("requests:request_new", args=[s]),
            {"summary": PAYLOAD, "information": PAYLOAD, "purpose": PAYLOAD, "justification": ""},
        )
        assert response.status_code == 302, response.content
        asked = cast.council.information_requests.get(summary=PAYLOAD)
        assert (asked.information, asked.purpose) == (PAYLOAD, PAYLOAD)
        detail = reverse("requests:request_detail", args=[s, asked.pk])
        assert_escaped(councillor.get(detail))
        assert_escaped(clerk.get(detail))
        assert_escaped(clerk.get(reverse("requests:request_queue", args=[s])))

        # A concern: the raiser's page and the handler's.
        response = councillor.post(
            reverse("concerns:concern_new", args=[s]),
            {"subject": cast.councillor2.pk, "kind": "conduct", "what_happened": PAYLOAD},
        )
        assert response.status_code == 302, response.content
        concern = cast.council.concerns.get(what_happened=PAYLOAD)
        detail = reverse("concerns:concern_detail", args=[s, concern.pk])
        assert_escaped(councillor.get(detail))

        # A correspondence item: the register and the item, for the officer and the councillor.
        # The email itself: its HTML part escapes the text too.
        officer = world.client("officer")
        with django_capture_on_commit_callbacks(execute=True):
            response = officer.post(
                reverse("letters:item_new", args=[s]),
                {
                    "kind": "email",
                    "to_people": [cast.councillor.pk],
                    "subject": PAYLOAD,
                    "body": PAYLOAD,
                    "official": "on",
                    "signatory": cast.officer.pk,
                    "action": "send",
                },
            )
        assert response.status_code == 302, response.content
        item = cast.council.correspondence.get(subject=PAYLOAD)
        assert item.body == PAYLOAD
        (email,) = [m for m in mail.outbox if m.subject == PAYLOAD]
        html = email.alternatives[0][0]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html
        assert PAYLOAD in email.body  # the text part is plain text: as typed
        detail = reverse("letters:item_detail", args=[s, item.pk])
        assert_escaped(officer.get(detail))
        assert_escaped(councillor.get(detail))
        assert_escaped(officer.get(reverse("letters:item_list", args=[s])))

        # A group report.
        response = officer.post(
            reverse("group_reports:report_new", args=[s]),
            {"group": oak(cast).pk, "subject": PAYLOAD, "facts": PAYLOAD, "options": PAYLOAD},
        )
        assert response.status_code == 302, response.content
        report = cast.council.group_reports.get(subject=PAYLOAD)
        assert_escaped(officer.get(reverse("group_reports:report_detail", args=[s, report.pk])))

        # A press release, published: the public news pages.
        chair = world.client("chair")
        response = chair.post(
            reverse("press:release_new", args=[s]),
            {"title": PAYLOAD, "body": PAYLOAD, "quoted": cast.chair.pk, "quote": PAYLOAD},
        )
        assert response.status_code == 302, response.content
        made = cast.council.press_releases.get(title=PAYLOAD)
        assert (made.body, made.quote) == (PAYLOAD, PAYLOAD)
        chair.post(reverse("press:release_submit", args=[s, made.pk]))
        clerk.post(reverse("press:release_approve", args=[s, made.pk]))
        clerk.post(reverse("press:release_publish", args=[s, made.pk]))
        public = world.client("anonymous")
        assert_escaped(public.get(reverse("news:news_detail", args=[s, made.pk])))
        assert_escaped(public.get(reverse("news:news_list", args=[s])))
        assert_escaped(chair.get(reverse("press:release_detail", args=[s, made.pk])))

        # The protocol: a section's text, adopted, on the public page.
        section = draft_of(cast).sections.first()
        response = clerk.post(
            reverse("protocol:section_edit", args=[s, section.pk]),
            {"number": section.number, "heading": PAYLOAD, "body": PAYLOAD},
        )
        assert response.status_code == 302, response.content
        section.refresh_from_db()
        assert (section.heading, section.body) == (PAYLOAD, PAYLOAD)
        assert_escaped(clerk.get(reverse("protocol:draft", args=[s, section.version_id])))
        response = clerk.post(
            reverse("protocol:adopt", args=[s, section.version_id]),
            {"adopted_on": day(), "minute_reference": "26/9", "review_on": day(365)},
        )
        assert response.status_code == 302, response.content
        assert_escaped(public.get(reverse("protocol:current", args=[s])))
        number = section.version.number
        assert_escaped(public.get(reverse("protocol:version", args=[s, number])))
        assert_escaped(public.get(reverse("protocol:changes", args=[s, number])))


def test_document_titles_and_names_are_escaped_in_the_register(world, db):
    with rolled_back():
        officer = world.client("officer")
        s = world.cast.council.slug
        response = officer.post(
            reverse("council:document_new", args=[s]),
            {
                "title": PAYLOAD,
                "description": PAYLOAD,
                "classification": "public",
                "committee": "",
                "file": pdf('<script>alert(1)</script>".pdf'),
            },
        )
        assert response.status_code == 302, response.content
        document = Document.objects.get(title=PAYLOAD)
        assert_escaped(officer.get(reverse("council:document_detail", args=[s, document.pk])))
        assert_escaped(officer.get(reverse("council:documents", args=[s])))
