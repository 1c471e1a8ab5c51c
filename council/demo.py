"""The demo councils and their people. The same code builds the tests' cast of users, so the demo
logins are the test users.

Two fictional councils: Little Wickham Parish Council (England) and Cwm Dulais Community Council
(Wales). One clerk serves both. Dates are relative to the day the data is built, so the demo always
has a councillor whose term ended, and one whose term ends within 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import policy, services
from .discovery import discover
from .models import Committee, Council, Document, PoliticalGroup, Role, User

DEMO_PASSWORD = "wickham-demo-2026"
# The clerk, the other officers, the chair, the vice-chair, the committee chairs and the personnel
# committee must use two-factor authentication (council.policy). The demo gives each of them the
# same fixed authenticator secret, so that `manage.py demo_code` prints the current code for all
# (allauth remembers a used code per person, so two of them may sign in with the same code).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# Login, name, and what they are in the demo (printed by seed_demo).
PEOPLE = {
    "clerk": ("clerk@example.org", "Jordan Ashby", "Proper Officer (clerk) of both councils"),
    "chair": ("chair@example.org", "Priya Shah", "Councillor, chair of the council"),
    "vice_chair": ("vicechair@example.org", "Tom Evans", "Councillor, vice-chair of the council"),
    "councillor": (
        "councillor@example.org",
        "Alex Morgan",
        "Councillor, on the planning committee",
    ),
    "councillor2": (
        "councillor2@example.org",
        "Bea Lewis",
        "Councillor, in another group; term ends soon",
    ),
    "personnel": ("personnel@example.org", "Evan Price", "Councillor, on the personnel committee"),
    "rfo": ("rfo@example.org", "Chris Patel", "Responsible Financial Officer"),
    "officer": ("officer@example.org", "Dana Hughes", "Officer (assistant clerk)"),
    "former": ("former@example.org", "Frances Oakley", "Former councillor: term has ended"),
    "other_council": (
        "cwm@example.org",
        "Gareth Jones",
        "Councillor of Cwm Dulais only (another council)",
    ),
}

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Cast:
    council: Council
    other: Council
    clerk: User
    chair: User
    vice_chair: User
    councillor: User
    councillor2: User
    personnel: User
    rfo: User
    officer: User
    former: User
    other_council: User
    full_council: Committee
    planning: Committee
    personnel_committee: Committee
    public_document: Document
    committee_document: Document
    personal_document: Document
    confidential_document: Document

    def by_name(self, name: str) -> User:
        return getattr(self, name)


def _person(key: str, acting_user: User | None) -> User:
    email, name, _ = PEOPLE[key]
    user = User(email=email, name=name)
    user.set_password(DEMO_PASSWORD)
    services.save_recorded(user, acting_user=acting_user)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@transaction.atomic
def build_demo(today: date | None = None) -> Cast:
    """Create both councils and everyone in them. Expects an empty database."""
    today = today or timezone.localdate()
    term_start = today - timedelta(days=400)
    term_end = today + timedelta(days=1000)

    clerk = _person("clerk", None)
    TOTP.activate(clerk, DEMO_TOTP_SECRET)
    by = clerk  # the clerk sets everything up, so the history shows them as the actor

    council = services.council_update(
        council=Council(
            name="Little Wickham Parish Council",
            slug="little-wickham",
            kind=Council.Kind.PARISH,
            nation=Council.Nation.ENGLAND,
            principal_authority="Wickham District Council",
            monitoring_officer_name="Morgan Reed",
            monitoring_officer_email="monitoring.officer@example.org",
        ),
        acting_user=by,
    )
    other = services.council_update(
        council=Council(
            name="Cwm Dulais Community Council",
            slug="cwm-dulais",
            kind=Council.Kind.COMMUNITY,
            nation=Council.Nation.WALES,
            principal_authority="Swansea Valley County Council",
        ),
        acting_user=by,
    )

    people = {key: _person(key, by) for key in PEOPLE if key != "clerk"}
    people["clerk"] = clerk

    def appoint(who: str, kind: str, c: Council = council, starts=term_start, ends=term_end):
        return services.role_create(
            council=c, user=people[who], kind=kind, starts_on=starts, ends_on=ends, acting_user=by
        )

    K = Role.Kind
    appoint("clerk", K.PROPER_OFFICER, ends=None)
    appoint("clerk", K.PROPER_OFFICER, c=other, ends=None)
    for who in ("chair", "vice_chair", "councillor", "personnel"):
        appoint(who, K.COUNCILLOR)
    appoint("councillor2", K.COUNCILLOR, ends=today + timedelta(days=20))
    appoint(
        "former", K.COUNCILLOR, starts=today - timedelta(days=1500), ends=today - timedelta(days=60)
    )
    appoint("rfo", K.RFO, ends=None)
    appoint("officer", K.OFFICER, ends=None)
    appoint("other_council", K.COUNCILLOR, c=other)

    def committee(name: str, kind: str, functions: str, c: Council = council) -> Committee:
        return services.committee_save(
            committee=Committee(council=c, name=name, kind=kind, functions=functions),
            acting_user=by,
        )

    full = committee(
        "Full council",
        Committee.Kind.FULL_COUNCIL,
        "All of the council's business not delegated to a committee.",
    )
    planning = committee(
        "Planning committee",
        Committee.Kind.COMMITTEE,
        "Comments on planning applications in the parish.",
    )
    personnel_committee = committee(
        "Personnel committee",
        Committee.Kind.PERSONNEL,
        "Staff matters: appraisal, grievance and disciplinary hearings.",
    )
    committee(
        "Full council", Committee.Kind.FULL_COUNCIL, "All of the council's business.", c=other
    )

    def seat(c: Committee, who: str, position: str = "member", starts=term_start, ends=None):
        services.seat_create(
            committee=c,
            user=people[who],
            position=position,
            starts_on=starts,
            ends_on=ends,
            acting_user=by,
        )

    seat(full, "chair", "chair")
    seat(full, "vice_chair", "vice_chair")
    for who in ("councillor", "councillor2", "personnel"):
        seat(full, who)
    seat(full, "former", starts=today - timedelta(days=1500), ends=today - timedelta(days=60))
    seat(planning, "councillor", "chair")
    seat(planning, "vice_chair")
    # A seat that ended yesterday: the presumption of need to know (R5) must not count it.
    seat(planning, "councillor2", ends=today - timedelta(days=1))
    seat(personnel_committee, "personnel", "chair")
    seat(personnel_committee, "vice_chair")
    seat(personnel_committee, "councillor")

    oak = services.group_save(
        group=PoliticalGroup(council=council, name="Oak Party"), acting_user=by
    )
    ind = services.group_save(
        group=PoliticalGroup(council=council, name="Independents"), acting_user=by
    )
    for group, who in (
        (oak, "chair"),
        (oak, "councillor"),
        (ind, "councillor2"),
        (ind, "vice_chair"),
    ):
        services.membership_create(
            group=group, user=people[who], starts_on=term_start, acting_user=by
        )

    def document(title, classification, name, content, committee=None, description=""):
        return services.document_create(
            council=council,
            title=title,
            classification=classification,
            committee=committee,
            description=description,
            file=ContentFile(content, name=name),
            acting_user=by,
        )

    D = Document.Classification
    public_document = document(
        "Annual governance statement", D.PUBLIC, "governance.pdf", MINIMAL_PDF
    )
    committee_document = document(
        "Planning applications schedule",
        D.COMMITTEE,
        "planning-schedule.pdf",
        MINIMAL_PDF,
        committee=planning,
        description="Applications to be considered at the next meeting.",
    )
    personal_document = document(
        "Allotment tenants and arrears",
        D.PERSONAL_DATA,
        "allotments.csv",
        b"plot,tenant,arrears\n1,A. Tenant,0\n",
        description="Names and payment records.",
    )
    confidential_document = document(
        "Legal advice on the boundary dispute",
        D.CONFIDENTIAL,
        "legal-advice.pdf",
        MINIMAL_PDF,
    )

    # Everyone the rule asks it of, as it stands once their roles and seats are made (the clerk
    # has theirs from the start).
    for key, person in people.items():
        if key != "clerk" and policy.must_use_two_factor(person, on=today):
            TOTP.activate(person, DEMO_TOTP_SECRET)

    return Cast(
        council=council,
        other=other,
        full_council=full,
        planning=planning,
        personnel_committee=personnel_committee,
        public_document=public_document,
        committee_document=committee_document,
        personal_document=personal_document,
        confidential_document=confidential_document,
        **people,
    )


# Other apps add their demo records (an adopted protocol, requests…) from their own `demo.py`, with
# @register_extra, found when the demo is seeded (council.discovery), so that `council` imports
# none of them (DESIGN §2). The tests' cast is built without them.
_extras: list = []


def register_extra(build):
    """build(cast) adds an app's demo records; it runs after build_demo() in seed_demo."""
    if build not in _extras:
        _extras.append(build)
    return build


@transaction.atomic
def build_extras(cast: Cast) -> None:
    discover("demo")
    for build in _extras:
        build(cast)


def demo_exists() -> bool:
    return Council.objects.filter(slug="little-wickham").exists()


def current_totp_code(at: float | None = None) -> str:
    """The demo's current two-factor code, for everyone who has one (the demo's secret is public,
    on purpose)."""
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
