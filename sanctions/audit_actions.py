"""Labels of the sanctions app's audit actions (audit.labels)."""

ACTION_LABELS = {
    "check.feedback": "联合奖惩核查反馈",
    "check.perform": "联合奖惩核查",
    "sanctions.evaluate": "评估名单和信用状态",
    "sanctions.status_check": "核对名单和信用状态",
}
