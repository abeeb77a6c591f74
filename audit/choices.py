from django.db import models


class ActorType(models.TextChoices):
    USER = "user", "用户"
    TOKEN = "token", "接口令牌"
    SYSTEM = "system", "系统"
    PUBLIC = "public", "公众"
