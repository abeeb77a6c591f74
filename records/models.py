"""What departments report: the catalog of record types, the records and their versions, ingestion batches,
ingestion statistics for data quality, and the working-day calendar.

Departments are the only source of truth (seed 000 四(七) "一数一源，分级负责"; seed 001 第四章 "谁登记、谁公示；
谁审批、谁公示；谁监管、谁公示"). Nothing here is hard-deleted: a record is revoked, corrected (a new version)
or repaired, and every change leaves a ``RecordVersion``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left

from core.vocabulary import DOCUMENT_NUMBER_SUFFIX
from organisations.models import Department
from subjects.models import CreditSubject

from .choices import (
    BatchState,
    BulkDecision,
    BulkReviewState,
    CalendarDayKind,
    CatalogCategory,
    Channel,
    DisclosureLevel,
    DisclosureRule,
    FieldRequirement,
    FieldType,
    ObjectionState,
    Polarity,
    RecordChange,
    RecordStatus,
    RedecideState,
    Severity,
    SeveritySource,
    SubjectTab,
)
from .rules import regimes_gap


class RecordType(models.Model):
    """One entry of the credit information catalog (信用信息目录): what a record of this type holds and shows.

    Ingestion is generic: which field names the subject, carries its identifiers, forms the department's
    own id of the record, or dates the decision is declared here, never special-cased in code.
    """

    code = models.SlugField("类型编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    category = models.CharField("目录类别", max_length=32, choices=CatalogCategory.choices)
    polarity = models.CharField("信息性质", max_length=16, choices=Polarity.choices)
    disclosure_level = models.CharField("公开属性", max_length=16, choices=DisclosureLevel.choices)
    disclosure_rule = models.CharField("公示期限规则", max_length=24, choices=DisclosureRule.choices)
    disclosure_months = models.PositiveSmallIntegerField("固定公示期（月）", null=True, blank=True)
    default_severity = models.CharField("默认失信程度", max_length=16, choices=Severity.choices, blank=True)
    subject_name_field = models.CharField("主体名称字段", max_length=32)
    subject_kind_field = models.CharField("主体类别字段", max_length=32, blank=True)
    uscc_field = models.CharField("统一社会信用代码字段", max_length=32, blank=True)
    citizen_id_type_field = models.CharField("证件类型字段", max_length=32, blank=True)
    citizen_id_field = models.CharField("证件号码字段", max_length=32, blank=True)
    registration_number_field = models.CharField("工商注册号字段", max_length=32, blank=True)
    organization_code_field = models.CharField("组织机构代码字段", max_length=32, blank=True)
    record_id_fields = models.JSONField("记录标识字段", default=list, help_text="部门自有编号所在字段，如决定文书号")
    decided_on_field = models.CharField("决定日期字段", max_length=32)
    end_date_field = models.CharField("截止日期字段", max_length=32, blank=True)
    timeliness_days = models.PositiveSmallIntegerField(
        "报送时限（工作日）", null=True, blank=True, help_text="双公示：自作出决定之日起7个工作日内"
    )
    subject_tab = models.CharField(
        "主体页栏目",
        max_length=16,
        choices=SubjectTab.choices,
        default=SubjectTab.OTHER,
        help_text="公众在信用主体页面的哪个栏目看到这类信息；守信激励、失信惩戒栏目显示这类信息形成的名单",
    )
    write_channel = models.CharField(
        "限定写入渠道",
        max_length=16,
        choices=Channel.choices,
        blank=True,
        help_text="留空为各渠道均可报送；填写后只接受该渠道写入，如抽查检查结果只由双随机抽查结果录入写入",
    )
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用信息类型"
        verbose_name_plural = "信用信息目录"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(disclosure_rule=DisclosureRule.FIXED_PERIOD) | Q(disclosure_months__isnull=False),
                name="record_type_fixed_period_has_months",
                violation_error_message="固定期限规则须填写公示期（月）。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def accepts(self, channel: str) -> bool:
        """Whether records of this type may be written through ``channel``: every channel, unless the catalog
        reserves the type to one (``write_channel``). The results of random inspections are written only by the
        supervision service: their number (``CCJC-{plan}-{USCC}``) is predictable, and a push of the same number
        would overwrite an entered result behind the plan's back."""
        return not self.write_channel or channel == self.write_channel

    def channel_refusal(self, channel: str) -> str:
        """Why ``channel`` may not write records of this type, in Chinese (see ``accepts``)."""
        return f"“{self.name}”只能通过{Channel(self.write_channel).label}写入，不接受{Channel(channel).label}。"

    @staticmethod
    def writable_q(channel: str) -> Q:
        """The types ``channel`` may write (``accepts`` in SQL), e.g. those the record-entry page offers."""
        return Q(write_channel="") | Q(write_channel=channel)

    #: The columns that name one of the type's fields (``record_id_fields`` names several).
    FIELD_MAPPINGS = (
        "subject_name_field",
        "subject_kind_field",
        "uscc_field",
        "citizen_id_type_field",
        "citizen_id_field",
        "registration_number_field",
        "organization_code_field",
        "decided_on_field",
        "end_date_field",
    )

    def mapping_problems(self, fields: dict[str, tuple[str, str]]) -> list[str]:
        """What is wrong with the field mapping, given the type's fields as {code: (type, requirement)}: every
        name must be a field of the type, the decision date a required date (every record has one), the end
        date a date. Ingestion reads them as such: a decision or end date that is not a date failed every push
        of the type, a name of no field left its value out."""
        names = (*self.FIELD_MAPPINGS, "record_id_fields")
        label = {name: str(self._meta.get_field(name).verbose_name) for name in names}
        problems = []
        for name in self.FIELD_MAPPINGS:
            code = getattr(self, name)
            if name == "decided_on_field":
                if fields.get(code) != (FieldType.DATE, FieldRequirement.ALWAYS):
                    problems.append(f"{label[name]}须为该类型的必填日期字段（现为“{code}”）。")
            elif name == "end_date_field":
                if code and (code not in fields or fields[code][0] != FieldType.DATE):
                    problems.append(f"{label[name]}须为该类型的日期字段（现为“{code}”）。")
            elif code and code not in fields:
                problems.append(f"{label[name]}“{code}”不是该类型的字段。")
        for code in self.record_id_fields or []:
            if code not in fields:
                problems.append(f"{label['record_id_fields']}“{code}”不是该类型的字段。")
        return problems


class RecordField(models.Model):
    """One data item of a record type, named by its national field code (e.g. ``CF_WSH`` 行政处罚决定书文号).

    Where the public sees it is data too: its column in the 双公示 list, its place on the subject page and in
    the credit report, its column in the open-data files (empty: not shown there). Every value shown goes
    through the masking of ``disclosure.rules.public_record_data``; an identity document number is never
    shown record by record (``clean``).
    """

    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="fields")
    code = models.CharField("字段代码", max_length=32)
    label = models.CharField("字段名称", max_length=64)
    type = models.CharField("类型", max_length=16, choices=FieldType.choices)
    requirement = models.CharField("必填", max_length=16, choices=FieldRequirement.choices)
    enum_values = models.JSONField("可选值", default=list, blank=True)
    multiple = models.BooleanField("可多选", default=False, help_text="多个值以分号分隔")
    max_length = models.PositiveSmallIntegerField("最大长度", null=True, blank=True)
    identifier_scheme = models.CharField("代码类型", max_length=32, blank=True)
    help_text = models.CharField("填写说明", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    public_label = models.CharField(
        "公开名称",
        max_length=64,
        blank=True,
        help_text="在双公示列表、主体页和信用报告中显示的名称，留空为字段名称；相邻且同名的字段合为一项"
        "（两个日期显示为“起 至 止”）",
    )
    public_default = models.CharField("未填报时显示", max_length=64, blank=True, help_text="如信用承诺的“履约中”")
    list_column = models.PositiveSmallIntegerField(
        "双公示列表列序", null=True, blank=True, help_text="在行政相对人、文书号之后第几列；留空不显示"
    )
    subject_page_order = models.PositiveSmallIntegerField(
        "主体页顺序", null=True, blank=True, help_text="在信用主体页面的显示顺序；留空不显示"
    )
    report_order = models.PositiveSmallIntegerField(
        "信用报告顺序", null=True, blank=True, help_text="在信用报告中的显示顺序；留空不显示"
    )
    open_data_column = models.PositiveSmallIntegerField(
        "开放数据列序", null=True, blank=True, help_text="在开放数据文件中名称、代码之后第几列；留空不导出"
    )

    class Meta:
        verbose_name = "字段"
        verbose_name_plural = "字段"
        ordering = ["record_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "code"],
                name="record_field_unique_code",
                violation_error_message="同一类型下字段代码不能重复。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    DISPLAY_FIELDS = ("list_column", "subject_page_order", "report_order", "open_data_column")

    @property
    def is_document_number(self) -> bool:
        """Whether the field holds an identity document number (the type's, or any ``*_ZJHM``)."""
        if self.code.endswith(DOCUMENT_NUMBER_SUFFIX):
            return True
        try:
            return self.code == self.record_type.citizen_id_field
        except RecordType.DoesNotExist:  # a new row of a type not saved yet
            return False

    def clean(self) -> None:
        shown = [name for name in self.DISPLAY_FIELDS if getattr(self, name) is not None]
        if shown and self.code and self.is_document_number:
            message = (
                "证件号码不在双公示列表、主体页、信用报告和开放数据中逐条公开：自然人只以遮蔽后的证件号码出现在"
                "主体基本信息中。"
            )
            raise ValidationError({name: message for name in shown})


class SeverityRule(models.Model):
    """Derives a negative record's severity from a field value (e.g. 处罚类别 吊销许可证件 → 严重).

    When several rules match, the gravest severity wins; a severity given by the department overrides all.
    """

    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="severity_rules")
    field_code = models.CharField("字段代码", max_length=32)
    value = models.CharField("取值", max_length=64)
    severity = models.CharField("失信程度", max_length=16, choices=Severity.choices)
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "失信程度规则"
        verbose_name_plural = "失信程度规则"
        ordering = ["record_type", "field_code", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "field_code", "value"],
                name="severity_rule_unique",
                violation_error_message="该字段取值已有规则。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_code}={self.value} → {self.get_severity_display()}"


class DisclosureRegime(models.Model):
    """A set of national rules for how long penalties are published, by the date of the decision.

    The regime is data, not code: NDRC Order No. 36 of 2025 (《信用修复管理办法》, from 2026-04-01), Order
    No. 58 of 2023, and the 2019 rules each govern the records decided while they were in force.
    """

    code = models.SlugField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    basis = models.CharField("依据", max_length=200)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("废止日期", null=True, blank=True)

    class Meta:
        verbose_name = "公示期规则"
        verbose_name_plural = "公示期规则"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="disclosure_regime_dates_in_order",
                violation_error_message="废止日期不能早于施行日期。",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """No day between two regimes may be left without one: a penalty decided on it would never be published.
        Regimes may overlap (the later one governs), so a switch is moved in two saves without a gap: first the
        regime that starts earlier or ends later, then the other."""
        if self.effective_from is None or (self.effective_to is not None and self.effective_to < self.effective_from):
            return  # the constraint's message
        others = DisclosureRegime.objects.exclude(pk=self.pk).values_list("effective_from", "effective_to")
        gap = regimes_gap([*others, (self.effective_from, self.effective_to)])
        if gap is not None:
            raise ValidationError(
                f"{gap[0].isoformat()}至{gap[1].isoformat()}作出的处罚决定没有适用的公示期规则，将不予公示。"
                "请先调整相邻规则的施行或废止日期（规则可以重叠，重叠期间适用施行日期在后的规则）。"
            )


class RegimePeriod(models.Model):
    """The publication period of one severity under one regime, in months from the decision date."""

    regime = models.ForeignKey(DisclosureRegime, on_delete=models.PROTECT, related_name="periods")
    severity = models.CharField("失信程度", max_length=16, choices=Severity.choices)
    published = models.BooleanField("是否公示", default=True)
    min_months = models.PositiveSmallIntegerField("最短公示期（月）", default=0)
    max_months = models.PositiveSmallIntegerField("最长公示期（月）")

    class Meta:
        verbose_name = "公示期"
        verbose_name_plural = "公示期"
        ordering = ["regime", "severity"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "severity"], name="regime_period_unique", violation_error_message="该程度已有公示期。"
            ),
            models.CheckConstraint(
                condition=Q(min_months__lte=models.F("max_months")),
                name="regime_period_min_le_max",
                violation_error_message="最短公示期不能长于最长公示期。",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(max_months__gte=1),
                name="regime_period_published_for_a_month",
                violation_error_message="公示的失信程度最长公示期至少为1个月（不公示的请取消“是否公示”）。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime} {self.get_severity_display()}"


class CreditRecord(models.Model):
    """One fact about one subject from one department, identified by (department, type, department's own id)."""

    # A table of tens of millions of rows written in bulk: the composite indexes in Meta serve the lookups by
    # subject, type and department, so the foreign keys carry no index of their own.
    subject = models.ForeignKey(
        CreditSubject,
        verbose_name="信用主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
    )
    record_type = models.ForeignKey(
        RecordType, verbose_name="类型", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    department = models.ForeignKey(
        Department, verbose_name="报送部门", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    source_id = models.CharField("部门记录编号", max_length=200)
    status = models.CharField("状态", max_length=16, choices=RecordStatus.choices)
    severity = models.CharField("失信程度", max_length=16, choices=Severity.choices, blank=True)
    severity_source = models.CharField(
        "失信程度来源", max_length=16, choices=SeveritySource.choices, blank=True, default="", db_default=""
    )
    # Room for the longest citation of a severity rule: its field code (32), value (64) and note (200) with the
    # words around them (``records.rules.severity_decision``).
    severity_basis = models.CharField("失信程度依据", max_length=320, blank=True, default="", db_default="")
    decided_on = models.DateField("决定日期")
    # The subject's division (GB/T 2260), copied when the record gets its subject: the 双公示 region filter
    # then stays on the records' own indexes (``record_public_county_date_idx``, ``record_public_city_date_idx``)
    # instead of reaching the division through a join, which walked the whole type for a small county (issue
    # 12). A subject's division follows from its code and never changes.
    division_code = models.CharField("主体区划代码", max_length=6, blank=True, default="", db_default="")
    publishable = models.BooleanField("应公示", default=True)
    disclosure_start = models.DateField("公示起始日", null=True, blank=True)
    disclosure_end = models.DateField("公示截止日", null=True, blank=True)
    repair_eligible_on = models.DateField("可申请修复日", null=True, blank=True)
    regime = models.CharField("公示期规则", max_length=32, blank=True)
    publication_basis = models.CharField("公示依据", max_length=300, blank=True, default="", db_default="")
    data = models.JSONField("数据")
    data_hash = models.CharField("数据摘要", max_length=64)
    version = models.PositiveIntegerField("版本", default=1)
    channel = models.CharField("报送渠道", max_length=16, choices=Channel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    submitted_by_token = models.ForeignKey(
        "organisations.ApiToken",
        verbose_name="接口令牌",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=500, blank=True)
    objection = models.CharField("异议状态", max_length=16, choices=ObjectionState.choices, default=ObjectionState.NONE)
    # The upload that last wrote the entry, for the reviewer's decision on a whole batch (records.bulk_review).
    batch = models.ForeignKey(
        "IngestBatch",
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "record_type", "source_id"],
                name="record_unique_per_department",
                violation_error_message="该部门已报送过相同编号的同类记录。",
            ),
            models.CheckConstraint(
                # A record revoked while still unmatched (mis-sent: the department withdraws it) never had a
                # subject; it stays without one.
                condition=Q(subject__isnull=False)
                | Q(status__in=[RecordStatus.UNMATCHED, RecordStatus.REJECTED, RecordStatus.REVOKED]),
                name="record_subject_unless_unmatched",
                violation_error_message="除待匹配、已退回或已撤销的记录外，记录必须关联信用主体。",
            ),
        ]
        indexes = [
            # A subject's records by status; with type and severity in the key, the evaluation's read of
            # the records that can feed a list (sanctions.selectors.record_facts) is decided in the index
            # and visits only those rows: 7 ms instead of 22–27 ms for 1,000 subjects (bench/sanctions.py).
            models.Index(fields=["subject", "status", "record_type", "severity"], name="record_subject_facts_idx"),
            # The admin's and the workbench's lists of one type (any status), newest first by id; the
            # public lists by date have their own partial indexes below.
            models.Index(fields=["record_type", "id"], name="record_type_recent_idx"),
            # The rare states (pending review, unmatched, rejected, revoked...) for the review and matching
            # queues and the admin's status filter; active rows, most of the table, need no index.
            models.Index(
                fields=["status", "id"], name="record_status_recent_idx", condition=~Q(status=RecordStatus.ACTIVE)
            ),
            models.Index(fields=["received_at"], name="record_received_at_idx"),
            # A batch's entries waiting for review (bulk review by batch): small, since entries leave it when
            # they are decided.
            models.Index(
                fields=["batch", "id"],
                name="record_batch_pending_idx",
                condition=Q(status=RecordStatus.PENDING_REVIEW, batch__isnull=False),
            ),
            # The 双公示 pages (disclosure.views.shuanggongshi): one type, newest first, paged by the key
            # (decided_on, id) (issue 12). Partial on the stable part of the public predicate (active and
            # publishable: disclosure.selectors.public_record_q); the rest (disclosure window, JSON keys,
            # objection) is checked on the rows the index hands over, about one per row shown.
            models.Index(
                fields=["record_type", "-decided_on", "-id"],
                name="record_public_type_date_idx",
                condition=Q(status=RecordStatus.ACTIVE, publishable=True),
            ),
            # The same list filtered by department: a small department would otherwise be found by walking
            # the whole type.
            models.Index(
                fields=["record_type", "department", "-decided_on", "-id"],
                name="record_public_dept_date_idx",
                condition=Q(status=RecordStatus.ACTIVE, publishable=True),
            ),
            # The same list filtered by county (the subject's division, exact) or by city (its first four digits).
            models.Index(
                fields=["record_type", "division_code", "-decided_on", "-id"],
                name="record_public_county_date_idx",
                condition=Q(status=RecordStatus.ACTIVE, publishable=True),
            ),
            models.Index(
                F("record_type"),
                Left("division_code", 4),
                F("decided_on").desc(),
                F("id").desc(),
                name="record_public_city_date_idx",
                condition=Q(status=RecordStatus.ACTIVE, publishable=True),
            ),
            # The department's record number, exact or by prefix (admin search, 双公示 keyword): the unique
            # constraint's index starts with the department, so it cannot serve a search across departments.
            # varchar_pattern_ops lets LIKE 'prefix%' use it under any collation (PostgreSQL only).
            models.Index(fields=["source_id"], name="record_source_id_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.record_type.name} {self.source_id}"

    @property
    def reported_subject_name(self) -> str:
        """The subject's name as the department reported it (for records still waiting to be matched)."""
        return self.data.get(self.record_type.subject_name_field, "")


class RecordVersion(models.Model):
    """An append-only snapshot of a record after each change: who, when, why, and the data."""

    # The site's database role may only read and append (audit.db_roles): "nothing is lost" (DESIGN §4).
    APPEND_ONLY = True

    # The unique (record, version) index serves lookups by record.
    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="versions", db_index=False)
    version = models.PositiveIntegerField("版本")
    change = models.CharField("变更", max_length=16, choices=RecordChange.choices)
    status = models.CharField("状态", max_length=16, choices=RecordStatus.choices)
    severity = models.CharField("失信程度", max_length=16, choices=Severity.choices, blank=True)
    data = models.JSONField("数据")
    reason = models.CharField("原因", max_length=500, blank=True)
    actor_label = models.CharField("操作者", max_length=150)
    changed_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "记录版本"
        verbose_name_plural = "记录版本"
        ordering = ["record", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "version"], name="record_version_unique", violation_error_message="版本号重复。"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class IngestBatch(models.Model):
    """A file of records (API batch or workbench upload), processed by a Celery task in resumable chunks.

    It always ends ``done`` or ``failed`` with a message (``validated`` waits for the clerk, at most
    ``BATCH_IMPORT_DAYS``); its file is deleted when it ends."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="batches")
    record_type = models.ForeignKey(RecordType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    file = models.FileField("文件", upload_to="batches/%Y/%m/")
    file_name = models.CharField("原文件名", max_length=255)
    file_format = models.CharField("格式", max_length=8)
    state = models.CharField("状态", max_length=16, choices=BatchState.choices, default=BatchState.QUEUED)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    valid_rows = models.PositiveIntegerField("有效行数", default=0)
    counts = models.JSONField("结果统计", default=dict)
    message = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_token = models.ForeignKey(
        "organisations.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the watchdog queued the batch again after it stalled; a second stall fails it.
    redriven_at = models.DateTimeField("重新排队时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "批量导入"
        verbose_name_plural = "批量导入"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_state_display()}）"


class BatchRowError(models.Model):
    """The errors of one row of a batch, keyed by field code, for the per-row error report."""

    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="row_errors")
    row_number = models.PositiveIntegerField("行号")
    errors = models.JSONField("错误")
    data = models.JSONField("原始数据（证件号已脱敏）", default=dict)

    class Meta:
        verbose_name = "导入错误"
        verbose_name_plural = "导入错误"
        ordering = ["batch", "row_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="batch_row_error_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id} 第{self.row_number}行"


class IngestStat(models.Model):
    """Per department, type and day: what arrived and what came of it (the base of data-quality figures)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    received = models.PositiveIntegerField("接收", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    rejected = models.PositiveIntegerField("拒收", default=0)
    rejected_by_reason = models.JSONField("拒收原因", default=dict)

    class Meta:
        verbose_name = "报送统计"
        verbose_name_plural = "报送统计"
        ordering = ["-day", "department", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["department", "record_type", "day"], name="ingest_stat_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}/{self.record_type_id}"


class QualityReport(models.Model):
    """Data-quality figures of one department and type over a period, recomputed nightly and on demand."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("统计起始日")
    period_end = models.DateField("统计截止日")
    received = models.PositiveIntegerField("接收", default=0)
    accepted = models.PositiveIntegerField("入库", default=0)
    rejected = models.PositiveIntegerField("拒收", default=0)
    rejected_by_reason = models.JSONField("拒收原因", default=dict)
    timely = models.PositiveIntegerField("按时报送", default=0)
    timeliness_base = models.PositiveIntegerField("应按时报送", default=0)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "数据质量"
        verbose_name_plural = "数据质量"
        ordering = ["department", "record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "record_type", "period_start", "period_end"], name="quality_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.record_type_id} {self.period_start}–{self.period_end}"

    @property
    def timeliness_rate(self) -> float | None:
        return self.timely / self.timeliness_base if self.timeliness_base else None


class CalendarDay(models.Model):
    """A holiday or a make-up workday, overriding the built-in calendar (for years it does not cover yet)."""

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField("名称", max_length=32, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class Redecision(models.Model):
    """One recomputation of the stored publication decisions after a policy change (``records_redecide``).

    Created by the admin when a regime, a period, a severity rule or a record type's period changes (or by the
    ``records_redecide`` command); the task works through the records concerned in id order from ``last_id``,
    so a run stopped by a worker restart goes on where it stopped. The credit centre follows its progress here.
    """

    record_types = models.JSONField("记录类型", default=list, blank=True, help_text="为空表示全部类型")
    reason = models.CharField("原因", max_length=300)
    requested_by = models.CharField("发起人", max_length=150)
    reevaluate_all = models.BooleanField(
        "重新评估全部主体", default=False, help_text="名单规则变更：即使记录的公示决定不变，也重新评估其主体的名单"
    )
    state = models.CharField("状态", max_length=16, choices=RedecideState.choices, default=RedecideState.QUEUED)
    total = models.PositiveIntegerField("涉及记录", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    changed = models.PositiveIntegerField("决定有变化", default=0)
    last_id = models.BigIntegerField("已处理至记录ID", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示决定重算"
        verbose_name_plural = "公示决定重算"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.reason}"

    @property
    def progress(self) -> str:
        return f"{self.processed}/{self.total}" if self.total else "—"


class BulkReview(models.Model):
    """A reviewer's decision on many entries at once — a whole upload, or a filtered selection of the review
    queue — carried out by a task in chunks (``records.bulk_review``), each entry decided, versioned and audited
    like a single review. The selection is fixed when asked for (``max_id``: entries that arrive later are not
    in it); the reviewer's own entries are skipped and reported (four eyes, seed 004 九(一))."""

    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.JSONField("操作者", default=dict)
    decision = models.CharField("审核结论", max_length=16, choices=BulkDecision.choices)
    note = models.CharField("审核意见", max_length=500, blank=True)
    batch = models.ForeignKey(
        IngestBatch, verbose_name="导入批次", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    description = models.CharField("范围", max_length=300)
    max_id = models.BigIntegerField("截至记录ID")
    state = models.CharField("状态", max_length=16, choices=BulkReviewState.choices, default=BulkReviewState.QUEUED)
    total = models.PositiveIntegerField("涉及记录", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    decided = models.PositiveIntegerField("已审核", default=0)
    skipped_own = models.PositiveIntegerField("本人填报跳过", default=0)
    skipped_changed = models.PositiveIntegerField("状态已变跳过", default=0)
    skipped_ids = models.JSONField("跳过的本人填报记录（前200条）", default=list, blank=True)
    last_id = models.BigIntegerField("已处理至记录ID", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量审核"
        verbose_name_plural = "批量审核"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_decision_display()} {self.description}"


class ReviewNotice(models.Model):
    """When a department's reviewers were last notified that entries wait for them (``records.notifications``; the
    e-mail follows through the outbox): a notice goes out only for entries submitted since, at most once in
    ``REVIEW_NOTICE_MINUTES``."""

    department = models.OneToOneField(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    pending = models.PositiveIntegerField("通知时待审核数", default=0)
    sent_at = models.DateTimeField("通知时间")

    class Meta:
        verbose_name = "待审核通知"
        verbose_name_plural = "待审核通知"
        ordering = ["department"]

    def __str__(self) -> str:
        return f"{self.department_id} {self.sent_at:%Y-%m-%d %H:%M}"
