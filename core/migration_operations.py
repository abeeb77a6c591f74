"""Operations for migrations.

Index operations for big tables: ``CREATE/DROP INDEX CONCURRENTLY`` on PostgreSQL (no write lock on a table of
millions of rows; the migration needs ``atomic = False``), the plain operation elsewhere (SQLite in development
and tests). ``content_types_move``: the content types of models that moved to another app."""

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


def content_types_move(from_app: str, to_app: str, models: tuple[str, ...]) -> migrations.RunPython:
    """Move the content types of ``models`` (lower-case model names) from one app label to another, for models
    that moved app with their tables (``SeparateDatabaseAndState``). The rows are relabelled, not recreated, so
    the permissions, the groups' grants and the admin log entries that point at them stay. A content type the
    target app already has (made by a ``post_migrate`` of a later state) gives way to the one relabelled.
    Reversible. On a fresh database there is nothing to move: ``post_migrate`` creates them under the new app."""

    def relabel(apps, schema_editor, source: str, target: str) -> None:
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
        for model in models:
            if content_types.filter(app_label=source, model=model).exists():
                content_types.filter(app_label=target, model=model).delete()
                content_types.filter(app_label=source, model=model).update(app_label=target)

    def forwards(apps, schema_editor):
        relabel(apps, schema_editor, from_app, to_app)

    def backwards(apps, schema_editor):
        relabel(apps, schema_editor, to_app, from_app)

    return migrations.RunPython(forwards, backwards)
