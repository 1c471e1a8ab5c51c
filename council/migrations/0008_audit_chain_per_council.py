"""R27: the audit log becomes one hash chain per council (and one for the portal), so that an
append locks only its own council's chain (council/audit.py says why).

On a database that already holds events, the old single chain is first checked exactly as the
previous release's `verify_chain()` did: a broken log is not re-sealed (that would hide the break),
and the migration stops, naming the first broken event. Then each event, in the order of the old
`sequence`, is given its chain (its council's id, or 0 for the portal) and its position in it, and
each chain is sealed afresh: `prev_hash` is the hash of the event before it in the same chain and
`hash` covers the chain and the position. `sequence` becomes an auto-increment.

PostgreSQL's append-only trigger (migration 0004) refuses the re-seal's UPDATEs: it is dropped at
the start and re-created at the end, inside the migration's one transaction, and the table is
locked in between, so nobody else ever sees it without the trigger or half re-sealed.

The two hash forms below are copies, frozen here, of the old and the new `AuditEvent.canonical()`:
this migration must do the same thing whatever council/audit.py later becomes.

Forwards only: going back would mean re-sealing the log into one chain again (refused below).
"""

import datetime as dt
import hashlib
import json

import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

GENESIS_HASH = "0" * 64
PORTAL_CHAIN = 0
CHUNK = 2000  # events read and re-sealed at a time: memory stays bounded

# As in migration 0004.
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION council_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % on council_auditevent refused.', TG_OP;
END;
$$;
DROP TRIGGER IF EXISTS council_auditevent_append_only ON council_auditevent;
CREATE TRIGGER council_auditevent_append_only
    BEFORE UPDATE OR DELETE ON council_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION council_auditevent_refuse_change();
"""


class AuditLogBroken(Exception):
    """The existing log does not verify: it is not re-sealed."""


def _digest(fields) -> str:
    """SHA-256 over the canonical JSON form (sorted keys, no whitespace), in hex."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _common(event) -> dict:
    """The fields both forms hash, with the time in UTC ISO 8601."""
    return {
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "kind": event.kind,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "council_id": event.council_id,
        "council_name": event.council_name,
        "target_model": event.target_model,
        "target_pk": event.target_pk,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def global_hash(event) -> str:
    """The hash as the single global chain computed it (up to migration 0007)."""
    return _digest({"sequence": event.sequence, **_common(event)})


def chained_hash(event) -> str:
    """The hash as the per-council chains compute it (from this migration on)."""
    return _digest({"chain": event.chain, "position": event.position, **_common(event)})


def _in_order(AuditEvent):
    """Every event in the order of `sequence`, a chunk at a time. By key, not with a cursor: the
    re-seal updates the rows it has read, and SQLite does not promise what an open cursor sees of
    that."""
    after = 0
    while True:
        events = AuditEvent._base_manager.filter(sequence__gt=after).order_by("sequence")
        chunk = list(events[:CHUNK])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].sequence


def first_break_in_the_global_chain(AuditEvent):
    """(event, reason) for the first broken event of the old single chain, or None if it is
    intact: the checks of the previous release's `verify_chain()`, word for word."""
    expected_sequence, prev_hash = 1, GENESIS_HASH
    for chunk in _in_order(AuditEvent):
        for event in chunk:
            if event.sequence != expected_sequence:
                reason = (
                    f"events {expected_sequence} to {event.sequence - 1} are missing before it"
                )
                return event, reason
            if event.prev_hash != prev_hash:
                reason = (
                    "the previous-event hash it holds does not match the event before it: that "
                    "event was changed (and its own hash recomputed), or this link was"
                )
                return event, reason
            if global_hash(event) != event.hash:
                return event, (
                    "its contents do not match its hash: it was changed after it was written"
                )
            expected_sequence, prev_hash = event.sequence + 1, event.hash
    return None


def refuse_a_broken_chain(AuditEvent) -> None:
    """Raise AuditLogBroken, naming the first broken event, unless the old chain verifies."""
    broken = first_break_in_the_global_chain(AuditEvent)
    if broken is None:
        return
    event, reason = broken
    raise AuditLogBroken(
        f"The audit log is broken at event {event.sequence} ({event.kind}, "
        f"{event.at.isoformat()}): {reason}. Migration council 0008 re-seals the log into one "
        "chain per council, which would hide that, so it has changed nothing. Find out what "
        "happened to the event (the previous release's `manage.py verify_audit` names the same "
        "one), put it right from a backup, and migrate again."
    )


def reseal(AuditEvent) -> int:
    """Give every event, in the order of `sequence`, its chain and the next position in it, and
    recompute each chain's links and hashes. Returns the number of chains. Expects an intact old
    chain (refuse_a_broken_chain) and no trigger in the way."""
    ends: dict[int, tuple[int, str]] = {}  # chain -> (its last position, its last hash)
    for chunk in _in_order(AuditEvent):
        for event in chunk:
            event.chain = PORTAL_CHAIN if event.council_id is None else event.council_id
            position, prev_hash = ends.get(event.chain, (0, GENESIS_HASH))
            event.position, event.prev_hash = position + 1, prev_hash
            event.hash = chained_hash(event)
            ends[event.chain] = (event.position, event.hash)
        # The base manager: a plain one, both in the historical model and in council.audit's
        # (whose own manager refuses bulk updates).
        AuditEvent._base_manager.bulk_update(chunk, ["chain", "position", "prev_hash", "hash"])
    return len(ends)


def lock_and_drop_the_trigger(apps, schema_editor):
    # No appends until this transaction ends (reads go on), then no trigger until the end.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE council_auditevent IN EXCLUSIVE MODE")
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS council_auditevent_append_only ON council_auditevent"
        )


def check_the_old_chain(apps, schema_editor):
    refuse_a_broken_chain(apps.get_model("council", "AuditEvent"))


def reseal_per_council(apps, schema_editor):
    reseal(apps.get_model("council", "AuditEvent"))


def restart_the_ids(apps, schema_editor):
    # Django gives the column its identity without moving the identity's counter past the rows
    # that are already there. (SQLite's AUTOINCREMENT remembers the largest id it copied.)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('council_auditevent', 'sequence'), "
            'COALESCE(MAX("sequence"), 0) + 1, false) FROM council_auditevent'
        )


def create_the_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER, params=None)  # None: the SQL holds a literal %


def refuse_to_go_back(apps, schema_editor):
    raise IrreversibleError(
        "Migration council 0008 cannot be reversed: the audit log has been re-sealed into one "
        "chain per council, and the code before it expects one chain for the whole portal."
    )


class Migration(migrations.Migration):

    dependencies = [
        ('council', '0007_data_version'),
    ]

    operations = [
        migrations.RunPython(lock_and_drop_the_trigger, migrations.RunPython.noop),
        migrations.RunPython(check_the_old_chain, migrations.RunPython.noop),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='position',
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(reseal_per_council, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='auditevent',
            name='chain',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='position',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='sequence',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(restart_the_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(
                fields=('chain', 'position'), name='auditevent_one_event_per_position'
            ),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        'chain',
                        django.db.models.functions.comparison.Coalesce(
                            'council_id',
                            models.Value(0),
                            output_field=models.PositiveBigIntegerField(),
                        ),
                    )
                ),
                name='auditevent_chain_is_its_councils',
            ),
        ),
        migrations.RunPython(create_the_trigger, migrations.RunPython.noop),
        # Last, so that it is the first thing a reverse runs into (every step above is a no-op
        # backwards only so that this message, not Django's generic one, is what is seen).
        migrations.RunPython(migrations.RunPython.noop, refuse_to_go_back),
    ]
