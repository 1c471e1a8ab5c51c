"""The Celery app, wired the standard way: settings under the CELERY_ namespace, tasks found in
each installed app's tasks.py. With no REDIS_URL the settings make every task run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")

app = Celery("council")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
