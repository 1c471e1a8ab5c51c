"""The daily purge of expired personal records (UK GDPR storage limitation): every app's purge,
each council with its own periods (council.models.RetentionPolicy), a batch at a time, and the
helpers the apps' purges share (dates, deleting rows with their history)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from ..audit import AuditKind, audit_record
from ..models import (
    Council,
    Notification,
    RetentionPolicy,
    Role,
    User,
)
from .registry import notification_guards, purges, register_purge

# At most this many records of one kind per council per run: a backlog (a council's first run, a
# shortened period) drains over a few nights instead of one long transaction.
BATCH = 500

ANONYMISED_NAME = "Former member (anonymised)"
ANONYMISED_DOMAIN = "anonymised.invalid"  # .invalid is reserved (RFC 2606): it never delivers


# ---------------------------------------------------------------------------------------------
# Dates and deleting
# ---------------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    year, index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, index + 1)[1]
    return date(year, index + 1, min(day.day, last))


def start_of(day: date) -> datetime:
    """Midnight at the start of a day, local time: records stamped before it are older."""
    return timezone.make_aware(datetime.combine(day, time.min))


def delete_with_history(model: type[models.Model], ids: list[int]) -> int:
    """Delete rows by id, and then every history row of them, including the "deleted" row that
    simple-history writes as each one goes. Children that cascade are the caller's to clear from
    their own history (`delete_history`)."""
    if not ids:
        return 0
    model._default_manager.filter(pk__in=ids).delete()
    delete_history(model, **{f"{model._meta.pk.attname}__in": ids})
    return len(ids)


def delete_history(model: type[models.Model], **lookup) -> None:
    model.history.model.objects.filter(**lookup).delete()  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# The purge
# ---------------------------------------------------------------------------------------------


def purge_all(*, today: date | None = None, limit: int = BATCH) -> dict[str, int]:
    """Run every app's purge for every council, each council with its own periods, and append one
    audit event saying how many records of each kind went (none when nothing did, so a second run
    on the same day leaves no trace). Each council's kind is its own transaction."""
    today = today or timezone.localdate()
    policies = {p.council_id: p for p in RetentionPolicy.objects.all()}
    removed = dict.fromkeys(purges(), 0)
    touched: list[int] = []
    for council in Council.objects.order_by("pk").iterator():
        policy = policies.get(council.pk) or RetentionPolicy(council=council)
        here = 0
        for kind, purge in purges().items():
            with transaction.atomic():
                count = purge(council=council, policy=policy, today=today, limit=limit)
            removed[kind] += count
            here += count
        if here:
            touched.append(council.pk)
    # Notices that belong to no council (none are made today, but the column allows it): the
    # default period.
    with transaction.atomic():
        removed["notifications"] += purge_notifications(
            council=None, policy=RetentionPolicy(), today=today, limit=limit
        )
    if any(removed.values()):
        audit_record(
            kind=AuditKind.RETENTION_PURGED,
            acting_user=None,
            data={"removed": removed, "council_ids": touched, "day": today},
        )
    return removed


@register_purge("notifications")
def purge_notifications(
    *, council: Council | None, policy: RetentionPolicy, today: date, limit: int
) -> int:
    """The outbox: a notice goes once it was sent (or read, if later) longer ago than the
    council's period; one that could not be sent, counted from when it was made. Pending ones
    stay. The rows have no history (council.models.Notification says why)."""
    cutoff = start_of(months_before(today, policy.notifications_months))
    sent = Q(status=Notification.Status.SENT, sent_at__lt=cutoff) & (
        Q(read_at__isnull=True) | Q(read_at__lt=cutoff)
    )
    failed = Q(status=Notification.Status.FAILED, created_at__lt=cutoff)
    rows = Notification.objects.filter(council=council).filter(sent | failed)
    for guard in notification_guards():
        rows = rows.exclude(guard(council))
    ids = list(rows.order_by("pk").values_list("pk", flat=True)[:limit])
    Notification.objects.filter(pk__in=ids).delete()
    return len(ids)


@register_purge("people")
def purge_people(*, council: Council, policy: RetentionPolicy, today: date, limit: int) -> int:
    """A person whose every role, here and in every other council, ended longer ago than each of
    those councils' period is anonymised: the row stays (the council's records point at it) but
    their name, email address, password, sign-in addresses and authenticators go, and so do the
    history rows that held them."""
    cutoff = months_before(today, policy.people_months)
    not_yet = Role.objects.filter(user_id=OuterRef("pk")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=cutoff)
    )
    candidates = (
        User.objects.filter(Exists(Role.objects.filter(user_id=OuterRef("pk"), council=council)))
        .exclude(Exists(not_yet))
        .exclude(email__endswith=f"@{ANONYMISED_DOMAIN}")
        # Site administrators are the deployment's, not a council's: never anonymised here.
        .filter(is_staff=False, is_superuser=False)
    )
    ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    # Someone who also held roles elsewhere: that council's own period must have passed too.
    elsewhere = list(
        Role.objects.filter(user_id__in=ids)
        .exclude(council=council)
        .values("user_id", "council_id")
        .annotate(last=Max("ends_on"))
    )
    default = RetentionPolicy._meta.get_field("people_months").get_default()
    months = dict(
        RetentionPolicy.objects.filter(
            council_id__in={r["council_id"] for r in elsewhere}
        ).values_list("council_id", "people_months")
    )
    blocked = {
        r["user_id"]
        for r in elsewhere
        if r["last"] >= months_before(today, months.get(r["council_id"], default))
    }
    people = list(User.objects.filter(pk__in=set(ids) - blocked))
    for person in people:
        person_anonymise(person=person)
    return len(people)


def person_anonymise(*, person: User) -> User:
    """Blank a person's name and address, keep their row. The one history row left records that
    it happened (by the system), without what was there before."""
    person.name = ANONYMISED_NAME
    person.email = f"anonymised-{person.pk}@{ANONYMISED_DOMAIN}"
    person.is_active = False
    person.set_unusable_password()
    person.full_clean()
    setattr(person, "_history_user", None)  # noqa: B010  (see services.record_actor)
    person.save()
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    history = User.history.model.objects.filter(id=person.pk)  # type: ignore[attr-defined]
    latest = history.order_by("-history_date", "-history_id").values_list("pk", flat=True)[:1]
    history.exclude(pk__in=list(latest)).delete()
    return person
