"""Celery tasks: thin adapters that take ids, call a service, and retry with backoff."""

from celery import shared_task

from . import services
from .models import Notification


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def deliver_notification(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task
def deliver_pending_notifications(limit: int = 500) -> int:
    """The sweep: anything still pending (its enqueue failed while the broker was down, or its
    task gave up) is delivered here, and so is a row whose worker died while sending it, once its
    claim is stale (services.CLAIM_TIMEOUT). Each delivery claims its row, so nothing goes
    twice."""
    services.notifications_release_stale()
    ids = list(
        Notification.objects.pending().order_by("created_at").values_list("id", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        try:
            sent += services.notification_deliver(notification_id=notification_id)
        except Exception:  # one bad address must not stop the sweep; the row stays pending
            continue
    return sent


@shared_task
def warn_roles_ending() -> int:
    return services.roles_warn_ending()


# Longer limits than the default two minutes: the first run over many councils may have a backlog
# (each council's kinds are bounded, not the number of councils); a later run resumes.
@shared_task(time_limit=1800, soft_time_limit=1700)
def purge_expired_records() -> dict[str, int]:
    """UK GDPR storage limitation: each council's expired personal records, by its periods."""
    return services.retention_purge()
