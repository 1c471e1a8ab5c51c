"""Data at scale, for measuring the portal: `manage.py generate_scale --councils N`.

The framework (a registry of builders, like `council.demo.register_extra`, the helpers every
builder shares, and the run); the council's own structure, which every builder builds on, is in
structure.py. Other apps register their part with @register in their own `scale.py`, found when
the generator runs (council.discovery), so that `council` imports none of them (DESIGN §2).

Everything is worked out in Python and written with bulk inserts, a chunk of councils at a time,
each object with its "created" history row (R27). Never a query per row. The data is
deterministic for a seed: each council and each part draws from its own `random.Random`, so the
chunk size and the set of registered builders do not change what a council gets.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.db import reset_queries, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from ..discovery import discover
from ..lib.working_days import add_working_days, working_days_before, working_days_between
from ..models import (
    Committee,
    Council,
    Document,
    PoliticalGroup,
    Role,
    Seat,
    User,
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
    from .structure import _Files, build_structure  # it builds on this module's framework

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
