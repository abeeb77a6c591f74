"""Labels of the records app's audit actions (audit.labels)."""

from .choices import RecordChange

ACTION_LABELS = {
    "batch.create": "上传批量文件",
    "batch.expire": "批量文件逾期未导入关闭",
    "batch.fail": "批量导入失败",
    "batch.import": "导入批量文件",
    "batch.redrive": "批量导入重新排队",
    "quality.compute": "统计数据质量",
    "records.bulk_review_done": "批量审核完成",
    "records.bulk_review_redrive": "批量审核重新排队",
    "records.bulk_review_request": "提交批量审核",
    "records.ingest": "报送信用记录",
    "records.redecide": "按公示规则重算公示决定",
    "records.redecide_redrive": "公示决定重算重新排队",
    "records.redecide_request": "申请重算公示决定",
    "records.redecide_resume": "继续公示决定重算",
    # One record's change (records.services._record_change): "record.<change>".
    **{f"record.{change.value}": f"信用记录{change.label}" for change in RecordChange},
}
