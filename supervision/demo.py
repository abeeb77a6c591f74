"""Demo random inspections for ``seed_demo``: an inspector pool for the provincial market regulator and one plan
drawn by risk class with some results entered, so that the workbench, the public 一公开 pages and the verify page
show something on a fresh install. Run after the grading (the draw reads the grades). Idempotent: nothing is done
once the department has a plan."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.services import Actor
from evaluation.models import EvaluationModel
from organisations.models import Department

from .models import InspectionPlan
from .services import inspection_result_enter, inspector_add, plan_create, plan_draw

DEPARTMENT = "jl-scjg"
INSPECTORS = ["张建国", "李红梅", "王志强", "刘晓燕", "陈立新", "赵文博"]
#: The results entered for the first subjects drawn; the others stay 检查中.
RESULTS = [("未发现问题", ""), ("合格", ""), ("发现问题已责令整改", "未按规定公示食品经营许可证")]


def demo_inspections_seed() -> int:
    """Returns how many plans were made (0 or 1)."""
    department = Department.objects.filter(code=DEPARTMENT).first()
    model = EvaluationModel.objects.filter(code="general", is_active=True).first()
    if department is None or model is None or InspectionPlan.objects.filter(department=department).exists():
        return 0
    actor = Actor.system("演示数据")
    with transaction.atomic():
        for number, name in enumerate(INSPECTORS, start=1):
            inspector_add(department=department, name=name, staff_number=f"SCJG-{number:03d}", actor=actor)
        plan = plan_create(
            department=department,
            title=f"{timezone.localdate().year}年度食品经营者“双随机”抽查（演示）",
            basis="《市场监督管理行政执法程序规定》；《关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》",
            scope="食品经营许可事项及经营行为",
            model=model,
            rule_texts={"A": "1", "B": "2", "C": "2", "D": "100%"},
            inspectors_per_subject=2,
            actor=actor,
        )
        plan = plan_draw(plan=plan, actor=actor)
    today = timezone.localdate()
    for target, (result, findings) in zip(plan.targets.order_by("position"), RESULTS, strict=False):
        with transaction.atomic():
            inspection_result_enter(
                target=target,
                result=result,
                inspected_on=today,
                findings=findings,
                handling="已责令限期整改" if findings else "",
                actor=actor,
            )
    return 1
