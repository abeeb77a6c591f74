"""Labels of the queries app's audit actions (audit.labels)."""

from .services import STEP_LABELS

ACTION_LABELS = {
    "special_query.file_download": "下载特殊查询附件",
    "special_query.submit": "提交特殊查询申请",
    "special_query.view": "查看特殊查询结果",
    "special_query.view_application": "查看特殊查询申请",
    **{f"special_query.{step}": f"特殊查询{label}" for step, label in STEP_LABELS.items()},
}
