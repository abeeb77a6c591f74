"""Labels of the evaluation app's audit actions (audit.labels)."""

ACTION_LABELS = {
    "evaluation.evaluate": "信用评价",
    "evaluation.file_generate": "生成评价结果文件",
    "evaluation.model_create": "新建专业评价模型",
    "evaluation.model_display": "修改评价模型展示",
    "evaluation.run_finish": "评价批次完成",
    "evaluation.run_request": "申请评价批次",
    "evaluation.run_start": "评价批次开始",
    "evaluation.version_draft": "起草评价模型版本",
    "evaluation.version_edit": "修改评价模型版本",
    "evaluation.version_publish": "发布评价模型版本",
}
