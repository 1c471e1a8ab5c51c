"""The tamper-evident audit log (R27): an append-only chain of events beside simple-history's record
versions. simple-history answers "what did this object look like, and who changed it"; this log
answers "did anyone quietly rewrite what happened".

Every workflow transition, release of a document, opening of a document with personal data, role
change and failed sign-in appends one `AuditEvent`, in the same transaction as the change it records
(so a rolled-back change leaves no row). Each row holds the hash of the row before it and its own
hash, SHA-256 over a canonical JSON form of every other field: changing, inserting or removing a row
in the middle breaks the chain, and `verify_chain()` (`manage.py verify_audit`) names the first
broken row. On PostgreSQL a trigger (migration 0004) refuses UPDATE and DELETE outright.

What a chain cannot show on its own: rows removed from the *end*. `verify_audit` prints the latest
hash so that it can be noted somewhere else (a minute, a printed report) and compared later.

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
from django.utils import timezone

if TYPE_CHECKING:
    from .models import Council, User

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event

# The key of the PostgreSQL advisory lock that serialises appends (any constant bigint that no
# other code uses; this one spells "audit" in ASCII).
AUDIT_LOCK_KEY = 0x6175646974

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
    # Data protection: the daily purge of expired personal records (council/data_protection.py)
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
    """One thing that happened, chained to the event before it.

    Who and which council are plain values with a name beside them, not foreign keys: a foreign
    key could cascade, be set to NULL, or block deleting a person, and the row must never change.
    No HistoricalRecords either: the row never changes, so it has no versions.
    """

    Kind = AuditKind

    # Assigned under the append lock as the previous sequence + 1 (not an autoincrement, whose
    # values have gaps after a rollback): a gap here means a row was removed.
    sequence = models.PositiveBigIntegerField(primary_key=True)
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
        """Every field but `hash`, as JSON with sorted keys, no whitespace and the time in UTC
        ISO 8601: the bytes the hash is computed over."""
        fields = {
            "sequence": self.sequence,
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
        return hashlib.sha256(self.canonical()).hexdigest()


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


def _lock_the_chain() -> None:
    """Serialise appends until the transaction ends, so that two at once cannot both chain onto
    the same last row. PostgreSQL: a transaction-scoped advisory lock (a SELECT ... FOR UPDATE on
    the last row would lock nothing while the table is empty, and a waiter would wake up holding
    a row that is no longer last). SQLite (development only) locks the whole database for a
    writer: an append that raced another fails with "database is locked" rather than fork the
    chain. Either way the primary key on `sequence` refuses a second row with the same number."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])


def audit_record(
    *,
    kind: str,
    acting_user: User | None,
    council: Council | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (R27)."""
    if kind not in AuditKind.values:
        raise ValueError(f"Unknown audit event kind: {kind!r}")
    with transaction.atomic():
        _lock_the_chain()
        # In READ COMMITTED each statement sees what committed before it began: after the lock,
        # that includes the previous holder's row.
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        event = AuditEvent(
            sequence=sequence,
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


class ChainCheck(NamedTuple):
    ok: bool
    first_broken_id: int | None
    reason: str
    checked: int  # events read, up to and including the first broken one
    last_hash: str  # the hash of the last event that checked out (GENESIS_HASH if none)


def _events(chunk_size: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)


def verify_chain(*, chunk_size: int = 2000) -> ChainCheck:
    """Walk the chain in order, in bounded memory; recompute every hash and check every link.
    Stops at the first broken event and says why."""
    expected_sequence, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in _events(chunk_size):
        checked += 1
        if event.sequence != expected_sequence:  # ordered by sequence, so only ever a gap
            reason = f"events {expected_sequence} to {event.sequence - 1} are missing before it"
            return ChainCheck(False, event.sequence, reason, checked, prev_hash)
        if event.prev_hash != prev_hash:
            reason = (
                "the previous-event hash it holds does not match the event before it: that event "
                "was changed (and its own hash recomputed), or this link was"
            )
            return ChainCheck(False, event.sequence, reason, checked, prev_hash)
        if event.compute_hash() != event.hash:
            reason = "its contents do not match its hash: it was changed after it was written"
            return ChainCheck(False, event.sequence, reason, checked, prev_hash)
        expected_sequence, prev_hash = event.sequence + 1, event.hash
    return ChainCheck(True, None, "", checked, prev_hash)
