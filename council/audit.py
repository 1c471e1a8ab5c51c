"""The tamper-evident audit log (R27): append-only chains of events beside simple-history's record
versions. simple-history answers "what did this object look like, and who changed it"; this log
answers "did anyone quietly rewrite what happened".

Every workflow transition, release of a document, opening of a document with personal data, role
change and failed sign-in appends one `AuditEvent`, in the same transaction as the change it records
(so a rolled-back change leaves no row).

There is one chain per council, and one more, "the portal chain", for events that belong to no
council (failed sign-ins, the daily purge). Each event has a position in its chain (1, 2, 3 …, no
gaps) and holds the hash of the event before it *in the same chain* and its own hash, SHA-256 over
a canonical JSON form of every other field, its chain and position included: changing, inserting
or removing an event in the middle of a chain, or moving one to another chain, breaks a chain, and
`verify_chain()` (`manage.py verify_audit`) names the first broken event of each broken chain. On
PostgreSQL a trigger (migration 0004, re-created by 0008) refuses UPDATE and DELETE outright.

A chain per council, not one for the whole portal, so that appends lock only their own chain: two
councils' audited writes never wait for each other (`_lock_the_chain`). The events' `sequence` is
an ordinary auto-increment id that orders the whole log; its gaps (rolled-back appends) mean
nothing, since gaps are looked for per chain, by position.

What a chain cannot show on its own: events removed from its *end* (or a whole chain removed).
`verify_audit` prints each chain's latest hash so that they can be noted somewhere else (a minute, a
printed report) and compared later.

The model, `AuditEvent`, is in council/models.py with the app's other models; this module holds
the one service that appends to it and the check of the chains.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import PORTAL_CHAIN, AuditEvent, AuditKind

if TYPE_CHECKING:
    from .models import Council, User

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event of every chain


# The first key of the PostgreSQL advisory lock that serialises appends to one chain; the second is
# the chain. The two-key form takes two 32-bit integers (its keys never clash with the one-bigint
# form's); this one spells "audi" in ASCII, and no other code uses it.
AUDIT_LOCK_KEY = 0x61756469


def chain_of(council_id: int | None) -> int:
    """The chain an event of this council (None: of no council) belongs to."""
    return PORTAL_CHAIN if council_id is None else council_id


def _plain(value: Any) -> Any:
    """`data` as the database will give it back (dates as ISO strings, tuples as lists), so that
    the hash computed now matches the one recomputed later. Floats are refused: PostgreSQL's jsonb
    may return them in another notation."""
    value = json.loads(json.dumps(value, cls=DjangoJSONEncoder))

    def check(v: Any) -> None:
        if isinstance(v, float):
            raise TypeError("Audit data takes no floats; pass the number as a string.")
        if isinstance(v, dict):
            for item in v.values():
                check(item)
        elif isinstance(v, list):
            for item in v:
                check(item)

    check(value)
    return value


def _lock_the_chain(chain: int) -> None:
    """Serialise appends to this one chain until the transaction ends, so that two at once cannot
    both chain onto the same last event; appends to other chains go ahead. PostgreSQL: a
    transaction-scoped advisory lock keyed on the chain (a SELECT ... FOR UPDATE on the last row
    would lock nothing while the chain is empty, and a waiter would wake up holding a row that is
    no longer last). The two-key form takes 32-bit keys, so a council id beyond 2**31 shares its
    lock with a smaller one: harmless, they only wait for each other. A transaction that appends
    to two chains holds both locks; if two such take them in opposite orders, PostgreSQL detects
    the deadlock and fails one. SQLite (development only) locks the whole database for a writer:
    an append that raced another fails with "database is locked" rather than fork a chain. Either
    way the unique constraint on (chain, position) refuses a second event at the same place."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                [AUDIT_LOCK_KEY, chain & 0x7FFFFFFF],
            )


def audit_record(
    *,
    kind: str,
    acting_user: User | None,
    council: Council | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its council's chain (or the portal's), in the caller's transaction
    (R27)."""
    if kind not in AuditKind.values:
        raise ValueError(f"Unknown audit event kind: {kind!r}")
    chain = chain_of(council.pk if council else None)
    with transaction.atomic():
        _lock_the_chain(chain)
        # In READ COMMITTED each statement sees what committed before it began: after the lock,
        # that includes the previous holder's row.
        last = (
            AuditEvent.objects.filter(chain=chain)
            .order_by("-position")
            .values_list("position", "hash")
            .first()
        )
        position, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        event = AuditEvent(
            chain=chain,
            position=position,
            at=timezone.now(),
            kind=kind,
            actor_id=acting_user.pk if acting_user else None,
            actor_name=str(acting_user)[:200] if acting_user else "",
            council_id=council.pk if council else None,
            council_name=council.name[:200] if council else "",
            target_model=target._meta.label_lower if target is not None else "",
            target_pk=str(target.pk) if target is not None else "",
            data=_plain(data or {}),
            prev_hash=prev_hash,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


class ChainStatus(NamedTuple):
    """What verify_chain() found in one chain."""

    chain: int  # the council's id, or PORTAL_CHAIN
    name: str  # the council's name as its events give it ("" for the portal chain)
    checked: int  # events read, up to and including the first broken one
    last_position: int  # the position of the last event that checked out (0 if none)
    last_hash: str  # the hash of the last event that checked out (GENESIS_HASH if none)
    first_broken_id: int | None  # the `sequence` of the first broken event, None if intact
    reason: str  # why it is broken ("" if intact)

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None

    @property
    def label(self) -> str:
        """The chain in plain English: "Little Wickham Parish Council (council 1)", or "the
        portal"."""
        if self.chain == PORTAL_CHAIN:
            return "the portal"
        return f"{self.name} (council {self.chain})" if self.name else f"council {self.chain}"


class ChainCheck(NamedTuple):
    """What verify_chain() found in the whole log."""

    ok: bool
    first_broken_id: int | None  # the first broken event of the first broken chain
    reason: str
    checked: int  # events read, in all chains
    chains: tuple[ChainStatus, ...]  # every chain that has events, in chain order

    @property
    def broken(self) -> tuple[ChainStatus, ...]:
        return tuple(status for status in self.chains if not status.ok)


def _events(chunk_size: int) -> Iterator[AuditEvent]:
    """Every event, chain by chain, each chain in order (the unique constraint's index)."""
    return AuditEvent.objects.order_by("chain", "position").iterator(chunk_size=chunk_size)


def _first_fault(event: AuditEvent, expected_position: int, prev_hash: str) -> str:
    """Why this event does not continue its chain ("" if it does)."""
    if event.chain != chain_of(event.council_id):  # the check constraint forbids it, but check
        return "it is filed in another council's chain than its own: it was moved"
    if event.position != expected_position:  # ordered by position: a gap, or a position of 0
        if event.position < expected_position:
            return f"its position ({event.position}) is not after the event before it"
        if event.position == expected_position + 1:
            return f"the event at position {expected_position} is missing before it"
        return (
            f"the events at positions {expected_position} to {event.position - 1} are missing "
            "before it"
        )
    if event.prev_hash != prev_hash:
        return (
            "the previous-event hash it holds does not match the event before it: that event "
            "was changed (and its own hash recomputed), or this link was"
        )
    if event.compute_hash() != event.hash:
        return "its contents do not match its hash: it was changed after it was written"
    return ""


def verify_chain(*, chunk_size: int = 2000) -> ChainCheck:
    """Walk every chain in order, in bounded memory (one summary per chain); recompute every hash
    and check every link. In each chain, stops at the first broken event and says why, then goes
    on with the next chain."""
    statuses: list[ChainStatus] = []
    current: ChainStatus | None = None
    checked = 0
    for event in _events(chunk_size):
        checked += 1
        if current is None or event.chain != current.chain:
            if current is not None:
                statuses.append(current)
            current = ChainStatus(event.chain, event.council_name, 0, 0, GENESIS_HASH, None, "")
        if not current.ok:
            continue  # the rest of a broken chain proves nothing more
        reason = _first_fault(event, current.last_position + 1, current.last_hash)
        current = current._replace(checked=current.checked + 1)
        if reason:
            current = current._replace(first_broken_id=event.sequence, reason=reason)
        else:
            current = current._replace(
                name=event.council_name, last_position=event.position, last_hash=event.hash
            )
    if current is not None:
        statuses.append(current)
    broken = [status for status in statuses if not status.ok]
    if broken:
        return ChainCheck(
            False, broken[0].first_broken_id, broken[0].reason, checked, tuple(statuses)
        )
    return ChainCheck(True, None, "", checked, tuple(statuses))
