"""Make the audit table append-only in PostgreSQL itself.

Row triggers refuse UPDATE and DELETE, whatever code sends them. TRUNCATE is left to database privileges
(the test runner empties tables with it): in production the application's role must not own the tables,
see docs/operations.md. The embedded SQLite default relies on the model and queryset guards only, since
Django's test flush on SQLite deletes rows one table at a time.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_auditevent is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
CREATE TRIGGER audit_event_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
