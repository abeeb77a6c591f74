"""Admin of the evaluation models (credit centre): models and their versions — drafts edited, published ones
frozen — the runs with their progress and the date of the last full run, and read-only results."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html, format_html_join

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from audit.services import Actor, client_ip
from core.paging import BigTableAdminMixin
from subjects.selectors import subject_id_for_uscc

from . import rules, selectors
from .choices import RunKind, VersionState
from .errors import EvaluationError
from .models import EvaluationFile, EvaluationModel, EvaluationResult, EvaluationRun, ModelVersion
from .runs import evaluation_run_request
from .versions import definition_check, model_version_draft, model_version_edit, model_version_publish


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip=client_ip(request))


def _last_run_title(base: str) -> str:
    run = selectors.last_full_run()
    if run is None:
        return f"{base}（尚未完成全量评价）"
    return (
        f"{base}（最近一次全量评价：{run.as_of:%Y-%m-%d}，#{run.pk} {run.get_kind_display()}，{run.processed} 个主体）"
    )


@admin.register(EvaluationModel)
class EvaluationModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "purpose", "sector", "current_version", "publish_grades", "is_active"]
    list_filter = ["kind", "purpose", "publish_grades", "is_active"]
    fields = ["code", "name", "kind", "purpose", "sector", "department", "basis", "publish_grades", "is_active"]
    actions = ["new_draft", "evaluate_all"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind", "purpose", "sector"] if obj else []

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "title": _last_run_title("评价模型")})

    @admin.display(description="现行版本")
    def current_version(self, obj):
        version = obj.versions.filter(state=VersionState.PUBLISHED).first()
        return f"第{version.number}版（{version.published_at:%Y-%m-%d}）" if version else "—"

    @admin.action(description="为所选模型新建草稿版本（复制最新版本）")
    def new_draft(self, request, queryset):
        for model in queryset.order_by("pk"):
            draft = model_version_draft(model=model, actor=_actor(request))
            self.message_user(request, f"{model.name}：草稿为第{draft.number}版，请在“模型版本”中修改后发布。")

    @admin.action(description="立即重新评价全部主体（后台进行）")
    def evaluate_all(self, request, queryset):
        with transaction.atomic():
            run = evaluation_run_request(actor=_actor(request), kind=RunKind.MANUAL)
        self.message_user(request, f"已开始全量评价 #{run.pk}，进度见“全量评价”。")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Drafts are edited (the definition is checked on save: a draft that could not be published is refused
    now); published and superseded versions are read only. Publishing a draft re-evaluates every subject."""

    list_display = ["model", "number", "state", "note", "published_at", "published_by"]
    list_filter = ["model", "state"]
    actions = ["publish"]
    readonly_fields = ["definition_table", "state", "created_by", "created_at", "published_by", "published_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["model"]  # a new draft copies the model's latest version; it is edited next
        editable = ["definition", "note"] if obj.state == VersionState.DRAFT else []
        return ["model", "number", *editable, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        frozen = ["model", "number"] + ([] if obj.state == VersionState.DRAFT else ["note"])
        return [*frozen, *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != VersionState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.state == VersionState.DRAFT:
            model = obj.model

            def clean_definition(self):
                value = self.cleaned_data["definition"]
                try:
                    definition_check(value, model=model)
                except EvaluationError as error:
                    raise ValidationError(error.message) from None
                return value

            form.clean_definition = clean_definition
        return form

    def save_model(self, request, obj, form, change):
        # The services write (and audit): a new draft copies the model's latest version; an edit is checked.
        if not change:
            draft = model_version_draft(model=obj.model, actor=_actor(request))
            obj.pk, obj.number, obj.definition = draft.pk, draft.number, draft.definition
            obj._state.adding = False
            return
        model_version_edit(
            version=obj, definition=form.cleaned_data["definition"], note=obj.note, actor=_actor(request)
        )

    @admin.action(description="发布所选草稿（发布后全部主体将在后台重新评价）")
    def publish(self, request, queryset):
        for version in queryset.order_by("pk"):
            try:
                run = model_version_publish(version=version, actor=_actor(request))
            except EvaluationError as error:
                self.message_user(request, f"{version}：{error.message}", messages.ERROR)
                continue
            self.message_user(request, f"{version.model.name} 第{version.number}版已发布；重新评价 #{run.pk} 已开始。")

    @admin.display(description="模型内容")
    def definition_table(self, obj):
        try:
            definition = selectors.version_definition(obj)
        except rules.DefinitionError as error:
            return error.message
        rows = [
            (
                dimension.name,
                indicator.name,
                rules.INDICATOR_KINDS[indicator.kind],
                indicator.weight,
                indicator.cap or "—",
            )
            for dimension, indicator in definition.indicators()
        ]
        grades = "；".join(
            f"{grade} {definition.labels[grade]} ≥ {threshold}" for grade, threshold in definition.thresholds
        )
        overrides = format_html_join("", "<li>{}（不高于 {}）</li>", ((o.name, o.grade) for o in definition.overrides))
        return format_html(
            "<p>基础分 {}，分数范围 {}–{}；{}；其余为 D {}</p>"
            "<table><tr><th>维度</th><th>指标</th><th>计算方式</th><th>权重</th><th>上限</th></tr>{}</table>"
            "<p>调整规则：</p><ul>{}</ul>",
            definition.base_score,
            definition.min_score,
            definition.max_score,
            grades,
            definition.labels["D"],
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
            overrides,
        )


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The credit centre follows the runs of every subject here (after a publication, nightly, on demand)."""

    list_display = ["id", "kind", "model", "state", "progress", "changed", "as_of", "started_at", "finished_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [field.name for field in EvaluationRun._meta.fields]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "title": _last_run_title("全量评价")})

    @admin.display(description="进度")
    def progress(self, obj):
        return obj.progress


class SubjectSearchMixin:
    search_fields = ["=subject__uscc"]  # the search itself is get_search_results (below)
    search_help_text = "输入统一社会信用代码。"

    def get_search_results(self, request, queryset, search_term):
        """A USCC is looked up on the subject's unique index first, and the rows found by subject id."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(subject_id=subject_id_for_uscc(term) or 0), False


@admin.register(EvaluationResult)
class EvaluationResultAdmin(SubjectSearchMixin, BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "model",
        "version",
        "score",
        "grade",
        "previous_grade",
        "grade_since",
        "evaluated_on",
    ]
    list_select_related = ["subject", "model", "version"]
    readonly_fields = ["explanation_table"]
    exclude = ["explanation"]

    @admin.display(description="各指标得分")
    def explanation_table(self, obj):
        return format_html(
            "<table><tr><th>维度</th><th>指标</th><th>取值</th><th>得分</th><th>记录</th><th>名单</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        r.dimension,
                        r.indicator,
                        r.value,
                        r.points,
                        ", ".join(map(str, r.record_ids)) or "—",
                        ", ".join(map(str, r.membership_ids)) or "—",
                    )
                    for r in selectors.explanation_rows(obj)
                ),
            ),
        )


@admin.register(EvaluationFile)
class EvaluationFileAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["department", "model", "as_of", "rows", "bytes", "generated_at"]
    list_filter = ["department"]
    list_select_related = ["department", "model"]
