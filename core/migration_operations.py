"""Index operations for big tables in migrations: ``CREATE/DROP INDEX CONCURRENTLY`` on PostgreSQL (no write
lock on a table of millions of rows; the migration needs ``atomic = False``), the plain operation elsewhere
(SQLite in development and tests)."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations


def concurrently_on_postgres(concurrent, plain):
    """``concurrent`` on PostgreSQL, ``plain`` on other databases."""

    class Operation(concurrent):
        def database_forwards(self, app_label, schema_editor, from_state, to_state):
            operation = concurrent if schema_editor.connection.vendor == "postgresql" else plain
            return operation.database_forwards(self, app_label, schema_editor, from_state, to_state)

        def database_backwards(self, app_label, schema_editor, from_state, to_state):
            operation = concurrent if schema_editor.connection.vendor == "postgresql" else plain
            return operation.database_backwards(self, app_label, schema_editor, from_state, to_state)

    return Operation


AddIndexOnPostgres = concurrently_on_postgres(AddIndexConcurrently, migrations.AddIndex)
RemoveIndexOnPostgres = concurrently_on_postgres(RemoveIndexConcurrently, migrations.RemoveIndex)
