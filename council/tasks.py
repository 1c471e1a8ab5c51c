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
    task gave up) is delivered here. Each delivery claims its row, so nothing goes twice."""
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
