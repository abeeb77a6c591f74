"""The applications move from the disclosure app with their tables and rows: the tables keep their names
(``db_table``), only Django's state moves (disclosure/migrations/0005 forgets the models there), and the
content types are relabelled so that permissions and admin log entries stay attached."""

import django.db.models.deletion
from django.db import migrations, models

from core.migration_operations import content_types_move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('disclosure', '0004_opendatafile_stale_since'),
        ('records', '0014_penalty_kind_index'),
        ('subjects', '0008_search_fragments'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Application',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('objection', '异议申诉'), ('repair', '信用修复'), ('tipoff', '失信举报'), ('commitment', '信用承诺')], max_length=16, verbose_name='类型')),
                        ('state', models.CharField(choices=[('submitted', '已提交'), ('refused', '不予受理'), ('with_department', '部门核查中'), ('decided', '已处理'), ('closed', '已办结')], default='submitted', max_length=16, verbose_name='状态')),
                        ('receipt_number', models.CharField(max_length=24, unique=True, verbose_name='受理编号')),
                        ('query_code_hash', models.CharField(max_length=64, verbose_name='查询码摘要')),
                        ('submission_key', models.CharField(help_text='同一表单重复提交只受理一次', max_length=64, unique=True, verbose_name='提交标识')),
                        ('ground', models.CharField(blank=True, choices=[('wrong', '信息错误'), ('missing', '信息遗漏'), ('duplicate', '重复公示'), ('not_public', '不应公示'), ('overdue', '超期公示'), ('inconsistent', '与认定机关不一致')], max_length=16, verbose_name='异议理由')),
                        ('explanation', models.TextField(verbose_name='说明')),
                        ('applicant_name', models.CharField(max_length=100, verbose_name='申请人')),
                        ('applicant_phone', models.CharField(max_length=32, verbose_name='联系电话')),
                        ('applicant_email', models.EmailField(blank=True, max_length=254, verbose_name='电子邮箱')),
                        ('commitment_signed', models.BooleanField(default=False, verbose_name='已签署承诺书')),
                        ('obligations_fulfilled', models.BooleanField(default=False, verbose_name='已履行法定义务')),
                        ('outcome', models.CharField(blank=True, choices=[('maintain', '维持'), ('correct', '更正'), ('revoke', '撤销'), ('approve', '同意修复'), ('reject', '不予修复'), ('confirm', '确认承诺并公示'), ('decline', '不予确认'), ('substantiated', '举报属实，已依法处理'), ('unfounded', '举报不属实')], max_length=16, verbose_name='处理结果')),
                        ('outcome_note', models.TextField(blank=True, verbose_name='处理说明')),
                        ('submitted_on', models.DateField(verbose_name='提交日期')),
                        ('accept_due', models.DateField(verbose_name='受理时限')),
                        ('department_due', models.DateField(blank=True, null=True, verbose_name='部门办理时限')),
                        ('answer_due', models.DateField(verbose_name='答复时限')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='提交时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='subjects.department')),
                        ('record', models.ForeignKey(blank=True, help_text='异议、修复所针对的记录；举报没有', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='records.creditrecord')),
                        ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='subjects.creditsubject')),
                    ],
                    options={
                        'verbose_name': '异议与修复申请',
                        'verbose_name_plural': '异议与修复申请',
                        'db_table': 'disclosure_application',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ApplicationEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_state', models.CharField(blank=True, choices=[('submitted', '已提交'), ('refused', '不予受理'), ('with_department', '部门核查中'), ('decided', '已处理'), ('closed', '已办结')], max_length=16, verbose_name='原状态')),
                        ('to_state', models.CharField(choices=[('submitted', '已提交'), ('refused', '不予受理'), ('with_department', '部门核查中'), ('decided', '已处理'), ('closed', '已办结')], max_length=16, verbose_name='新状态')),
                        ('actor_label', models.CharField(max_length=150, verbose_name='操作者')),
                        ('reason', models.TextField(blank=True, verbose_name='说明')),
                        ('occurred_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='rights.application')),
                    ],
                    options={
                        'verbose_name': '办理记录',
                        'verbose_name_plural': '办理记录',
                        'db_table': 'disclosure_applicationevent',
                        'ordering': ['application', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Evidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to='evidence/%Y/%m/', verbose_name='文件')),
                        ('original_name', models.CharField(max_length=255, verbose_name='原文件名')),
                        ('content_type', models.CharField(max_length=64, verbose_name='类型')),
                        ('size', models.PositiveIntegerField(verbose_name='大小')),
                        ('sha256', models.CharField(max_length=64, verbose_name='摘要')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='rights.application')),
                    ],
                    options={
                        'verbose_name': '证明材料',
                        'verbose_name_plural': '证明材料',
                        'db_table': 'disclosure_evidence',
                        'ordering': ['application', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='application',
                    index=models.Index(fields=['state', 'accept_due'], name='application_queue_idx'),
                ),
            ],
        ),
        content_types_move('disclosure', 'rights', ('application', 'applicationevent', 'evidence')),
    ]
