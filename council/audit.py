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

This module holds the model and the one service that appends to it; council/models.py imports the
model so that Django finds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Council, User

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event of every chain

# The chain of the events that belong to no council (council ids start at 1).
PORTAL_CHAIN = 0

# The first key of the PostgreSQL advisory lock that serialises appends to one chain; the second is
# the chain. The two-key form takes two 32-bit integers (its keys never clash with the one-bigint
# form's); this one spells "audi" in ASCII, and no other code uses it.
AUDIT_LOCK_KEY = 0x61756469

MSG_APPEND_ONLY = "The audit log is append-only: an event, once written, never changes."


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditKind(models.TextChoices):
    # Councillors' information requests (R5–R9)
    REQUEST_SUBMITTED = "request_submitted", "Request submitted"
    REQUEST_CLARIFICATION_ASKED = "request_clarification_asked", "Request: clarification asked"
    REQUEST_CLARIFIED = "request_clarified", "Request clarified"
    REQUEST_DELEGATED = "request_delegated", "Request passed to another officer"
    REQUEST_DECIDED = "request_decided", "Request decided"
    REQUEST_WITHDRAWN = "request_withdrawn", "Request withdrawn"
    # Documents (R8)
    DOCUMENT_RELEASED = "document_released", "Released document first opened"
    PERSONAL_DATA_DOCUMENT_OPENED = (
        "personal_data_document_opened",
        "Document with personal data opened",
    )
    # Concerns (R16–R23)
    CONCERN_RAISED = "concern_raised", "Concern raised"
    CONCERN_TRIAGED = "concern_triaged", "Concern triaged"
    CONCERN_SUBJECT_TOLD = "concern_subject_told", "Person concerned told"
    CONCERN_FORMAL = "concern_formal", "Concern moved to the formal procedure"
    CONCERN_HEARING_ARRANGED = "concern_hearing_arranged", "Hearing arranged"
    CONCERN_HEARING_MOVED = "concern_hearing_moved", "Hearing moved"
    CONCERN_HEARING_DECIDED = "concern_hearing_decided", "Hearing decided"
    CONCERN_APPEALED = "concern_appealed", "Concern appealed"
    CONCERN_REFERRED = "concern_referred", "Concern referred outside the council"
    CONCERN_CLOSED = "concern_closed", "Concern closed"
    CONCERN_WITHDRAWN = "concern_withdrawn", "Concern withdrawn"
    # Correspondence, press and political groups (R10–R15)
    CORRESPONDENCE_SENT = "correspondence_sent", "Correspondence sent"
    CORRESPONDENCE_RECORDED = "correspondence_recorded", "Correspondence recorded as sent"
    CORRESPONDENCE_COPIED = "correspondence_copied", "Correspondence copied (forwarded)"
    PRESS_APPROVED = "press_approved", "Press release approved"
    PRESS_PUBLISHED = "press_published", "Press release published"
    GROUP_REPORT_ISSUED = "group_report_issued", "Group report issued"
    # The protocol (R24)
    PROTOCOL_ADOPTED = "protocol_adopted", "Protocol adopted"
    # Roles (R1, R4) and sign-in
    ROLE_CREATED = "role_created", "Role created"
    ROLE_CHANGED = "role_changed", "Role dates changed"
    ROLE_ENDED = "role_ended", "Role ended (end date set or brought forward)"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    TWO_FACTOR_RESET = "two_factor_reset", "Someone else's two-factor authentication reset"
    # Data protection: the daily purge of expired personal records (council/privacy/)
    RETENTION_PURGED = "retention_purged", "Expired personal records removed"
    PERSONAL_DATA_EXPORTED = "personal_data_exported", "Personal data exported (subject access)"


class AuditEventQuerySet(models.QuerySet):
    """The ORM's bulk paths would bypass both the chain and the model's guards: refused."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def delete(self):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events are appended one at a time by audit_record().")


class AuditEvent(models.Model):
    """One thing that happened, chained to the event before it in its council's chain.

    Who and which council are plain values with a name beside them, not foreign keys: a foreign
    key could cascade, be set to NULL, or block deleting a person, and the row must never change.
    No HistoricalRecords either: the row never changes, so it has no versions.
    """

    Kind = AuditKind

    # The whole log's order. An auto-increment, so that two chains appending at once under their
    # own locks never ask for the same number; a rolled-back append leaves a gap here, which is
    # harmless: removals show as gaps in `position`. Not in the hash: the database assigns it on
    # insert, after the hash has been computed.
    sequence = models.BigAutoField(primary_key=True)
    # The council's id, or PORTAL_CHAIN: `council_id` cannot be the chain itself, since a unique
    # constraint treats NULLs as all different.
    chain = models.PositiveBigIntegerField()
    # Assigned under the chain's lock as the previous position + 1 (not an autoincrement, whose
    # values have gaps after a rollback): a gap here means an event was removed.
    position = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=50, choices=AuditKind.choices)
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    council_id = models.PositiveBigIntegerField(null=True, blank=True)
    council_name = models.CharField(max_length=200, blank=True)
    target_model = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    target_pk = models.CharField(max_length=64, blank=True)
    # Identifiers and states only: never a password, a concern's details or a letter's text.
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        constraints = [
            # Two appends that raced past the lock (there is none on SQLite) cannot both take the
            # same place; the index also finds a chain's last event, and walks a chain in order.
            models.UniqueConstraint(
                fields=["chain", "position"], name="auditevent_one_event_per_position"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    chain=Coalesce(
                        "council_id",
                        models.Value(PORTAL_CHAIN),
                        output_field=models.PositiveBigIntegerField(),
                    )
                ),
                name="auditevent_chain_is_its_councils",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"

    # A guard in save() and delete() is the one exception to "no rules in save()" (STYLE 8): it
    # is not a business rule but the table's nature, and it must hold however the row is reached
    # (the admin, a shell, a future service). PostgreSQL's trigger says the same below the ORM.
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)
        kwargs["force_insert"] = True  # never an UPDATE, even with the primary key set
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(MSG_APPEND_ONLY)

    def canonical(self) -> bytes:
        """Every field but `hash` and `sequence`, as JSON with sorted keys, no whitespace and the
        time in UTC ISO 8601: the bytes the hash is computed over. The chain and the position are
        in it, so an event cannot be moved to another chain or place without changing its hash.
        (Migration 0008 keeps a frozen copy of this form, to re-seal the old log with: changing
        it later means re-sealing every chain again, in a migration of its own.)"""
        fields = {
            "chain": self.chain,
            "position": self.position,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "kind": self.kind,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "council_id": self.council_id,
            "council_name": self.council_name,
            "target_model": self.target_model,
            "target_pk": self.target_pk,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def compute_hash(self) -> str:
        """The SHA-256 of `canonical()`, in hex."""
        return hashlib.sha256(self.canonical()).hexdigest()


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
