"""Labels of the supervision app's audit actions (audit.labels)."""

ACTION_LABELS = {
    "supervision.inspector_active": "启用或停用执法检查人员",
    "supervision.inspector_add": "添加执法检查人员",
    "supervision.plan_create": "新建双随机抽查计划",
    "supervision.plan_done": "抽查计划完成",
    "supervision.plan_draw": "随机抽取检查对象和检查人员",
    "supervision.result_enter": "录入抽查检查结果",
}
