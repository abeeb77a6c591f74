"""PostgreSQL indexes for Chinese name search (see subjects/search.py); nothing to do on SQLite.

Frozen: the SQL is written out here, so a later change of the search code cannot change what this migration
installs (a new index or function is a migration of its own).
"""

from django.db import migrations

CREATE_SQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION subject_name_bigrams(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
        FROM generate_series(1, char_length(value) - 1) AS i
    $$;
CREATE INDEX IF NOT EXISTS subject_name_bigram_gin
    ON subjects_creditsubject USING gin (subject_name_bigrams(name));
CREATE INDEX IF NOT EXISTS subject_name_trgm_gin
    ON subjects_creditsubject USING gin (name gin_trgm_ops);
"""

DROP_SQL = """
DROP INDEX IF EXISTS subject_name_trgm_gin;
DROP INDEX IF EXISTS subject_name_bigram_gin;
DROP FUNCTION IF EXISTS subject_name_bigrams(text);
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
