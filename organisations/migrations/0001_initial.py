"""Departments, staff roles and API tokens move from the subjects app with their tables and rows: the tables
keep their names (``db_table``), only Django's state moves (the references follow in records 0017, sanctions
0005 and rights 0002; subjects 0009 forgets the models), and the content types are relabelled so that
permissions, the roles' group grants and admin log entries stay attached."""

import django.db.models.deletion
import subjects.models
import subjects.validators
from django.conf import settings
from django.db import migrations, models

from core.migration_operations import content_types_move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('subjects', '0008_search_fragments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=32, unique=True, verbose_name='部门编码')),
                        ('name', models.CharField(max_length=100, verbose_name='部门名称')),
                        ('uscc', models.CharField(max_length=18, unique=True, validators=[subjects.validators.validate_uscc], verbose_name='统一社会信用代码')),
                        ('level', models.CharField(choices=[('province', '省级'), ('prefecture', '市级'), ('county', '县级')], max_length=16, verbose_name='层级')),
                        ('registers', models.CharField(blank=True, default='', help_text='本部门作为登记管理部门负责登记的主体，以统一社会信用代码第1位表示：9 市场监管（企业、个体工商户、农民专业合作社）、5 民政（社会组织）、1 机构编制（机关、事业单位）、3 司法行政（律师事务所等）、N 农业（集体经济组织）等；只有登记管理部门报送的名称可以变更主体名称。', max_length=16, validators=[subjects.models.validate_registers], verbose_name='登记管理职能')),
                        ('sector', models.CharField(choices=[('development', '发展改革'), ('market_regulation', '市场监管'), ('tax', '税务'), ('finance', '财政'), ('housing', '住房城乡建设'), ('human_resources', '人力资源社会保障'), ('environment', '生态环境'), ('court', '法院'), ('emergency', '应急管理'), ('natural_resources', '自然资源'), ('state_assets', '国有资产监管'), ('financial_regulation', '金融监管'), ('other', '其他')], default='other', help_text='用于确定由哪些部门实施联合奖惩措施', max_length=32, verbose_name='行业领域')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('division', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='subjects.division', verbose_name='行政区划')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='organisations.department', verbose_name='上级部门')),
                    ],
                    options={
                        'verbose_name': '部门',
                        'verbose_name_plural': '部门',
                        'db_table': 'subjects_department',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('prefix', models.CharField(max_length=12, verbose_name='前缀')),
                        ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='令牌摘要')),
                        ('scopes', models.JSONField(default=list, verbose_name='权限范围')),
                        ('state', models.CharField(choices=[('pending', '待信用中心审批'), ('active', '有效'), ('refused', '已拒绝'), ('revoked', '已吊销')], default='pending', max_length=10, verbose_name='状态')),
                        ('expires_at', models.DateTimeField(verbose_name='到期时间')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='吊销时间')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('created_by', models.CharField(blank=True, max_length=150, verbose_name='创建人')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审批时间')),
                        ('decided_by', models.CharField(blank=True, max_length=150, verbose_name='审批人')),
                        ('decision_reason', models.CharField(blank=True, max_length=500, verbose_name='审批意见')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='最近使用')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='api_tokens', to='organisations.department', verbose_name='部门')),
                    ],
                    options={
                        'verbose_name': '接口令牌',
                        'verbose_name_plural': '接口令牌',
                        'db_table': 'subjects_apitoken',
                        'ordering': ['department', '-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='StaffRole',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('clerk', '部门填报员'), ('reviewer', '部门审核员'), ('dept_admin', '部门管理员'), ('credit_admin', '信用中心管理员'), ('auditor', '审计员')], max_length=16, verbose_name='角色')),
                        ('granted_at', models.DateTimeField(auto_now_add=True, verbose_name='授予时间')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff_roles', to='organisations.department', verbose_name='部门')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='staff_roles', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '人员角色',
                        'verbose_name_plural': '人员角色',
                        'db_table': 'subjects_staffrole',
                        'ordering': ['user', 'role'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('department__isnull', False), ('role__in', ['clerk', 'dept_admin', 'reviewer'])), models.Q(models.Q(('role__in', ['clerk', 'dept_admin', 'reviewer']), _negated=True), ('department__isnull', True)), _connector='OR'), name='staff_role_department_matches_role', violation_error_message='部门角色必须指定部门；信用中心管理员和审计员不属于部门。'), models.UniqueConstraint(fields=('user', 'role', 'department'), name='staff_role_unique_in_department', violation_error_message='该用户已拥有此角色。'), models.UniqueConstraint(condition=models.Q(('department__isnull', True)), fields=('user', 'role'), name='staff_role_unique_global', violation_error_message='该用户已拥有此角色。')],
                    },
                ),
            ],
        ),
        content_types_move('subjects', 'organisations', ('department', 'staffrole', 'apitoken')),
    ]
