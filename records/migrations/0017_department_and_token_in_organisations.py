"""The departments and API tokens moved to the organisations app (organisations 0001): the foreign keys name
them there, in Django's state only (the columns and constraints already point at the same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0001_initial'),
        ('records', '0016_catalog_display'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='creditrecord',
                    name='department',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='records', to='organisations.department', verbose_name='报送部门'),
                ),
                migrations.AlterField(
                    model_name='creditrecord',
                    name='submitted_by_token',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.apitoken', verbose_name='接口令牌'),
                ),
                migrations.AlterField(
                    model_name='ingestbatch',
                    name='created_by_token',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.apitoken'),
                ),
                migrations.AlterField(
                    model_name='ingestbatch',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='batches', to='organisations.department'),
                ),
                migrations.AlterField(
                    model_name='ingeststat',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.department'),
                ),
                migrations.AlterField(
                    model_name='qualityreport',
                    name='department',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.department'),
                ),
            ],
        ),
    ]
