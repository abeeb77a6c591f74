"""The results' explanation and facts stored as written (``core.fields.StoredJSONField``: PostgreSQL ``json``,
not ``jsonb``). One ``ALTER TABLE`` for both columns on PostgreSQL, so the table is rewritten once (it holds a
row per grade change of every subject: about 11 s per million rows here, under an exclusive lock: run it in a
maintenance window, docs/operations.md). Other databases store JSON as text either way."""

import core.fields
from django.db import migrations

SQL = (
    'ALTER TABLE "evaluation_evaluationresult" '
    'ALTER COLUMN "explanation" TYPE json USING "explanation"::json, '
    'ALTER COLUMN "facts" TYPE json USING "facts"::json'
)
REVERSE_SQL = (
    'ALTER TABLE "evaluation_evaluationresult" '
    'ALTER COLUMN "explanation" TYPE jsonb USING "explanation"::jsonb, '
    'ALTER COLUMN "facts" TYPE jsonb USING "facts"::jsonb'
)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_sector_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(_on_postgresql(SQL), _on_postgresql(REVERSE_SQL))],
            state_operations=[
                migrations.AlterField(
                    model_name="evaluationresult",
                    name="explanation",
                    field=core.fields.StoredJSONField(verbose_name="评价说明"),
                ),
                migrations.AlterField(
                    model_name="evaluationresult",
                    name="facts",
                    field=core.fields.StoredJSONField(verbose_name="评价所依据的事实"),
                ),
            ],
        ),
    ]
