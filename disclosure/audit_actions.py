"""Labels of the disclosure app's audit actions (audit.labels)."""

ACTION_LABELS = {
    "opendata.generate": "生成开放数据文件",
    "report.issue": "出具信用报告",
}
