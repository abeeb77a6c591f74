"""The vocabulary of subject accounts: kinds, states, the roles in which an account acts for a subject, and
the proofs the credit centre checks."""

from django.db import models


class AccountKind(models.TextChoices):
    ORGANISATION = "organisation", "企业/组织用户"
    PERSON = "person", "个人用户"


class AccountState(models.TextChoices):
    PENDING = "pending", "待确认邮箱"
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "已暂停"


class GrantRole(models.TextChoices):
    """In which capacity an account acts for a subject."""

    LEGAL_REPRESENTATIVE = "legal_rep", "法定代表人"
    AGENT = "agent", "经办人（代理人）"
    SELF = "self", "本人"


class GrantState(models.TextChoices):
    PENDING = "pending", "待核验"
    VERIFIED = "verified", "已核验"
    REFUSED = "refused", "未通过核验"
    SUSPENDED = "suspended", "已暂停"
    LAPSED = "lapsed", "已失效"  # verified by an identity provider that no longer vouches for it


class VerifiedBy(models.TextChoices):
    CENTRE = "centre", "信用中心核验材料"
    IDENTITY_PROVIDER = "idp", "统一身份认证"


class ProofKind(models.TextChoices):
    LICENCE = "licence", "营业执照（登记证书）"
    LEGAL_REP_ID = "legal_rep_id", "法定代表人身份证"
    MANDATE = "mandate", "授权委托书"
    ID_CARD = "id_card", "本人身份证"
    AGENT_ID = "agent_id", "经办人身份证"


# The proofs the credit centre needs for each (subject kind, role): an organisation's licence and its legal
# representative's ID, plus a signed mandate and the agent's own ID when an agent acts (授权委托书); a person's
# own ID card, plus a mandate and the agent's ID for an agent.
REQUIRED_PROOFS = {
    ("organisation", GrantRole.LEGAL_REPRESENTATIVE): (ProofKind.LICENCE, ProofKind.LEGAL_REP_ID),
    ("organisation", GrantRole.AGENT): (ProofKind.LICENCE, ProofKind.LEGAL_REP_ID, ProofKind.MANDATE),
    ("person", GrantRole.SELF): (ProofKind.ID_CARD,),
    ("person", GrantRole.AGENT): (ProofKind.ID_CARD, ProofKind.MANDATE, ProofKind.AGENT_ID),
}
