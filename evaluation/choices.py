from django.db import models


class ModelKind(models.TextChoices):
    """ "通用+专业" (seed 002 item 51): the credit centre's general model, and the professional models of the
    industry regulators, which may read the general score."""

    GENERAL = "general", "通用模型（信用中心）"
    PROFESSIONAL = "professional", "专业模型（行业主管部门）"


class ModelPurpose(models.TextChoices):
    EVALUATION = "evaluation", "公共信用综合评价"
    RISK = "risk", "信用风险分类"


class VersionState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布（现行）"
    SUPERSEDED = "superseded", "已被新版本取代"


class RunKind(models.TextChoices):
    SCHEDULED = "scheduled", "定期全量评价"
    PUBLICATION = "publication", "模型发布后重新评价"
    MANUAL = "manual", "手动全量评价"


class RunState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "评价中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
