"""Labels of the subjects app's audit actions (audit.labels)."""

ACTION_LABELS = {
    "demo.seed_subjects": "生成演示主体",
    "subject.access": "查询信用主体受限信息",
    "subject.assign_uscc": "补登统一社会信用代码",
    "subject.conflict_open": "登记主体信息冲突",
    "subject.conflict_resolve": "处理主体信息冲突",
    "subject.correct": "更正信用主体信息",
    "subject.create": "新建信用主体",
    "subject.identifier_add": "添加历史代码",
    "subject.name_confirm": "确认主体名称",
    "subject.rename": "主体名称变更",
}
