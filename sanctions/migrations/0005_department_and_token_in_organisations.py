"""The departments and API tokens moved to the organisations app (organisations 0001): the foreign keys name
them there, in Django's state only (the columns, constraints and the measures' join table stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0001_initial'),
        ('sanctions', '0004_policy_corrections'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='check',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='checks', to='organisations.department'),
                ),
                migrations.AlterField(
                    model_name='check',
                    name='token',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.apitoken'),
                ),
                migrations.AlterField(
                    model_name='measure',
                    name='departments',
                    field=models.ManyToManyField(blank=True, related_name='+', to='organisations.department', verbose_name='实施部门（指定）'),
                ),
            ],
        ),
    ]
