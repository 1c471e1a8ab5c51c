"""The outbox: every email and in-app notice the portal sends.

A notice is a `Notification` row written in the same transaction as the change it reports, so a
change and its notice commit together or not at all. After the commit, `enqueue_delivery` asks a
Celery worker to send it; if the broker is down the row waits, and the sweep
(`notifications_deliver_pending`, run by beat) sends what is left. A row is claimed before it is
sent, so two workers never send one notice twice, and a claim a dead worker left behind is
released after CLAIM_TIMEOUT. Each notice has a unique key, so writing the same notice twice (a
retried task, a double click) makes one row.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterable
from datetime import timedelta
from email.utils import formataddr, parseaddr
from typing import NotRequired, TypedDict

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import (
    Council,
    Notification,
    User,
)

log = logging.getLogger(__name__)


class Notice(TypedDict):
    """One notice for the outbox: notification_create's keyword arguments."""

    user: User | None
    key: str
    kind: str
    subject: str
    body: str
    link: NotRequired[str]
    council: NotRequired[Council | None]
    to_email: NotRequired[str]
    to_name: NotRequired[str]


def notification_create(
    *,
    user: User | None,
    key: str,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    council: Council | None = None,
    to_email: str = "",
    to_name: str = "",
) -> Notification | None:
    """Put one notice in the outbox, once: a second call with the same key changes nothing and
    returns None. Delivery is enqueued after the transaction commits, with the transaction's
    other new notices as one task."""
    notice = Notice(
        user=user,
        key=key,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        council=council,
        to_email=to_email,
        to_name=to_name,
    )
    (notification,) = notifications_create([notice])
    return notification


def notifications_create(notices: Iterable[Notice]) -> list[Notification | None]:
    """notification_create for many notices at once (a sweep's council), in one INSERT: for
    each, its Notification, or None where its key exists already (or comes twice)."""
    rows = [_unsaved(notice) for notice in notices]
    _insert_new([row for row in rows if row is not None])
    created = [row if row is not None and row.pk is not None else None for row in rows]
    ids = [row.pk for row in created if row is not None]
    if ids:
        batch = _open_batch(transaction.get_connection())
        if batch is not None:
            batch.notification_ids.extend(ids)
        else:
            # Outside a transaction this runs at once.
            transaction.on_commit(_DeliveryBatch(ids))
    return created


def notifications_create_in_batches(notices: Iterable[Notice]) -> int:
    """A sweep's notices (a generator, council after council), created DELIVERY_BATCH_SIZE at a
    time, each batch in one transaction: it commits once and goes to the worker as one delivery.
    Returns how many were new. Batches, not councils: most councils have a few reminders a day,
    and a commit costs more than a dozen inserts (issue 7). Each notice has its key, so a sweep
    that stops half-way resumes where it stopped."""
    created = 0
    batch: list[Notice] = []
    for notice in notices:
        batch.append(notice)
        if len(batch) >= DELIVERY_BATCH_SIZE:
            created += _create_batch(batch)
            batch = []
    if batch:
        created += _create_batch(batch)
    return created


def _create_batch(notices: list[Notice]) -> int:
    with transaction.atomic():
        return sum(1 for n in notifications_create(notices) if n)


def _unsaved(notice: Notice) -> Notification | None:
    """The outbox row of a notice, not saved yet; None if it has nowhere to go."""
    if notice["user"] is None and not notice.get("to_email"):
        return None  # the table's CHECK constraint would refuse the row
    # The subject and the name are email headers, often of someone's typing: one line each (a
    # line break makes the email unsendable), and no longer than the column (PostgreSQL refuses
    # more).
    subject = " ".join(notice["subject"].split())
    to_name = " ".join(notice.get("to_name", "").split())
    return Notification(
        **{
            **notice,
            "subject": subject[: Notification._meta.get_field("subject").max_length],
            "to_name": to_name,
        }
    )


# Rows per INSERT: 16 columns each, well within SQLite's limit of 32,766 parameters.
INSERT_BATCH_SIZE = 500


def _insert_new(rows: list[Notification]) -> None:
    """INSERT the rows whose key no row has yet, and set their pk; the others keep pk None.

    ON CONFLICT DO NOTHING rather than catching the IntegrityError: on PostgreSQL that error
    aborts the caller's transaction unless each INSERT had a savepoint of its own, two more round
    trips per notice (a sweep's council makes dozens in one transaction, and a repeated sweep
    finds every key taken). Both PostgreSQL and SQLite (3.35+) take this statement."""
    connection = transaction.get_connection()
    opts = Notification._meta
    quote = connection.ops.quote_name
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    table = quote(opts.db_table)
    key_column, pk_column = quote(opts.get_field("key").column), quote(opts.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    one_row = f"({', '.join(['%s'] * len(fields))})"
    for start in range(0, len(rows), INSERT_BATCH_SIZE):
        chunk = rows[start : start + INSERT_BATCH_SIZE]
        values = [
            f.get_db_prep_save(f.pre_save(row, add=True), connection)
            for row in chunk
            for f in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(chunk))} "
                f"ON CONFLICT ({key_column}) DO NOTHING RETURNING {pk_column}, {key_column}",
                values,
            )
            new = {key: pk for pk, key in cursor.fetchall()}
        for row in chunk:
            if row.key in new:
                # The first row with a key gets it (a second with the same key is not new).
                row.pk = new.pop(row.key)
                # As Model.save() leaves a saved instance.
                row._state.adding, row._state.db = False, connection.alias


class _DeliveryBatch:
    """The notifications that one transaction created: an on_commit callback that hands them to
    the worker as one task, so that a sweep's council or a letter to twenty people costs one
    claim and one connection to the mail server, not twenty."""

    def __init__(self, notification_ids: list[int]) -> None:
        self.notification_ids = notification_ids
        # Once handed over, a batch takes no more ids. A commit empties run_on_commit, but a
        # test's captureOnCommitCallbacks(execute=True) runs the callbacks and leaves them there.
        self.handed_over = False

    def __call__(self) -> None:
        self.handed_over = True
        enqueue_delivery(self.notification_ids)


def _outermost_code_block(connection) -> int | None:
    """The index in connection.atomic_blocks of the outermost transaction that the code opened
    (not a test's, nor a test fixture's around it), or None if it opened none."""
    blocks = connection.atomic_blocks
    tests = [i for i, block in enumerate(blocks) if block._from_testcase]
    start = tests[-1] + 1 if tests else 0
    return start if start < len(blocks) else None


def _open_batch(connection) -> _DeliveryBatch | None:
    """The batch that the current transaction hands over when it commits, if it has one yet.

    Django empties run_on_commit at every commit and rollback, and drops the callbacks registered
    inside a savepoint that rolls back (with their ids), so a batch found there belongs to this
    transaction. An id that joined an older batch from a savepoint that then rolled back stays in
    it: its row is gone, so the delivery does not find it, and sends the rest.

    A test's own transaction (pytest-django's, TestCase's) never commits; it stands for
    autocommit, so a notice made directly in it is a batch of one, as in production. A transaction
    that the code under test opens inside it is a savepoint there: its batch is the one registered
    since that savepoint was made."""
    if not connection.in_atomic_block:
        return None
    outermost = _outermost_code_block(connection)
    if outermost is None:
        return None
    savepoint = connection.savepoint_ids[outermost - 1] if outermost else None
    if outermost and savepoint is None:  # atomic(savepoint=False) in a test: no way to tell
        return None
    for savepoints, callback, _robust in connection.run_on_commit:
        if (
            isinstance(callback, _DeliveryBatch)
            and not callback.handed_over
            and (savepoint is None or savepoint in savepoints)
        ):
            return callback
    return None


# After the broker fails, this process leaves new notifications to the sweep for this long rather
# than make each one wait for its own timeout: a letter to ten people would otherwise hold its
# request for ten socket timeouts. Keyed by broker URL; the value is a time.monotonic() deadline.
BROKER_RETRY_AFTER_SECONDS = 30
_broker_down_until: dict[str, float] = {}


def enqueue_delivery(notification_ids: list[int]) -> None:
    """Hand notifications to the worker, as one task. A broker outage must never fail a web
    request: the rows stay pending and the periodic sweep delivers them later."""
    from .celery import app
    from .tasks import deliver_notifications

    broker = str(app.conf.broker_url)
    if not app.conf.task_always_eager and time.monotonic() < _broker_down_until.get(broker, 0):
        log.info("broker down: notifications %s wait for the sweep", notification_ids)
        return
    try:
        deliver_notifications.apply_async(args=[notification_ids], retry=False)
    except Exception:  # the broker's errors vary by transport; none of them may escape
        _broker_down_until[broker] = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        log.warning(
            "could not enqueue notifications %s; the sweep will deliver them", notification_ids
        )


def _sender(notification: Notification) -> str:
    """The portal's address, under the council's name when the message is the council's own
    letter or email."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if notification.kind == "correspondence" and notification.council is not None:
        name = notification.council.name
    return formataddr((name, address))


def _email(notification: Notification, connection) -> EmailMultiAlternatives:
    """The email of one notification: a text part always, and the same in HTML."""
    context = {"notification": notification, "site_url": settings.SITE_URL}
    # A letter or email of the council goes out as itself, from the council's name; every other
    # kind is a notice pointing into the portal.
    template = (
        "email/correspondence" if notification.kind == "correspondence" else "email/notification"
    )
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=_sender(notification),
        to=[formataddr((notification.to_name, notification.address))],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


# The mail server refused one message (an unknown mailbox, a message it will not take) and the
# conversation goes on: smtplib resets it, ready for the next message.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# How many notifications one claim takes. A task must end well within CELERY_TASK_TIME_LIMIT even
# on a slow mail server, and the rows of a batch stay SENDING until it ends.
DELIVERY_BATCH_SIZE = 100
# While a batch is being sent, the rows sent so far are marked SENT at least this often, so that
# a worker killed mid-batch (its time limit, out of memory) leaves at most this long's messages to
# be sent again, never the whole batch.
MARK_SENT_EVERY_SECONDS = 1.0


def notifications_deliver(*, notification_ids: list[int]) -> int:
    """Send notifications by email, each once; returns how many this call sent. Every one is
    tried, over one connection to the mail server; if any failed (it is pending again, with its
    last_error), the first failure is raised afterwards, so that the task retries them.

    Each row is claimed with a conditional UPDATE: of two workers (or a retried task, or a message
    the broker delivers again) only the one whose UPDATE changed the row sends it.

    Where "once" ends: a worker that dies after claiming leaves its rows SENDING, and the sweep
    puts them back to pending after CLAIM_TIMEOUT (notifications_release_stale), so a lost worker
    delays a message but never loses it (at least once). That retry duplicates an email only if
    the dead worker's SMTP server had already accepted it (its 250 reply to DATA) and the worker
    died before marking the row SENT: a window of MARK_SENT_EVERY_SECONDS and one UPDATE, which
    no sender can close without the receiver's help. A row is never sent twice in any other way:
    every other repeat (a second task, a repeated sweep, a redelivered message) finds the row
    claimed or SENT."""
    sent, errors = _deliver(notification_ids)
    if errors:
        raise errors[0]
    return sent


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification by email, once (notifications_deliver)."""
    return notifications_deliver(notification_ids=[notification_id]) == 1


def notifications_deliver_pending(*, limit: int = 500) -> int:
    """The sweep: anything still pending (its enqueue failed while the broker was down, or its
    task gave up) is delivered here, and so is a row whose worker died while sending it, once its
    claim is stale (CLAIM_TIMEOUT). Each batch claims its rows, so nothing goes twice. Returns how
    many were sent; one that fails stays pending for the next sweep."""
    notifications_release_stale()
    ids = list(
        Notification.objects.pending().order_by("created_at").values_list("id", flat=True)[:limit]
    )
    sent, _errors = _deliver(ids)
    return sent


def _deliver(notification_ids: list[int]) -> tuple[int, list[Exception]]:
    """Deliver in batches of DELIVERY_BATCH_SIZE: how many were sent, and the failures."""
    ids = list(dict.fromkeys(notification_ids))
    sent, errors = 0, []
    for start in range(0, len(ids), DELIVERY_BATCH_SIZE):
        batch_sent, batch_errors = _deliver_batch(ids[start : start + DELIVERY_BATCH_SIZE])
        sent += batch_sent
        errors += batch_errors
    return sent, errors


def _claim(notification_ids: list[int]) -> list[int]:
    """Claim the rows among these that are still pending, in one conditional UPDATE, and return
    their ids. (The ORM's update() returns only a count; UPDATE ... RETURNING works on both
    PostgreSQL and SQLite.)"""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(Notification._meta.db_table)
    placeholders = ", ".join(["%s"] * len(notification_ids))
    # The status is compared with a subquery's value, which PostgreSQL plans as a parameter: so
    # it cannot use the partial index of pending rows, and finds the batch's rows by primary key
    # whatever its statistics say. Given `status = 'pending'` it may scan that index in full
    # (BitmapAnd), and the index keeps an entry for every row sent since the last VACUUM: with
    # 64,000 of them a claim of 12 rows took 4.8 ms instead of 0.9 ms (issue 7).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "
            f"WHERE id IN ({placeholders}) AND status = (SELECT %s) RETURNING id",
            [
                Notification.Status.SENDING,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                *notification_ids,
                Notification.Status.PENDING,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _deliver_batch(notification_ids: list[int]) -> tuple[int, list[Exception]]:
    """Claim, send each message on its own over one connection (one bad address must not stop
    the others), mark the sent ones SENT and put each failed one back to pending with its error."""
    claimed = _claim(notification_ids)
    if not claimed:
        return 0, []
    notifications = Notification.objects.select_related("user", "council").filter(pk__in=claimed)
    sent: list[int] = []
    marked = 0
    failed: dict[int, Exception] = {}
    errors: list[Exception] = []
    try:
        with get_connection() as connection:
            mark_at = time.monotonic() + MARK_SENT_EVERY_SECONDS
            for notification in notifications.order_by("pk"):
                try:
                    _email(notification, connection).send()
                except SoftTimeLimitExceeded:
                    raise
                except Exception as exc:
                    failed[notification.pk] = exc
                    errors.append(exc)
                    if not isinstance(exc, MESSAGE_REFUSED):
                        # The conversation with the mail server may be broken: the next message
                        # starts a fresh one.
                        connection.close()
                        connection.open()
                    continue
                sent.append(notification.pk)
                if time.monotonic() >= mark_at:
                    _mark_sent(sent[marked:])
                    marked = len(sent)
                    mark_at = time.monotonic() + MARK_SENT_EVERY_SECONDS
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # no connection to the mail server: the rest wait
        errors.append(exc)
        failed.update({pk: exc for pk in claimed if pk not in failed and pk not in sent})
    finally:
        _mark_sent(sent[marked:])
        # Rows not reached (the task's soft time limit) go back with the others.
        stopped = RuntimeError("The delivery stopped before sending.")
        for pk in claimed:
            if pk not in failed and pk not in sent:
                failed[pk] = stopped
        _release(failed)
    for pk, error in failed.items():
        log.warning("notification %s not sent: %s", pk, error)
    return len(sent), errors


def _mark_sent(notification_ids: list[int]) -> None:
    if notification_ids:
        Notification.objects.filter(pk__in=notification_ids).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
        )


def _release(failed: dict[int, Exception]) -> None:
    """Put claimed rows back to pending, each with its error: one UPDATE per distinct error."""
    by_error: dict[str, list[int]] = {}
    for pk, exc in failed.items():
        by_error.setdefault((str(exc) or type(exc).__name__)[:1000], []).append(pk)
    for error, ids in by_error.items():
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, last_error=error
        )


# A claim older than this belongs to a worker that died: no delivery still runs by then, since
# Celery kills a task after CELERY_TASK_TIME_LIMIT (120 s) and each SMTP step times out after
# EMAIL_TIMEOUT (10 s).
CLAIM_TIMEOUT = timedelta(minutes=10)


def notifications_release_stale(*, now=None) -> int:
    """Put rows claimed by a worker that died mid-delivery (killed, out of memory, the machine
    restarted) back to pending, for the sweep to send. Returns how many."""
    cutoff = (now or timezone.now()) - CLAIM_TIMEOUT
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=cutoff
    ).update(status=Notification.Status.PENDING, last_error="The worker stopped while sending.")


def notification_mark_read(*, notification: Notification) -> None:
    """Mark an in-app notice as read (only the first time counts)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
