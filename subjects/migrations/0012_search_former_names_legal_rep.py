"""The public search finds former names (曾用名) and legal representatives (issue 16).

A btree index on the legal representative (matched whole) everywhere; on PostgreSQL the trigram and bigram GIN
indexes on former names, the same two as on current names (0002): fragments of three or more characters use
the trigram index, two-character fragments the bigram one. Frozen SQL, as in 0002. Built concurrently (no write
lock on the register of millions of subjects while they build): the migration is not atomic.
"""

from django.db import migrations, models

from core.migration_operations import AddIndexOnPostgres

CREATE_SQL = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS subject_former_name_trgm_gin
    ON subjects_subjectnamehistory USING gin (name gin_trgm_ops);
CREATE INDEX CONCURRENTLY IF NOT EXISTS subject_former_name_bigram_gin
    ON subjects_subjectnamehistory USING gin (subject_name_bigrams(name));
"""

DROP_SQL = """
DROP INDEX CONCURRENTLY IF EXISTS subject_former_name_bigram_gin;
DROP INDEX CONCURRENTLY IF EXISTS subject_former_name_trgm_gin;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_SQL.split(";")[:-1]:  # CONCURRENTLY: one statement at a time
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_SQL.split(";")[:-1]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("subjects", "0011_access_kind_centre")]
    operations = [
        AddIndexOnPostgres(
            model_name="creditsubject",
            index=models.Index(fields=["legal_representative"], name="subject_legal_rep_idx"),
        ),
        migrations.RunPython(install, uninstall),
    ]
