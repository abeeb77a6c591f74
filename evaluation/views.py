"""The model workbench (mounted under /workbench/): a department administrator edits the professional models of
its industry ("通用+专业", seed 002 items 50–51) — a new model, a draft copied from the current version, its
definition (JSON, checked by the services with the reason in Chinese), a preview on a sample of the department's
supervised population, the publication and the progress of the re-evaluation it starts.

Which models: ``access.editable_models`` (another department's or sector's model is a 404, the general model is
never listed for a department); the services check the same rule again (``access.model_edit_require``). The
credit centre opens the same pages for every model and keeps its admin."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import form_add_error
from organisations.access import request_actor, staff_required
from organisations.choices import StaffRoleName as Role

from . import rules, selectors
from .access import editable_models
from .choices import RunState, VersionState
from .errors import EvaluationError
from .forms import DraftEditForm, ModelCreateForm
from .models import EvaluationModel, EvaluationRun, ModelVersion
from .preview import draft_preview
from .versions import model_version_draft, model_version_edit, model_version_publish, professional_model_create

EDITORS = (Role.DEPT_ADMIN, Role.CREDIT_ADMIN)
NO_DRAFT = "该模型没有草稿版本，请先新建草稿。"


def _model_for(request, pk: int) -> EvaluationModel:
    """A model the user may edit; any other is a 404."""
    return get_object_or_404(editable_models(request.staff).select_related("department"), pk=pk)


def _draft_of(model: EvaluationModel) -> ModelVersion | None:
    return model.versions.filter(state=VersionState.DRAFT).select_related("model").first()


def _readable(version: ModelVersion | None):
    """A version's definition as people read it (the engine's reading, as a table), or the reason it cannot be
    read."""
    if version is None:
        return None, ""
    try:
        definition = selectors.version_definition(version)
    except rules.DefinitionError as error:
        return None, error.message
    grades = "；".join(f"{g}（{definition.labels[g]}）≥ {t}" for g, t in definition.thresholds)
    return {
        "base": definition.base_score,
        "range": f"{definition.min_score}–{definition.max_score}",
        "grades": f"{grades}；其余为 D（{definition.labels['D']}）",
        "rows": [(d.name, i.name, rules.INDICATOR_KINDS[i.kind], i.weight, i.cap) for d, i in definition.indicators()],
        "overrides": [(o.name, o.grade) for o in definition.overrides],
    }, ""


@require_GET
@staff_required(*EDITORS)
def model_list(request):
    models = editable_models(request.staff).select_related("department").order_by("kind", "code")
    page = Paginator(models, 50).get_page(request.GET.get("page"))
    versions = ModelVersion.objects.filter(
        model__in=[m.pk for m in page], state__in=[VersionState.DRAFT, VersionState.PUBLISHED]
    )
    current = {v.model_id: v for v in versions if v.state == VersionState.PUBLISHED}
    drafts = {v.model_id: v for v in versions if v.state == VersionState.DRAFT}
    rows = [(m, current.get(m.pk), drafts.get(m.pk)) for m in page]
    return render(
        request,
        "evaluation/model_list.html",
        {"page": page, "rows": rows, "can_create": request.staff.has(Role.DEPT_ADMIN)},
    )


@staff_required(Role.DEPT_ADMIN)
def model_new(request):
    department = request.staff.department
    form = ModelCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            model = professional_model_create(
                department=department,
                code=data["code"],
                name=data["name"],
                purpose=data["purpose"],
                basis=data["basis"],
                labels=form.labels(),
                publish_grades=data["publish_grades"],
                actor=request_actor(request),
            )
        except EvaluationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, "模型已创建，并生成了第1版草稿（以公共信用综合评价得分为基础），请修改后发布。")
            return redirect("evaluation:model-detail", pk=model.pk)
    return render(request, "evaluation/model_new.html", {"form": form, "department": department})


@require_GET
@staff_required(*EDITORS)
def model_detail(request, pk: int):
    model = _model_for(request, pk)
    versions = list(model.versions.order_by("-number"))
    current = next((v for v in versions if v.state == VersionState.PUBLISHED), None)
    draft = next((v for v in versions if v.state == VersionState.DRAFT), None)
    runs = list(EvaluationRun.objects.filter(model=model).order_by("-id")[:5])
    current_definition, current_error = _readable(current)
    draft_definition, draft_error = _readable(draft)
    return render(
        request,
        "evaluation/model_detail.html",
        {
            "model": model,
            "versions": versions,
            "current": current,
            "draft": draft,
            "current_definition": current_definition,
            "current_error": current_error,
            "draft_definition": draft_definition,
            "draft_error": draft_error,
            "runs": runs,
            "running": any(r.state in (RunState.QUEUED, RunState.RUNNING) for r in runs),
            "last_full_run": selectors.last_full_run(),
        },
    )


@require_GET
@staff_required(*EDITORS)
def model_progress(request, pk: int):
    """The progress of the model's latest re-evaluation, for the detail page to poll."""
    model = _model_for(request, pk)
    run = EvaluationRun.objects.filter(model=model).order_by("-id").first()
    if run is None:
        return JsonResponse({"state": "", "state_label": "无", "total": 0, "processed": 0})
    return JsonResponse(
        {"state": run.state, "state_label": run.get_state_display(), "total": run.total, "processed": run.processed}
    )


@require_POST
@staff_required(*EDITORS)
def draft_open(request, pk: int):
    model = _model_for(request, pk)
    try:
        draft = model_version_draft(model=model, actor=request_actor(request))
    except EvaluationError as error:
        messages.error(request, error.message)
        return redirect("evaluation:model-detail", pk=model.pk)
    messages.success(request, f"草稿为第{draft.number}版（复制自最新版本），修改后预览并发布。")
    return redirect("evaluation:draft-edit", pk=model.pk)


@staff_required(*EDITORS)
def draft_edit(request, pk: int):
    model = _model_for(request, pk)
    draft = _draft_of(model)
    if draft is None:
        messages.error(request, NO_DRAFT)
        return redirect("evaluation:model-detail", pk=model.pk)
    initial = {"definition": json.dumps(draft.definition, ensure_ascii=False, indent=2), "note": draft.note}
    form = DraftEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            model_version_edit(
                version=draft,
                definition=form.cleaned_data["definition"],
                note=form.cleaned_data["note"],
                actor=request_actor(request),
            )
        except EvaluationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, f"第{draft.number}版草稿已保存。发布前可先预览评价结果的变化。")
            return redirect("evaluation:model-detail", pk=model.pk)
    return render(
        request,
        "evaluation/draft_edit.html",
        {"model": model, "draft": draft, "form": form, "kinds": rules.INDICATOR_KINDS.items()},
    )


@require_GET
@staff_required(*EDITORS)
def draft_preview_view(request, pk: int):
    model = _model_for(request, pk)
    draft = _draft_of(model)
    if draft is None:
        messages.error(request, NO_DRAFT)
        return redirect("evaluation:model-detail", pk=model.pk)
    try:
        preview = draft_preview(draft, request.staff.department)
    except rules.DefinitionError as error:
        messages.error(request, f"无法预览：{error.message}")
        return redirect("evaluation:model-detail", pk=model.pk)
    return render(request, "evaluation/draft_preview.html", {"model": model, "preview": preview})


@require_POST
@staff_required(*EDITORS)
def draft_publish(request, pk: int):
    model = _model_for(request, pk)
    draft = _draft_of(model)
    if draft is None:
        messages.error(request, NO_DRAFT)
        return redirect("evaluation:model-detail", pk=model.pk)
    try:
        run = model_version_publish(version=draft, actor=request_actor(request))
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"第{draft.number}版已发布，成为现行版本；全部主体的重新评价 #{run.pk} 已在后台开始，进度见下方。"
        )
    return redirect("evaluation:model-detail", pk=model.pk)
