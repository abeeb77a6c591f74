"""The applications moved to the rights app with their tables (rights/migrations/0001): forgotten here, in
Django's state only; the tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0004_opendatafile_stale_since'),
        ('rights', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Evidence'),
                migrations.DeleteModel(name='ApplicationEvent'),
                migrations.DeleteModel(name='Application'),
            ],
        ),
    ]
