"""Forms of subject accounts: registration (with the first subject and its proofs), another subject, login,
and the credit centre's decisions."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from core.forms import SafeTextForm

from .choices import AccountKind, GrantRole, ProofKind
from .models import SubjectAccount

PROOF_HELP = "PDF、JPG 或 PNG，不超过10MB；仅信用中心核验人员可见，核验后按规定期限删除"


class SubjectClaimForm(SafeTextForm):
    """Which subject the account acts for, in which role, and the proofs the credit centre checks."""

    code = forms.CharField(
        label="统一社会信用代码或身份证号",
        max_length=20,
        help_text="企业/组织填写统一社会信用代码；个人填写本人（或被代理人）的身份证号，平台只保存其加密摘要",
    )
    name = forms.CharField(label="主体名称或姓名（按登记名称填写）", max_length=200)
    role = forms.ChoiceField(label="您的身份", choices=GrantRole.choices, widget=forms.RadioSelect)
    licence = forms.FileField(label=ProofKind.LICENCE.label, required=False, help_text=PROOF_HELP)
    legal_rep_id = forms.FileField(label=ProofKind.LEGAL_REP_ID.label, required=False)
    mandate = forms.FileField(label=ProofKind.MANDATE.label, required=False, help_text="经办人代为办理时提供")
    agent_id = forms.FileField(label=ProofKind.AGENT_ID.label, required=False, help_text="经办人代为办理时提供")
    id_card = forms.FileField(label=ProofKind.ID_CARD.label, required=False, help_text="个人用户提供")

    def proofs(self) -> dict:
        return {kind: self.cleaned_data.get(kind) for kind in ProofKind.values if self.cleaned_data.get(kind)}


class RegisterForm(SubjectClaimForm):
    kind = forms.ChoiceField(label="用户类型", choices=AccountKind.choices, widget=forms.RadioSelect)
    display_name = forms.CharField(label="账户名称（单位名称或姓名）", max_length=200)
    email = forms.EmailField(label="电子邮箱（用于登录和接收确认邮件）")
    mobile = forms.RegexField(
        label="手机号码",
        regex=r"^1\d{10}$",
        required=False,
        help_text="仅供信用中心联系，平台暂不发送短信验证码",
        error_messages={"invalid": "请输入11位手机号码。"},
    )
    password = forms.CharField(label="密码", widget=forms.PasswordInput, help_text="至少10个字符")
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput)

    field_order = ["kind", "display_name", "email", "mobile", "password", "password2", "code", "name", "role"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return cleaned


class AccountLoginForm(AuthenticationForm):
    """E-mail and password of a subject account (never a staff account: ``accounts.backends``)."""

    username = forms.EmailField(label="电子邮箱")
    error_messages = {
        "invalid_login": "电子邮箱或密码不正确，或账户尚未确认邮箱、已被暂停。多次输错将暂时锁定登录。",
        "inactive": "该账户已停用。",
    }

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password, account_login=True)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form of the staff site, for staff users only: a subject account resets its password on
    its own page (``accounts.views.password_reset``), whose mail is queued, not sent in the request."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not SubjectAccount.objects.filter(user=user).exists())


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label="注册时填写的电子邮箱")


class DecisionForm(SafeTextForm):
    note = forms.CharField(label="意见或原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
