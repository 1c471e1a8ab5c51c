"""Data at scale, for measuring the portal: `manage.py generate_scale --councils N`.

The framework (a registry of builders, like `council.demo.register_extra`) and the council's
structure: councils, people, dated roles, committees and seats, political groups, the document
register with real files, email addresses and the Proper Officers' authenticators. Other apps
register their part with @register in their own `scale.py`, found when the generator runs
(council.discovery), so that `council` imports none of them (DESIGN §2).

Everything is worked out in Python and written with bulk inserts, a chunk of councils at a time,
each object with its "created" history row (R27). Never a query per row. The data is
deterministic for a seed: each council and each part draws from its own `random.Random`, so the
chunk size and the set of registered builders do not change what a council gets.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.db import reset_queries, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from . import policy
from .demo import MINIMAL_PDF
from .discovery import discover
from .lib.working_days import add_working_days, working_days_before, working_days_between
from .models import (
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

SCALE_PASSWORD = "scale-password-2026"
# Every scale clerk shares this authenticator secret (RFC 6238's test key), so that a load test
# that signs in through the two-factor form can work out the code, as `demo_code` does.
SCALE_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
SLUG_PREFIX = "scale-"
EMAIL_DOMAIN = "scale.example.org"
# One clerk serves this many neighbouring councils, as is common for small parishes.
COUNCILS_PER_CLERK = 3
# A multiple of COUNCILS_PER_CLERK, so that a clerk's councils are always in the same chunk.
CHUNK_COUNCILS = 60
BATCH_SIZE = 2000
CURRENT_COUNCILLORS = 11  # j = 1..11; former councillors follow them
CHAIR, VICE_CHAIR, PERSONNEL_CHAIR = 1, 2, 3

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


# ---------------------------------------------------------------------------------------------
# What builders receive
# ---------------------------------------------------------------------------------------------


@dataclass
class ScaleCouncil:
    """One generated council and its people, as other apps' builders need them."""

    index: int
    council: Council
    clerk: User
    rfo: User
    officer: User
    councillors: list[User]  # councillor j is councillors[j - 1]; the former ones come last
    roles: list[Role]
    seats: list[Seat]
    committees: dict[str, Committee]  # "full", "personnel", "planning" and maybe "finance"
    groups: list[PoliticalGroup]
    documents: list[Document] = field(default_factory=list)
    _roles_by_user: dict[int, list[Role]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Index the roles by person, for role_of()."""
        for role in self.roles:
            self._roles_by_user.setdefault(role.user_id, []).append(role)

    @property
    def nation(self) -> str:
        """The council's nation: its bank holidays (R9) and Code of Conduct route (R21)."""
        return self.council.nation

    @property
    def chair(self) -> User:
        """Councillor 1 chairs the full council."""
        return self.councillors[CHAIR - 1]

    @property
    def vice_chair(self) -> User:
        """Councillor 2 is its vice-chair."""
        return self.councillors[VICE_CHAIR - 1]

    @property
    def current_councillors(self) -> list[User]:
        """The councillors whose terms cover today."""
        return self.councillors[:CURRENT_COUNCILLORS]

    @property
    def officers(self) -> list[User]:
        """The Proper Officer, the RFO and the other officer."""
        return [self.clerk, self.rfo, self.officer]

    def role_of(self, user: User, on: date) -> Role | None:
        """The user's role covering a day, if any."""
        for role in self._roles_by_user.get(user.pk, ()):
            if role.covers(on):
                return role
        return None

    def councillors_on(self, on: date) -> list[User]:
        """The councillors in post on a day."""
        return [u for u in self.councillors if self.role_of(u, on) is not None]

    def officers_on(self, on: date) -> list[User]:
        """The officers in post on a day."""
        return [u for u in self.officers if self.role_of(u, on) is not None]

    def committee_ids_on(self, user: User, on: date) -> set[int]:
        """R5: the committees on which a person holds a seat on a day."""
        return {
            s.committee_id
            for s in self.seats
            if s.user_id == user.pk and s.starts_on <= on and (s.ends_on is None or s.ends_on >= on)
        }

    def personnel_members_on(self, on: date) -> list[User]:
        """R20: the personnel committee's members on a day, in seat order."""
        committee = self.committees["personnel"]
        ids = [
            s.user_id
            for s in self.seats
            if s.committee_id == committee.pk
            and s.starts_on <= on
            and (s.ends_on is None or s.ends_on >= on)
        ]
        by_id = {u.pk: u for u in self.councillors}
        return [by_id[i] for i in ids]


@dataclass
class ScaleChunk:
    """The councils generated together; builders add their rows for these."""

    councils: list[ScaleCouncil]
    today: date
    seed: int

    def rng(self, council: ScaleCouncil, part: str) -> random.Random:
        """A generator of its own for one part of one council: the same whatever the chunking."""
        return random.Random(f"{self.seed}:{part}:{council.index}")


Builder = Callable[[ScaleChunk], Counter]
_builders: list[Builder] = []


def register(builder: Builder) -> Builder:
    """builder(chunk) adds an app's rows for a chunk of councils and returns rows per model."""
    if builder not in _builders:
        _builders.append(builder)
    return builder


# ---------------------------------------------------------------------------------------------
# Helpers for builders
# ---------------------------------------------------------------------------------------------


@contextmanager
def given_timestamps(model) -> Iterator[None]:
    """Let a bulk insert keep the creation and change times we computed (months or years ago)
    instead of auto_now/auto_now_add stamping every row with this second. Restored on exit."""
    changed = [
        (f, f.auto_now, f.auto_now_add)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _, _ in changed:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def is_historical(model) -> bool:
    """Whether the model keeps a history (django-simple-history registered it)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def insert(model, objs: list, counts: Counter) -> list:
    """Bulk insert, with a "created" history row per object for models that keep history (R27):
    its history_user and history_date are the object's `_history_user` and `_history_date`.
    Timestamps the caller left empty are set to now."""
    if not objs:
        return objs
    now = timezone.now()
    stamped = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objs:
        for name in stamped:
            if getattr(obj, name) is None:
                setattr(obj, name, now)
    with given_timestamps(model):
        if is_historical(model):
            saved = bulk_create_with_history(objs, model, batch_size=BATCH_SIZE)
            counts[get_history_model_for_model(model)._meta.label] += len(saved)
        else:
            saved = model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    counts[model._meta.label] += len(saved)
    return saved


def recorded(obj, user: User | None, at: datetime):
    """Name who made an object and when, for its "created" history row (R27)."""
    obj._history_user = user
    obj._history_date = at
    return obj


def moment(day: date, rng: random.Random, *, after: datetime | None = None) -> datetime:
    """An aware time during office hours on a day, and later than `after` if given (a
    timeline's steps must stay in order)."""
    at = timezone.make_aware(
        datetime.combine(day, clock(8 + rng.randrange(9), rng.randrange(60), rng.randrange(60)))
    )
    if after is not None and at <= after:
        at = after + timedelta(minutes=rng.randint(5, 90))
    return at


@lru_cache(maxsize=200_000)
def due_after(start: date, days: int, nation: str) -> date:
    """R9/R23: the due date `days` working days after `start` (memoised: many rows share one)."""
    return add_working_days(start, days, nation).due


@lru_cache(maxsize=200_000)
def working_day_before(day: date, days: int, nation: str) -> date:
    """The working day `days` working days before `day` (memoised)."""
    return working_days_before(day, days, nation)


@lru_cache(maxsize=400_000)
def working_days_from(after: date, through: date, nation: str) -> int:
    """Working days after `after` up to and including `through` (memoised)."""
    return working_days_between(after, through, nation)


def start_for_due(due: date, days: int, nation: str) -> date:
    """A start day whose due date, `days` working days on, is `due` (itself a working day)."""
    return working_day_before(due, days, nation)


def days_ago(today: date, rng: random.Random, low: int, high: int) -> date:
    """A day between `low` and `high` days before today."""
    return today - timedelta(days=rng.randint(low, high))


# ---------------------------------------------------------------------------------------------
# The council's structure
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def scale_exists() -> bool:
    """Whether a run has made scale councils already (a second run changes nothing)."""
    return Council.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def generate(
    *,
    councils: int,
    seed: int = 2026,
    chunk_size: int = CHUNK_COUNCILS,
    progress: Callable[[str], None] | None = None,
) -> Counter:
    """Generate `councils` scale councils with everything every registered builder adds, in one
    transaction (all or nothing, so a second run can trust `scale_exists()`), a chunk at a time
    so that memory stays bounded. Returns rows per model."""
    if chunk_size % COUNCILS_PER_CLERK:
        raise ValueError(f"chunk_size must be a multiple of {COUNCILS_PER_CLERK}")
    today = timezone.localdate()
    # Hashing is slow on purpose; every scale person shares this one hash.
    password = make_password(SCALE_PASSWORD)
    counts: Counter = Counter()
    files = _Files()
    started = time.monotonic()
    discover("scale")
    try:
        with transaction.atomic():
            for first in range(1, councils + 1, chunk_size):
                indexes = list(range(first, min(first + chunk_size, councils + 1)))
                chunk, structure = build_structure(
                    indexes, today=today, seed=seed, password=password, files=files
                )
                counts += structure
                for builder in _builders:
                    counts += builder(chunk)
                # With DEBUG on, Django keeps the SQL of recent queries, and the SQL of one bulk
                # insert is megabytes: forget it after each chunk to keep memory bounded.
                reset_queries()
                if progress:
                    progress(
                        f"councils {indexes[0]}–{indexes[-1]}: {sum(counts.values()):,} rows, "
                        f"{time.monotonic() - started:.0f} s"
                    )
    except BaseException:
        files.remove()
        raise
    return counts


def model_counts(counts: Counter) -> list[tuple[str, int]]:
    """Rows per model, in a stable order for the summary."""
    return sorted(counts.items())
