"""The council's own part of the scale data: councils, people, dated roles, committees and seats,
political groups, the document register with real files, email addresses and the Proper Officers'
authenticators, which every other app's builder builds on (council.scale)."""

from __future__ import annotations

import os
import random
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.utils import timezone

from .. import policy
from ..demo import MINIMAL_PDF
from ..models import (
    Committee,
    Council,
    Document,
    GroupMembership,
    PoliticalGroup,
    Role,
    Seat,
    User,
    private_storage,
)
from . import (
    CHAIR,
    COUNCILS_PER_CLERK,
    CURRENT_COUNCILLORS,
    EMAIL_DOMAIN,
    PERSONNEL_CHAIR,
    SCALE_TOTP_SECRET,
    SLUG_PREFIX,
    VICE_CHAIR,
    ScaleChunk,
    ScaleCouncil,
    days_ago,
    insert,
    moment,
    recorded,
)

ENGLISH_PLACES = [
    "Ashby", "Barford", "Carlton", "Denby", "Elmstead", "Fenwick", "Grendon", "Hawksley",
    "Ickford", "Kelsall", "Langley", "Marston", "Newbold", "Oakley", "Preston", "Quarndon",
    "Rufford", "Stanton", "Thornbury", "Upton", "Walden", "Yarwell", "Aldbury", "Bramley",
    "Chilton", "Dunham", "Eastwell", "Fulbeck", "Glinton", "Harston",
]  # fmt: skip
WELSH_PLACES = [
    "Aberdulais", "Bryncoch", "Cilfrew", "Crynant", "Dyffryn", "Glynneath", "Llandarcy",
    "Pontardawe", "Resolven", "Seven Sisters", "Tonna", "Ystalyfera",
]  # fmt: skip
FIRST_NAMES = [
    "Alex", "Bea", "Chris", "Dana", "Evan", "Frances", "Gareth", "Hannah", "Imran", "Jo",
    "Kiran", "Laura", "Mohammed", "Nia", "Owen", "Priya", "Rhys", "Sam", "Tom", "Una",
    "Vikram", "Wendy", "Yusuf", "Zoe", "Amir", "Bethan", "Ciaran", "Delyth", "Elena", "Fraser",
    "Grace", "Huw", "Isla", "Jamal", "Kate", "Lewis", "Megan", "Nathan", "Olivia", "Pete",
]  # fmt: skip
LAST_NAMES = [
    "Ashby", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Griffiths", "Hughes", "Islam",
    "Jones", "Khan", "Lewis", "Morgan", "Nash", "Owen", "Patel", "Price", "Roberts", "Shah",
    "Thomas", "Underwood", "Vaughan", "Walker", "Young", "Ahmed", "Bennett", "Carter", "Doyle",
    "Ellis", "Foster", "Green", "Harris", "Iqbal", "James", "Kelly", "Lloyd", "Mitchell",
]  # fmt: skip
GROUP_NAMES = [
    ("Independents", "Oak Party"),
    ("Village First", "Green Lane Group"),
    ("Community Alliance", "Riverside Independents"),
    ("Residents' Association", "Parish Progress"),
]

D = Document.Classification
# The register of every scale council: 20 documents, by classification, each with the committee
# whose functions it relates to (a key of ScaleCouncil.committees) and its file kind.
DOCUMENTS = [
    (D.PUBLIC, "full", "Minutes of the full council", ".pdf"),
    (D.PUBLIC, "full", "Agenda of the full council", ".pdf"),
    (D.PUBLIC, None, "Annual governance statement", ".pdf"),
    (D.PUBLIC, None, "Budget and precept", ".pdf"),
    (D.PUBLIC, None, "Standing orders", ".pdf"),
    (D.PUBLIC, None, "Annual report", ".pdf"),
    (D.COMMITTEE, "planning", "Planning applications schedule", ".pdf"),
    (D.COMMITTEE, "planning", "Planning applications schedule", ".pdf"),
    (D.COMMITTEE, "planning", "Planning consultation responses", ".pdf"),
    (D.COMMITTEE, "finance", "Finance working papers", ".pdf"),
    (D.COMMITTEE, "finance", "Bank reconciliation", ".pdf"),
    (D.COMMITTEE, "personnel", "Staff appraisal framework", ".pdf"),
    (D.COMMITTEE, None, "Grounds maintenance contract specification", ".pdf"),
    (D.CONFIDENTIAL, None, "Legal advice on the boundary dispute", ".pdf"),
    (D.CONFIDENTIAL, "finance", "Tender evaluation for the play area", ".pdf"),
    (D.CONFIDENTIAL, "personnel", "Personnel committee confidential minutes", ".pdf"),
    (D.PERSONAL_DATA, None, "Allotment tenants and arrears", ".csv"),
    (D.PERSONAL_DATA, "personnel", "Staff salaries and pension contributions", ".csv"),
    (D.PERSONAL_DATA, None, "Hall booking contacts", ".csv"),
    (D.PERSONAL_DATA, None, "Complaint correspondence file", ".pdf"),
]
FILES = {
    ".pdf": ("application/pdf", MINIMAL_PDF),
    ".csv": ("text/csv", b"name,detail,amount\nA. Person,example,0\n"),
}


def _person(rng: random.Random, email: str, joined: date, by: User | None) -> User:
    """A person with a made-up name, joined on a day, created by `by` (R27)."""
    user = User(
        email=email,
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        date_joined=moment(joined, rng),
    )
    return recorded(user, by, user.date_joined)


def _kind_and_nation(index: int, rng: random.Random) -> tuple[str, str]:
    """One council in five is Welsh (every fifth), mostly community councils; the English are
    mostly parishes, with towns and the odd city."""
    K = Council.Kind
    if index % 5 == 0:
        return (K.COMMUNITY if rng.random() < 0.8 else K.TOWN), Council.Nation.WALES
    roll = rng.random()
    return (K.PARISH if roll < 0.7 else K.TOWN if roll < 0.95 else K.CITY), Council.Nation.ENGLAND


class _Files:
    """The files written so far, removed again if the run fails (the rows roll back)."""

    def __init__(self) -> None:
        """Nothing written yet."""
        self.paths: list[str] = []
        self.dirs: set[str] = set()

    def write(self, name: str, content: bytes) -> None:
        """Write a file into private storage under its stored name."""
        path = private_storage.path(name)
        folder = os.path.dirname(path)
        if folder not in self.dirs:
            os.makedirs(folder, exist_ok=True)
            self.dirs.add(folder)
        with open(path, "wb") as f:
            f.write(content)
        self.paths.append(path)

    def remove(self) -> None:
        """Delete every file written by this run."""
        for path in self.paths:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass


def build_structure(
    indexes: list[int], *, today: date, seed: int, password: str, files: _Files
) -> tuple[ScaleChunk, Counter]:
    """Councils, people, roles, committees, seats, groups and documents for a chunk."""
    counts: Counter = Counter()
    chunk = ScaleChunk(councils=[], today=today, seed=seed)

    # People first: every other row points at them, and the clerk is the actor in the history
    # of what they set up (as in the demo). One clerk per COUNCILS_PER_CLERK councils.
    clerks: dict[int, User] = {}
    clerk_starts: dict[int, date] = {}
    for index in indexes:
        group = (index - 1) // COUNCILS_PER_CLERK + 1
        if group not in clerks:
            rng = random.Random(f"{seed}:clerk:{group}")
            clerk_starts[group] = days_ago(today, rng, 2200, 3300)
            clerks[group] = _person(
                rng, f"clerk-{group:05d}@{EMAIL_DOMAIN}", clerk_starts[group], None
            )
    for clerk in clerks.values():
        clerk.password = password
    insert(User, list(clerks.values()), counts)

    plans = []
    people: list[User] = []
    for index in indexes:
        rng = random.Random(f"{seed}:structure:{index}")
        group = (index - 1) // COUNCILS_PER_CLERK + 1
        clerk = clerks[group]
        prefix = f"{index:05d}"
        rfo_start = days_ago(today, rng, 1900, 3000)
        officer_start = days_ago(today, rng, 300, 2400)
        rfo = _person(rng, f"rfo-{prefix}@{EMAIL_DOMAIN}", rfo_start, clerk)
        officer = _person(rng, f"officer-{prefix}@{EMAIL_DOMAIN}", officer_start, clerk)
        # Terms: j = 1..7 were first elected years ago (they cover the five years of
        # history), 8..11 joined since; one or two of 9..11 leave within 30 days; one or two
        # former councillors' terms have ended (R1).
        next_election = today + timedelta(days=rng.randint(200, 1300))
        ending_soon = set(rng.sample(range(9, CURRENT_COUNCILLORS + 1), rng.randint(1, 2)))
        terms: list[tuple[date, date]] = []
        for j in range(1, CURRENT_COUNCILLORS + 1):
            starts = days_ago(today, rng, 1900, 2600) if j <= 7 else days_ago(today, rng, 60, 1500)
            ends = today + timedelta(days=rng.randint(1, 30)) if j in ending_soon else next_election
            terms.append((starts, ends))
        for _ in range(rng.randint(1, 2)):
            terms.append((days_ago(today, rng, 1900, 2600), days_ago(today, rng, 20, 900)))
        councillors = [
            _person(rng, f"councillor-{prefix}-{j:02d}@{EMAIL_DOMAIN}", starts, clerk)
            for j, (starts, _) in enumerate(terms, start=1)
        ]
        people += [rfo, officer, *councillors]
        plans.append((index, rng, clerk, clerk_starts[group], rfo, officer, councillors, terms))
    for person in people:
        person.password = password  # one hash for everyone, computed once by the caller
    insert(User, people, counts)

    everyone = [*clerks.values(), *people]
    insert(
        EmailAddress,
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in everyone],
        counts,
    )
    # The two-factor middleware lets a Proper Officer in only with an authenticator (and the
    # others the rule asks it of, once their seats are made, below). It has been used (allauth's
    # model needs last_used_at to pass full_clean()).
    secret = encrypt(SCALE_TOTP_SECRET)
    last_used = timezone.make_aware(datetime.combine(today - timedelta(days=1), clock(9)))

    def authenticators(users) -> list[Authenticator]:
        return [
            Authenticator(
                user=u,
                type=Authenticator.Type.TOTP,
                data={"secret": secret},
                created_at=u.date_joined,
                last_used_at=last_used,
            )
            for u in users
        ]

    insert(Authenticator, authenticators(clerks.values()), counts)

    councils = []
    for index, rng, clerk, clerk_start, *_ in plans:
        kind, nation = _kind_and_nation(index, rng)
        places = WELSH_PLACES if nation == Council.Nation.WALES else ENGLISH_PLACES
        place = places[(index - 1) % len(places)]
        england = nation == Council.Nation.ENGLAND
        council = Council(
            name=f"{place} Scale {Council.Kind(kind).label.title()} {index}",
            slug=f"{SLUG_PREFIX}{index:05d}",
            kind=kind,
            nation=nation,
            principal_authority=(
                f"{place} District Council" if england else f"{place} County Borough Council"
            ),
            monitoring_officer_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if england
            else "",
            monitoring_officer_email=f"monitoring.officer-{index:05d}@{EMAIL_DOMAIN}"
            if england
            else "",
            created_at=moment(clerk_start, rng),
        )
        councils.append(recorded(council, clerk, council.created_at))
    insert(Council, councils, counts)

    roles: list[Role] = []
    committees: list[Committee] = []
    groups: list[PoliticalGroup] = []
    council_parts = []
    for council, (index, rng, clerk, clerk_start, rfo, officer, councillors, terms) in zip(
        councils, plans, strict=True
    ):
        at = council.created_at
        K = Role.Kind
        mine = [
            Role(council=council, user=clerk, kind=K.PROPER_OFFICER, starts_on=clerk_start),
            Role(council=council, user=rfo, kind=K.RFO, starts_on=rfo.date_joined.date()),
            Role(
                council=council, user=officer, kind=K.OFFICER, starts_on=officer.date_joined.date()
            ),
        ]
        mine += [
            Role(council=council, user=u, kind=K.COUNCILLOR, starts_on=starts, ends_on=ends)
            for u, (starts, ends) in zip(councillors, terms, strict=True)
        ]
        for role in mine:
            recorded(role, clerk, max(at, moment(role.starts_on, rng)))
        roles += mine
        C = Committee.Kind
        named = {
            "full": Committee(
                council=council,
                name="Full council",
                kind=C.FULL_COUNCIL,
                functions="All of the council's business not delegated to a committee.",
            ),
            "personnel": Committee(
                council=council,
                name="Personnel committee",
                kind=C.PERSONNEL,
                functions="Staff matters: appraisal, grievance and disciplinary hearings.",
            ),
            "planning": Committee(
                council=council,
                name="Planning committee",
                kind=C.COMMITTEE,
                functions="Comments on planning applications in the area.",
            ),
        }
        if rng.random() < 0.5:
            named["finance"] = Committee(
                council=council,
                name="Finance committee",
                kind=C.COMMITTEE,
                functions="The budget, the precept and the accounts.",
            )
        for committee in named.values():
            recorded(committee, clerk, at)
        committees += named.values()
        pair = GROUP_NAMES[rng.randrange(len(GROUP_NAMES))]
        mine_groups = [recorded(PoliticalGroup(council=council, name=n), clerk, at) for n in pair]
        groups += mine_groups
        council_parts.append((council, index, rng, clerk, rfo, officer, councillors, mine, named))
    insert(Role, roles, counts)
    insert(Committee, committees, counts)
    insert(PoliticalGroup, groups, counts)

    seats: list[Seat] = []
    memberships: list[GroupMembership] = []
    scale_councils = []
    for council, index, rng, clerk, rfo, officer, councillors, mine, named in council_parts:
        terms = {r.user_id: r for r in mine if r.kind == Role.Kind.COUNCILLOR}
        P = Seat.Position
        # (committee, councillor j, position, end of a seat given up during the term)
        specs = [
            ("full", j, {CHAIR: P.CHAIR, VICE_CHAIR: P.VICE_CHAIR}.get(j, P.MEMBER), None)
            for j in range(1, len(councillors) + 1)
        ]
        specs += [("personnel", PERSONNEL_CHAIR, P.CHAIR, None)]
        specs += [("personnel", j, P.MEMBER, None) for j in (4, 5, 6, 7)]
        specs += [("planning", 4, P.CHAIR, None)]
        specs += [("planning", j, P.MEMBER, None) for j in (2, 5, 8, 9)]
        # A seat given up while the term goes on (R5 must not count it), and a former
        # councillor's, ended with the term.
        specs += [("planning", 10, P.MEMBER, days_ago(today, rng, 1, 200))]
        specs += [("planning", CURRENT_COUNCILLORS + 1, P.MEMBER, None)]
        if "finance" in named:
            specs += [("finance", 6, P.CHAIR, None)]
            specs += [("finance", j, P.MEMBER, None) for j in (1, 7, 8, 11)]
        mine_seats: list[Seat] = []
        for key, j, position, given_up in specs:
            user = councillors[j - 1]
            role = terms[user.pk]
            ends_on = role.ends_on if role.ends_on < today else given_up
            seat = Seat(
                committee=named[key],
                user=user,
                position=position,
                starts_on=role.starts_on,
                ends_on=max(ends_on, role.starts_on) if ends_on else None,
            )
            mine_seats.append(recorded(seat, clerk, moment(role.starts_on, rng)))
        seats += mine_seats
        group_a, group_b = (g for g in groups if g.council_id == council.pk)
        for j, user in enumerate(councillors, start=1):
            if j == 9:
                continue  # sits as an independent, in no group
            role = terms[user.pk]
            membership = GroupMembership(
                group=group_a if j % 2 else group_b,
                user=user,
                starts_on=role.starts_on,
                ends_on=role.ends_on if role.ends_on < today else None,
            )
            memberships.append(recorded(membership, clerk, moment(role.starts_on, rng)))
        scale_councils.append(
            ScaleCouncil(
                index=index,
                council=council,
                clerk=clerk,
                rfo=rfo,
                officer=officer,
                councillors=councillors,
                roles=mine,
                seats=mine_seats,
                committees=named,
                groups=[group_a, group_b],
            )
        )
    insert(Seat, seats, counts)
    insert(GroupMembership, memberships, counts)
    # Everyone else the two-factor rule asks it of today (council.policy): the other officers,
    # the chairs and vice-chairs, the personnel committee. The clerks have theirs.
    two_factor: dict[int, User] = {}
    for sc in scale_councils:
        for user in {*sc.officers, *sc.councillors} - set(clerks.values()):
            role = sc.role_of(user, today)
            seats = [
                s
                for s in sc.seats
                if s.user_id == user.pk
                and s.starts_on <= today
                and (s.ends_on is None or s.ends_on >= today)
            ]
            if role and policy.two_factor_required_by([role], seats):
                two_factor[user.pk] = user
    insert(Authenticator, authenticators(two_factor.values()), counts)

    documents: list[Document] = []
    for sc in scale_councils:
        rng = random.Random(f"{seed}:documents:{sc.index}")
        days = sorted(days_ago(today, rng, 1, 2000) for _ in DOCUMENTS)
        for (classification, key, title, ext), day in zip(
            rng.sample(DOCUMENTS, len(DOCUMENTS)), days, strict=True
        ):
            committee = sc.committees.get(key) if key else None
            if key == "finance" and committee is None:
                committee = sc.committees["planning"]  # no finance committee here
            content_type, content = FILES[ext]
            name = f"documents/{sc.council.pk}/{rng.getrandbits(128):032x}{ext}"
            files.write(name, content)
            uploader = rng.choice([u for u in sc.officers if sc.role_of(u, day)] or [sc.clerk])
            created = moment(day, rng)
            label = f"{title}, {day:%B %Y}"
            document = Document(
                council=sc.council,
                title=label,
                description=f"{title} ({D(classification).label.lower()}).",
                classification=classification,
                committee=committee,
                file=name,
                original_name=f"{title.lower().replace(' ', '-')}-{day:%Y-%m}{ext}",
                content_type=content_type,
                size=len(content),
                uploaded_by=uploader,
                created_at=created,
                updated_at=created,
            )
            sc.documents.append(recorded(document, uploader, created))
        documents += sc.documents
    insert(Document, documents, counts)

    chunk.councils = scale_councils
    return chunk, counts
