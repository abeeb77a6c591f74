"""API tokens: an explicit state (pending approval by the credit centre, active, refused, revoked), the
decision, and a required expiry (issue 10).

Existing tokens, decided here once:
- a token without expiry expires ``API_TOKEN_MAX_DAYS`` (365) days after it was created, but not sooner than
  30 days after this migration, so no department system stops without warning;
- a revoked token is ``revoked``;
- a token carrying ``records:write`` that was not issued by the operator's ``create_api_token`` command
  was issued by a department admin alone: it waits (``pending``) for the credit centre to approve it;
- every other token stays ``active``.
"""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

GRACE = datetime.timedelta(days=30)
COMMAND_LABEL = "命令行 create_api_token"


def states_and_expiry(apps, schema_editor):
    ApiToken = apps.get_model("subjects", "ApiToken")
    now = timezone.now()
    max_age = datetime.timedelta(days=getattr(settings, "API_TOKEN_MAX_DAYS", 365))
    for token in ApiToken.objects.all().iterator():
        if token.revoked_at is not None:
            token.state = "revoked"
        elif "records:write" in token.scopes and token.created_by != COMMAND_LABEL:
            token.state = "pending"
        else:
            token.state = "active"
        if token.expires_at is None:
            token.expires_at = max(token.created_at + max_age, now + GRACE)
        token.save(update_fields=["state", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0006_registration_authority"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="state",
            field=models.CharField(
                choices=[("pending", "待信用中心审批"), ("active", "有效"), ("refused", "已拒绝"), ("revoked", "已吊销")],
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="审批时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="decided_by",
            field=models.CharField(blank=True, max_length=150, verbose_name="审批人"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="decision_reason",
            field=models.CharField(blank=True, max_length=500, verbose_name="审批意见"),
        ),
        migrations.RunPython(states_and_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
    ]
