"""Stored reasons that name records and lists as people read them (issue 16).

The engine wrote "记录 128 符合名单“hmd_nsa”的列入条件（规则 2026.11-2）": a platform row id and a list code, shown to
the subject and to those it authorises. It now names the record by its type and document number and the list by
its name (``sanctions.rules``); this rewrites the reasons of the memberships and statuses already stored the same
way. The history (``MembershipChange``, append-only) keeps what was written then. Not reversed.
"""

import re

from django.db import migrations

# The texts the engine wrote before (sanctions.rules, rule versions up to 2026.11-2).
IDS = r"(\d+(?:, \d+)*)"
OPENED = re.compile(rf"记录 {IDS} 符合名单“([^”]+)”的列入条件")
SUSPENDED_BLACK = re.compile(r"主体在失信惩戒名单（([^）]+)）上")
SUSPENDED_SEVERE = re.compile(rf"主体有严重失信记录 {IDS}，")
STATUS = re.compile(r"^(列入(?:失信惩戒|重点关注|守信激励)名单：)(.+)$")
CHUNK = 2000


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(", ")]


def _rewrite(reason: str, records: dict[int, str], lists: dict[str, str]) -> str:
    def named(ids: list[int]) -> str:
        return "、".join(records.get(pk, f"记录 {pk}") for pk in ids)

    def listed(codes: str) -> str:
        return "、".join(f"“{lists.get(code, code)}”" for code in codes.split("、"))

    reason = OPENED.sub(lambda m: f"{named(_ids(m[1]))}符合“{lists.get(m[2], m[2])}”的列入条件", reason)
    reason = SUSPENDED_BLACK.sub(lambda m: f"主体在失信惩戒名单{listed(m[1])}上", reason)
    reason = SUSPENDED_SEVERE.sub(lambda m: f"主体有严重失信记录{named(_ids(m[1]))}，", reason)
    return STATUS.sub(lambda m: f"{m[1]}{listed(m[2])}", reason)


def _record_labels(apps, ids: set[int]) -> dict[int, str]:
    CreditRecord = apps.get_model("records", "CreditRecord")
    labels = {}
    rows = CreditRecord.objects.filter(pk__in=sorted(ids)).values_list(
        "pk", "record_type__name", "source_id", "record_type__disclosure_level", "publishable"
    )
    for pk, type_name, source_id, level, publishable in rows:
        # As sanctions.selectors.record_facts: the document number of a public record only.
        shown = source_id if level == "public" and publishable else ""
        labels[pk] = f"{type_name}（{shown.replace('|', ' ')}）" if shown else type_name
    return labels


def rewrite(apps, schema_editor):
    ListType = apps.get_model("sanctions", "ListType")
    lists = dict(ListType.objects.values_list("code", "name"))
    for model_name in ("Membership", "CreditStatus"):
        model = apps.get_model("sanctions", model_name)
        stale = model.objects.filter(reason__regex=r"记录 [0-9]|名单“|名单（|名单：[a-z]").order_by("pk")
        last = 0
        while True:
            rows = list(stale.filter(pk__gt=last).values_list("pk", "reason")[:CHUNK])
            if not rows:
                break
            last = rows[-1][0]
            ids = {
                pk
                for _, reason in rows
                for pattern in (OPENED, SUSPENDED_SEVERE)
                for m in pattern.finditer(reason)
                for pk in _ids(m[1])
            }
            records = _record_labels(apps, ids)
            changed = []
            for pk, reason in rows:
                new = _rewrite(reason, records, lists)
                if new != reason:
                    changed.append(model(pk=pk, reason=new))
            model.objects.bulk_update(changed, ["reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0024_record_change_labels"),
        ("sanctions", "0007_unpublished_records_list_nobody"),
    ]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
