"""Labels of the rights app's audit actions (audit.labels)."""

from .choices import ApplicationKind
from .services import STEP_LABELS

ACTION_LABELS = {
    "application.evidence_download": "下载申请材料",
    "application.view": "查看申请",
    "authorisation.grant": "授权第三方查询",
    "authorisation.revoke": "撤回第三方授权",
    "complaint.answer": "答复投诉",
    "complaint.file": "提交投诉",
    **{f"application.submit.{kind.value}": f"提交{kind.label}申请" for kind in ApplicationKind},
    **{f"application.{step}": f"申请{label}" for step, label in STEP_LABELS.items()},
}
