"""Celery tasks: thin adapters that take ids, call a service, and retry with backoff."""

from celery import shared_task

from . import outbox, services

# A delivery that failed is retried with backoff; a retry finds only the rows still pending (each
# delivery claims its rows), so what was sent is not sent again.
DELIVERY_RETRIES = {
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "max_retries": 8,
}


@shared_task(**DELIVERY_RETRIES)
def deliver_notifications(notification_ids: list[int]) -> int:
    """The notifications one transaction created, enqueued when it committed."""
    return outbox.notifications_deliver(notification_ids=notification_ids)


@shared_task(**DELIVERY_RETRIES)
def deliver_notification(notification_id: int) -> bool:
    """One notification: what earlier releases enqueued, kept for messages still in the broker."""
    return outbox.notification_deliver(notification_id=notification_id)


@shared_task
def deliver_pending_notifications(limit: int = 500) -> int:
    """The sweep (outbox.notifications_deliver_pending)."""
    return outbox.notifications_deliver_pending(limit=limit)


@shared_task
def warn_roles_ending() -> int:
    return services.roles_warn_ending()


# Longer limits than the default two minutes: the first run over many councils may have a backlog
# (each council's kinds are bounded, not the number of councils); a later run resumes.
@shared_task(time_limit=1800, soft_time_limit=1700)
def purge_expired_records() -> dict[str, int]:
    """UK GDPR storage limitation: each council's expired personal records, by its periods."""
    return services.retention_purge()
