"""PostgreSQL indexes for Chinese name search (see subjects/search.py); nothing to do on SQLite."""

from django.db import migrations

from subjects.search import CREATE_SQL, DROP_SQL


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
