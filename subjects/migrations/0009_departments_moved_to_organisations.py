"""Departments, staff roles and API tokens moved to the organisations app with their tables
(organisations/migrations/0001): forgotten here, in Django's state only, once every foreign key names them
there; the tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        # disclosure 0005 hands the applications (whose state still names subjects.department) to rights: a
        # plan that reaches this migration first (another app's migration depending on a later subjects one)
        # would otherwise render a state with a dangling reference.
        ('disclosure', '0005_applications_moved_to_rights'),
        ('organisations', '0001_initial'),
        ('records', '0017_department_and_token_in_organisations'),
        ('rights', '0002_department_in_organisations'),
        ('sanctions', '0005_department_and_token_in_organisations'),
        ('subjects', '0008_search_fragments'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ApiToken'),
                migrations.DeleteModel(name='StaffRole'),
                migrations.DeleteModel(name='Department'),
            ],
        ),
    ]
