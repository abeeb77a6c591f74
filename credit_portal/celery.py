"""The Celery application. Tasks live in each app's ``tasks.py`` and are discovered here."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_portal.settings.base")

app = Celery("credit_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_from_settings(loglevel=None, **kwargs):
    """Workers and beat log through ``settings.LOGGING`` — every handler masks citizen IDs and client
    addresses (credit_portal/logging.py) — instead of the handlers Celery would install on the root logger.
    Celery's own messages keep the level given on the command line (``--loglevel``)."""
    import logging
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    logging.getLogger("celery").setLevel(loglevel or logging.INFO)
