"""Model fields shared by the apps."""

from django.db import models


class StoredJSONField(models.JSONField):
    """A JSON document kept as written: PostgreSQL ``json`` (the text, checked on input) rather than ``jsonb``
    (converted to a binary form at every insert). For documents the database never looks into, written in bulk
    and read whole: for the evaluation's results, the conversion was a third of the COPY of a grading
    (``bench/evaluation.py``). Elsewhere, and in every Python use, a ``JSONField``."""

    def db_type(self, connection):
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if connection.vendor == "postgresql":
            # psycopg2 parses ``json`` itself (``jsonb`` it leaves to Django), the column and a key of it
            # (``->`` gives ``json``) alike: a string here is a JSON string, not a document to parse again.
            return value
        return super().from_db_value(value, expression, connection)
