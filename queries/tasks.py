"""Celery tasks of the queries app: thin, safe to run twice."""

from celery import shared_task

from .services import special_queries_expire


@shared_task(soft_time_limit=300, time_limit=360)
def special_queries_expire_task() -> int:
    """Hourly: issued special-query results past their validity become expired."""
    return special_queries_expire()
