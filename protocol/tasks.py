"""Celery tasks for the protocol: thin adapters over the services."""

from celery import shared_task

from . import services


@shared_task
def send_review_reminders() -> int:
    """R25, daily from Celery beat."""
    return services.review_reminders_send()
