"""Celery tasks for concerns: thin adapters over the services."""

from celery import shared_task

from . import services


@shared_task
def send_stage_reminders() -> int:
    """R23, from Celery beat: a reminder before each stage's due date, and the chair told when a
    matter is overdue (each once, and without details: R16)."""
    return services.reminders_send()
