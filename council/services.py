"""Business actions for the council's structure and the outbox.

Each action is one function named `<thing>_<verb>`, with keyword-only arguments and the acting
user. The shape is always: check the state (raise ValidationError with a message that a clerk can
act on) → change → `full_clean()` → save with the acting user recorded in the history row →
enqueue any background work with `transaction.on_commit`.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterable
from datetime import date, timedelta
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING, NotRequired, TypedDict

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import data_protection, uploads
from .audit import AuditKind, audit_record
from .models import (
    Committee,
    Council,
    Document,
    GroupMembership,
    Notification,
    PoliticalGroup,
    Role,
    Seat,
    User,
)
from .retention import RetentionPolicy

if TYPE_CHECKING:
    from .policy import Standing

log = logging.getLogger(__name__)

ROLE_WARNING_DAYS = 30

MSG_ROLE_OVERLAP = (
    "{person} is already {title} here from {start} {until}. Change that role instead."
)
MSG_PROPER_OFFICER_OVERLAP = (
    "{person} is already the Proper Officer from {start} {until}. A council has one Proper Officer "
    "at a time: end that appointment first, or choose dates that do not overlap."
)
MSG_SEAT_POSITION_TAKEN = (
    "{person} is already {position} of {committee} from {start} {until}. End that seat first."
)
MSG_SEAT_OVERLAP = "{person} already has a seat on {committee} from {start} {until}."
MSG_SEAT_NOT_MEMBER = "{person} holds no role in this council on {start}. Add their role first."
MSG_MEMBERSHIP_OVERLAP = (
    "{person} is already in the group {group} from {start} {until}. A person is in one group at a "
    "time: end that membership first."
)
MSG_ALREADY_ENDED = "This already ended on {ends_on}."


def _until(ends_on: date | None) -> str:
    return f"until {ends_on:%-d %B %Y}" if ends_on else "with no end date"


def save_recorded(
    obj: models.Model, *, acting_user: User | None, update_fields: list[str] | None = None
):
    """Validate, save, and record who acted in the history row (R27)."""
    obj.full_clean()
    record_actor(obj, acting_user)
    obj.save(update_fields=update_fields)
    return obj


def record_actor(obj: models.Model, acting_user: User | None) -> None:
    """Name the acting user in the history row that the next save or delete writes (R27).
    simple-history reads this attribute; it has no public setter."""
    setattr(obj, "_history_user", acting_user)  # noqa: B010


# ---------------------------------------------------------------------------------------------
# The outbox
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# People and roles
# ---------------------------------------------------------------------------------------------


def _role_clashes(role: Role) -> None:
    """Overlap rules for appointments, in one place."""
    others = Role.objects.filter(council_id=role.council_id).exclude(pk=role.pk)
    others = others.overlapping(role.starts_on, role.ends_on)
    same = others.filter(user_id=role.user_id, kind=role.kind).first()
    if same:
        raise ValidationError(
            MSG_ROLE_OVERLAP.format(
                person=role.user,
                title=same.title,
                start=f"{same.starts_on:%-d %B %Y}",
                until=_until(same.ends_on),
            )
        )
    if role.kind == Role.Kind.PROPER_OFFICER:
        # R4: an acting Proper Officer covers a vacancy, so never overlaps the Proper Officer.
        po = others.filter(kind=Role.Kind.PROPER_OFFICER).select_related("user").first()
        if po:
            raise ValidationError(
                MSG_PROPER_OFFICER_OVERLAP.format(
                    person=po.user, start=f"{po.starts_on:%-d %B %Y}", until=_until(po.ends_on)
                )
            )


@transaction.atomic
def role_create(
    *,
    council: Council,
    user: User,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    acting: bool = False,
    acting_user: User | None,
) -> Role:
    """Appoint a person to a role for dated term (R1)."""
    # Serialise appointments in one council so that two clerks cannot create overlapping roles.
    Council.objects.select_for_update().filter(pk=council.pk).first()
    role = Role(
        council=council, user=user, kind=kind, starts_on=starts_on, ends_on=ends_on, acting=acting
    )
    role.full_clean()
    _role_clashes(role)
    save_recorded(role, acting_user=acting_user)
    audit_record(
        kind=AuditKind.ROLE_CREATED,
        acting_user=acting_user,
        council=council,
        target=role,
        data=_role_audit(role),
    )
    return role


@transaction.atomic
def role_change_dates(
    *, role: Role, starts_on: date, ends_on: date | None, acting_user: User | None
) -> Role:
    """Change when a role starts or ends (ending a term early, extending an acting role)."""
    role = Role.objects.select_for_update(of=("self",)).select_related("council").get(pk=role.pk)
    was = _role_audit(role)
    role.starts_on, role.ends_on = starts_on, ends_on
    role.full_clean()
    _role_clashes(role)
    save_recorded(role, acting_user=acting_user, update_fields=["starts_on", "ends_on"])
    audit_record(
        kind=_role_change_kind(was, role),
        acting_user=acting_user,
        council=role.council,
        target=role,
        data={"was": was, "now": _role_audit(role)},
    )
    return role


def _role_audit(role: Role) -> dict:
    """What the audit log keeps of a role: identifiers and dates, no names."""
    return {
        "user_id": role.user_id,
        "kind": role.kind,
        "acting": role.acting,
        "starts_on": role.starts_on,
        "ends_on": role.ends_on,
    }


def _role_change_kind(was: dict, role: Role) -> str:
    """An end date set where there was none, or brought forward, ends the role; anything else
    (a later end, a new start) changes it."""
    if role.ends_on is not None and (was["ends_on"] is None or role.ends_on < was["ends_on"]):
        return AuditKind.ROLE_ENDED
    return AuditKind.ROLE_CHANGED


def invitation_link(user: User) -> str:
    """A one-use link to set a password: allauth's reset-from-key page, so the token expires as a
    password reset does and stops working once the password is set."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def person_invite(
    *,
    council: Council,
    email: str,
    name: str,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    acting: bool = False,
    acting_user: User,
) -> Role:
    """Add a person (or find them, if they already have a login) and appoint them. A new person
    gets an invitation to set their password; someone who already signs in is told of the role."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:  # an address someone confirmed as theirs is theirs, login or not
        held = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        existing = held.user if held else None
    if existing is None:
        # Issue 20: an address another account added but never confirmed proves nothing; the
        # invited person proves it is theirs by using the link. Left in place, the other account
        # could confirm it from the invitation's own mail and take the invited person's account.
        EmailAddress.objects.filter(email__iexact=email, verified=False).delete()
    new_person = existing is None
    if existing is not None:
        user = existing
    else:
        user = User(email=email, name=name.strip())
        user.set_unusable_password()
        save_recorded(user, acting_user=acting_user)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    role = role_create(
        council=council,
        user=user,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        acting=acting,
        acting_user=acting_user,
    )
    if new_person:
        invitation_send(user=user, council=council, acting_user=acting_user)
    else:
        notification_create(
            user=user,
            council=council,
            key=f"role-added:{role.pk}",
            kind="role_added",
            subject=f"You have a new role at {council}",
            body=render_to_string("email/role_added.txt", {"role": role, "council": council}),
            link=reverse("council:home", args=[council.slug]),
        )
    return role


def invitation_send(*, user: User, council: Council, acting_user: User) -> Notification | None:
    """Send (or send again) the invitation to set a password. Refused once the person has one."""
    if user.has_usable_password():
        raise ValidationError(f"{user} has already set a password and can sign in.")
    # Each sending is its own outbox row: the clerk may resend after the link expires.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return notification_create(
        user=user,
        council=council,
        key=f"invitation:{user.pk}:{stamp}",
        kind="invitation",
        subject=f"You are invited to the {council} portal",
        body=render_to_string(
            "email/invitation.txt",
            {
                "user": user,
                "council": council,
                "inviter": acting_user,
                "link": invitation_link(user),
                "link_days": settings.INVITATION_LINK_SECONDS // 86400,
            },
        ),
    )


def operator_address_confirm(*, user: User) -> None:
    """A site operator made at the server (manage.py createsuperuser) has their address as their
    one, confirmed, main address: they typed it there, so no email has to prove it."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    address, _ = EmailAddress.objects.get_or_create(user=user, email=user.email)
    address.verified = address.primary = True
    address.save(update_fields=["verified", "primary"])


MSG_RESET_OWN_TWO_FACTOR = (
    "You cannot reset your own two-factor authentication here. Change it from your account page."
)
MSG_NO_TWO_FACTOR = "{person} has no two-factor authentication to reset."


@transaction.atomic
def two_factor_reset(*, person: User, acting_user: User) -> int:
    """A site operator removes someone else's two-factor authentication (a lost phone): audited,
    and the person told by email at once, since whoever holds their password can now set up a
    new one. Says how many authenticators went. Never one's own: that is the account page's,
    after re-authentication."""
    from allauth.mfa.models import Authenticator

    if person.pk == acting_user.pk:
        raise ValidationError(MSG_RESET_OWN_TWO_FACTOR)
    # Locked, so that two operators resetting at once audit one reset, not two.
    factors = list(Authenticator.objects.select_for_update().filter(user=person))
    if not factors:
        raise ValidationError(MSG_NO_TWO_FACTOR.format(person=person))
    Authenticator.objects.filter(pk__in=[f.pk for f in factors]).delete()
    audit_record(
        kind=AuditKind.TWO_FACTOR_RESET,
        acting_user=acting_user,
        target=person,
        data={"types": sorted({f.type for f in factors})},
    )
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    notification_create(
        user=person,
        key=f"two-factor-reset:{person.pk}:{stamp}",
        kind="two_factor_reset",
        subject="Your two-factor authentication was removed",
        body=render_to_string(
            "email/two_factor_reset.txt", {"person": person, "operator": acting_user}
        ),
        link=reverse("mfa_index"),
    )
    return len(factors)


def email_confirm_after_password_set(*, user: User) -> bool:
    """An invited person who sets a password from the emailed link has shown that the address is
    theirs: mark it verified, so that allauth's mandatory verification lets them in. Not when
    another account has it confirmed (an address is confirmed on one account only): then False,
    and the Proper Officer sorts it out."""
    held_elsewhere = EmailAddress.objects.filter(email__iexact=user.email, verified=True)
    if held_elsewhere.exclude(user=user).exists():
        return False
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    return True


def roles_warn_ending(*, today: date | None = None) -> int:
    """R1: tell each person, and the council's Proper Officer, 30 days before a role ends. Safe
    to run as often as wanted: each warning has its own outbox key."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=ROLE_WARNING_DAYS)
    ending = list(
        Role.objects.filter(ends_on__gte=today, ends_on__lte=horizon, starts_on__lte=today)
        .select_related("user", "council")
        .order_by("council_id", "ends_on", "pk")
    )
    from .policy import proper_officers_for

    clerks = proper_officers_for({role.council_id for role in ending}, today)
    return notifications_create_in_batches(
        notice
        for role in ending
        for notice in _role_ending_notices(role, clerks.get(role.council_id))
    )


def _role_ending_notices(role: Role, clerk: User | None) -> list[Notice]:
    """R1's warnings about one role: to its holder, and to the Proper Officer (unless the same
    person)."""
    context = {"role": role, "council": role.council}
    notices = [
        Notice(
            user=role.user,
            council=role.council,
            key=f"role-ending:{role.pk}:{role.ends_on}:person",
            kind="role_ending",
            subject=f"Your role at {role.council} ends on {role.ends_on:%-d %B %Y}",
            body=render_to_string("email/role_ending.txt", context),
            link=reverse("council:home", args=[role.council.slug]),
        )
    ]
    if clerk and clerk.pk != role.user_id:
        notices.append(
            Notice(
                user=clerk,
                council=role.council,
                key=f"role-ending:{role.pk}:{role.ends_on}:clerk",
                kind="role_ending_clerk",
                subject=f"{role.user}'s role at {role.council} ends on {role.ends_on:%-d %B %Y}",
                body=render_to_string("email/role_ending_clerk.txt", context),
                link=reverse("council:person_detail", args=[role.council.slug, role.user_id]),
            )
        )
    return notices


# ---------------------------------------------------------------------------------------------
# Committees, seats, groups
# ---------------------------------------------------------------------------------------------


def committee_save(*, committee: Committee, acting_user: User) -> Committee:
    """Create or change a committee."""
    if committee.parent is not None and committee.parent.council_id != committee.council_id:
        raise ValidationError({"parent": "Choose a committee of this council."})
    return save_recorded(committee, acting_user=acting_user)


@transaction.atomic
def seat_create(
    *,
    committee: Committee,
    user: User,
    position: str,
    starts_on: date,
    ends_on: date | None = None,
    acting_user: User,
) -> Seat:
    """Give a person a seat on a committee. One chair and one vice-chair at a time."""
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    seat = Seat(
        committee=committee, user=user, position=position, starts_on=starts_on, ends_on=ends_on
    )
    seat.full_clean()
    _seat_clashes(seat)
    return save_recorded(seat, acting_user=acting_user)


def _seat_clashes(seat: Seat) -> None:
    fmt = {"committee": seat.committee}
    if (
        not Role.objects.current(seat.starts_on)
        .filter(council_id=seat.committee.council_id, user_id=seat.user_id)
        .exists()
    ):
        raise ValidationError(
            MSG_SEAT_NOT_MEMBER.format(person=seat.user, start=f"{seat.starts_on:%-d %B %Y}")
        )
    others = Seat.objects.filter(committee_id=seat.committee_id).exclude(pk=seat.pk)
    others = others.overlapping(seat.starts_on, seat.ends_on).select_related("user")
    mine = others.filter(user_id=seat.user_id).first()
    if mine:
        raise ValidationError(
            MSG_SEAT_OVERLAP.format(
                person=seat.user,
                start=f"{mine.starts_on:%-d %B %Y}",
                until=_until(mine.ends_on),
                **fmt,
            )
        )
    if seat.position != Seat.Position.MEMBER:
        holder = others.filter(position=seat.position).first()
        if holder:
            raise ValidationError(
                MSG_SEAT_POSITION_TAKEN.format(
                    person=holder.user,
                    position=holder.get_position_display().lower(),
                    start=f"{holder.starts_on:%-d %B %Y}",
                    until=_until(holder.ends_on),
                    **fmt,
                )
            )


@transaction.atomic
def seat_end(*, seat: Seat, ends_on: date, acting_user: User) -> Seat:
    """End a seat on a given day (the last day on which it counts)."""
    seat = Seat.objects.select_for_update().select_related("committee").get(pk=seat.pk)
    if seat.ends_on and seat.ends_on < ends_on:
        raise ValidationError(MSG_ALREADY_ENDED.format(ends_on=f"{seat.ends_on:%-d %B %Y}"))
    seat.ends_on = ends_on
    return save_recorded(seat, acting_user=acting_user, update_fields=["ends_on"])


def group_save(*, group: PoliticalGroup, acting_user: User) -> PoliticalGroup:
    """Create or rename a political group."""
    return save_recorded(group, acting_user=acting_user)


@transaction.atomic
def membership_create(
    *,
    group: PoliticalGroup,
    user: User,
    starts_on: date,
    ends_on: date | None = None,
    acting_user: User,
) -> GroupMembership:
    """Add a person to a political group; a person is in one group at a time."""
    Council.objects.select_for_update().filter(pk=group.council_id).first()
    membership = GroupMembership(group=group, user=user, starts_on=starts_on, ends_on=ends_on)
    membership.full_clean()
    clash = (
        GroupMembership.objects.filter(group__council_id=group.council_id, user=user)
        .overlapping(starts_on, ends_on)
        .select_related("group")
        .first()
    )
    if clash:
        raise ValidationError(
            MSG_MEMBERSHIP_OVERLAP.format(
                person=user,
                group=clash.group,
                start=f"{clash.starts_on:%-d %B %Y}",
                until=_until(clash.ends_on),
            )
        )
    return save_recorded(membership, acting_user=acting_user)


@transaction.atomic
def membership_end(*, membership: GroupMembership, ends_on: date, acting_user: User):
    """End a group membership on a given day."""
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.ends_on and membership.ends_on < ends_on:
        raise ValidationError(MSG_ALREADY_ENDED.format(ends_on=f"{membership.ends_on:%-d %B %Y}"))
    membership.ends_on = ends_on
    return save_recorded(membership, acting_user=acting_user, update_fields=["ends_on"])


# ---------------------------------------------------------------------------------------------
# The document register
# ---------------------------------------------------------------------------------------------


def document_create(
    *,
    council: Council,
    title: str,
    classification: str,
    file: UploadedFile,
    committee: Committee | None = None,
    description: str = "",
    acting_user: User,
) -> Document:
    """Add a document to the register. The file is checked (size, type, content) first."""
    content_type = uploads.check_upload(file)
    if committee is not None and committee.council_id != council.pk:
        raise ValidationError({"committee": "Choose a committee of this council."})
    document = Document(
        council=council,
        title=title,
        description=description,
        classification=classification,
        committee=committee,
        file=file,
        original_name=(file.name or "upload")[:255],
        content_type=content_type,
        size=file.size or 0,
        uploaded_by=acting_user,
    )
    return save_recorded(document, acting_user=acting_user)


def document_update(*, document: Document, acting_user: User) -> Document:
    """Save a change to a document's title, description, classification or committee."""
    if document.committee is not None and document.committee.council_id != document.council_id:
        raise ValidationError({"committee": "Choose a committee of this council."})
    return save_recorded(
        document,
        acting_user=acting_user,
        update_fields=["title", "description", "classification", "committee", "updated_at"],
    )


@transaction.atomic
def document_replace_file(*, document: Document, file: UploadedFile, acting_user: User) -> Document:
    """Replace a document's file. The old file stays on disk: its history row still names it."""
    content_type = uploads.check_upload(file)
    document = Document.objects.select_for_update().get(pk=document.pk)
    document.file = file
    document.original_name = (file.name or "upload")[:255]
    document.content_type = content_type
    document.size = file.size or 0
    document.uploaded_by = acting_user
    return save_recorded(document, acting_user=acting_user)


def document_open(*, standing: Standing, document: Document) -> None:
    """R27: every opening of a register document with third-party personal data goes in the audit
    log; other classifications are not logged. The caller has checked the policy."""
    if document.classification == Document.Classification.PERSONAL_DATA:
        audit_record(
            kind=AuditKind.PERSONAL_DATA_DOCUMENT_OPENED,
            acting_user=standing.user,
            council=standing.council,
            target=document,
            data={"via": "register"},
        )


def sign_in_failure_record(*, step: str, email: str = "", user: User | None = None) -> None:
    """R27: a failed sign-in goes in the audit log. Data protection: an address is kept only when
    it is someone's login (the event then names that account); an address that is nobody's is
    not kept at all, and a known one only as the account it names (target), never as an address
    in a log that cannot be changed. The password never reaches us: Django masks it before the
    signal."""
    if user is None and email.strip():
        user = User.objects.filter(email__iexact=email.strip()).first()
    data = {"step": step}
    audit_record(kind=AuditKind.SIGN_IN_FAILED, acting_user=None, target=user, data=data)


def council_update(*, council: Council, acting_user: User) -> Council:
    """Save a change to the council's own details."""
    return save_recorded(council, acting_user=acting_user)


# ---------------------------------------------------------------------------------------------
# Data protection (UK GDPR): retention periods, the purge, subject access (data_protection.py)
# ---------------------------------------------------------------------------------------------


def retention_policy_save(*, policy: RetentionPolicy, acting_user: User) -> RetentionPolicy:
    """Save a council's retention periods (the first save creates its row); validated by the
    model: whole months, each kind's minimum, personal-data access at least as long as requests."""
    return save_recorded(policy, acting_user=acting_user)


def retention_purge(*, today: date | None = None) -> dict[str, int]:
    """Delete every council's expired personal records, and their history rows, by each
    council's periods; anonymise people whose roles all ended long enough ago. Bounded per run
    (data_protection.BATCH of each kind per council) and idempotent. Returns the counts by kind."""
    return data_protection.purge_all(today=today)


def subject_access_export(
    *, person: User, councils: list[Council], whole_portal: bool, acting_user: User, fmt: str
) -> data_protection.Export:
    """Everything the councils hold about one person (data_protection.py says what is included
    and what is withheld). The export itself is a disclosure of personal data, so it goes in the
    audit log: who exported whose data, for which councils, in which format."""
    # R16: a copy someone else reads (the Proper Officer's, of one council) holds of concerns
    # only what the policy lets that reader see; the person's own copy holds what they may see.
    viewer = None
    if acting_user.pk != person.pk:
        from .policy import standing_for

        (council,) = councils
        viewer = standing_for(acting_user, council)
    export = data_protection.export_build(
        scope=data_protection.Scope(
            person=person, councils=tuple(councils), whole_portal=whole_portal, viewer=viewer
        )
    )
    audit_record(
        kind=AuditKind.PERSONAL_DATA_EXPORTED,
        acting_user=acting_user,
        council=councils[0] if len(councils) == 1 and not whole_portal else None,
        target=person,
        data={
            "format": fmt,
            "council_ids": [c.pk for c in councils],
            "own": person.pk == acting_user.pk,
        },
    )
    return export
