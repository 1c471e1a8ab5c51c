"""Celery tasks for correspondence: thin adapters over the services."""

from celery import shared_task

from .requests import deadlines


@shared_task
def send_request_reminders() -> int:
    """R9, from Celery beat: reminders before the due date, escalation when overdue (each once)."""
    return deadlines.reminders_send()
