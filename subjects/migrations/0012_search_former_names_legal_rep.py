"""The public search finds former names (曾用名) and legal representatives (issue 16).

A btree index on the legal representative (matched whole) everywhere; on PostgreSQL the trigram and bigram GIN
indexes on former names, the same two as on current names (0002): fragments of three or more characters use
the trigram index, two-character fragments the bigram one. Frozen SQL, as in 0002.
"""

from django.db import migrations, models

CREATE_SQL = """
CREATE INDEX IF NOT EXISTS subject_former_name_trgm_gin
    ON subjects_subjectnamehistory USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS subject_former_name_bigram_gin
    ON subjects_subjectnamehistory USING gin (subject_name_bigrams(name));
"""

DROP_SQL = """
DROP INDEX IF EXISTS subject_former_name_bigram_gin;
DROP INDEX IF EXISTS subject_former_name_trgm_gin;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0011_access_kind_centre")]
    operations = [
        migrations.AddIndex(
            model_name="creditsubject",
            index=models.Index(fields=["legal_representative"], name="subject_legal_rep_idx"),
        ),
        migrations.RunPython(install, uninstall),
    ]
