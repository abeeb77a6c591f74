"""Pages of subject accounts (register, confirm, sign in, my account, act for another subject) and the credit
centre's verification queue (grants and their proofs, suspending accounts and grants)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET

from core.errors import DomainError, form_add_error
from core.paging import CappedCountPaginator
from organisations.access import request_actor, staff_required
from organisations.choices import StaffRoleName as Role

from .access import account_required
from .choices import GrantState
from .forms import AccountLoginForm, DecisionForm, PasswordResetRequestForm, RegisterForm, SubjectClaimForm
from .models import AccountGrant, GrantProof, SubjectAccount
from .selectors import account_grants, account_of, grants_queue
from .services import (
    SubjectAccountError,
    account_email_confirm,
    account_restore,
    account_suspend,
    grant_refuse,
    grant_request,
    grant_restore,
    grant_suspend,
    grant_verify,
    password_reset_done,
    password_reset_request,
    proof_read_record,
    registration_submit,
    required_proofs,
    subject_for_claim,
)


def register(request):
    """A company, organisation or person registers, naming the subject it acts for with its proofs; the
    account is usable once its e-mail is confirmed, and acts for the subject once the credit centre has checked
    the proofs."""
    form = RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration_submit(
                **{key: data[key] for key in ("kind", "email", "password", "display_name", "code", "name", "role")},
                mobile=data.get("mobile") or "",
                proofs=form.proofs(),
                actor=request_actor(request),
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            form_add_error(form, error)
        else:
            return render(
                request,
                "accounts/registered.html",
                {"email": data["email"].strip().lower(), "confirm_days": settings.ACCOUNT_CONFIRM_DAYS},
            )
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def confirm(request, token: str):
    try:
        account_email_confirm(token=token, actor=request_actor(request))
    except SubjectAccountError as error:
        return render(request, "errors/400.html", {"message": error.message}, status=400)
    messages.success(request, "电子邮箱已确认，请登录。")
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = AccountLoginForm
    redirect_authenticated_user = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_failed"] = self.request.GET.get("oidc") == "failed"
        return context

    def get_default_redirect_url(self):
        return "/account/"


def password_reset(request):
    """Ask for a reset link: the page says the same whether the address is registered or not."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(
            email=form.cleaned_data["email"], actor=request_actor(request), base_url=request.build_absolute_uri("/")
        )
        return render(request, "accounts/password_reset.html", {"sent": True})
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the reset mail sets a new password of an active subject account only (a staff user's link
    is the staff site's)."""

    template_name = "registration/password_reset_confirm.html"  # the staff reset's page, its link back here
    extra_context = {"reset_again_url": reverse_lazy("accounts:password-reset")}

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and account_of(user) is not None else None

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_done(account=account_of(self.user), actor=request_actor(self.request))
        messages.success(self.request, "密码已重置，请使用新密码登录。")
        return response

    def get_success_url(self):
        return reverse("accounts:login")


@account_required
def home(request):
    account = request.account
    return render(request, "accounts/home.html", {"account": account, "grants": account_grants(account)})


@account_required
def grant_add(request):
    """Act for one more subject (an agent for several companies; a company's second account)."""
    form = SubjectClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = request.account.kind
        try:
            with transaction.atomic():
                subject = subject_for_claim(kind=kind, code=data["code"], name=data["name"])
                grant_request(
                    account=request.account,
                    subject=subject,
                    role=data["role"],
                    proofs=form.proofs(),
                    actor=request_actor(request),
                )
        except DomainError as error:
            form_add_error(form, error)
        else:
            messages.success(request, "申请已提交，信用中心核验材料后即可代表该主体办理业务。")
            return redirect("accounts:home")
    return render(request, "accounts/grant_add.html", {"form": form})


# The credit centre ------------------------------------------------------------------------------------------


@staff_required(Role.CREDIT_ADMIN)
def grant_list(request):
    state = request.GET.get("state", GrantState.PENDING)
    grants = grants_queue(state if state in GrantState.values else "")
    page = CappedCountPaginator(grants, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/grant_list.html", {"page": page, "state": state, "states": GrantState.choices})


GRANT_ACTIONS = {
    "verify": lambda grant, actor, note: grant_verify(grant=grant, actor=actor, note=note),
    "refuse": lambda grant, actor, note: grant_refuse(grant=grant, actor=actor, note=note),
    "suspend": lambda grant, actor, note: grant_suspend(grant=grant, actor=actor, reason=note),
    "restore": lambda grant, actor, note: grant_restore(grant=grant, actor=actor, reason=note),
}


@staff_required(Role.CREDIT_ADMIN)
def grant_detail(request, pk: int):
    grant = get_object_or_404(AccountGrant.objects.select_related("account", "subject"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        action = GRANT_ACTIONS.get(request.POST.get("action", ""))
        if action is None or not form.is_valid():
            messages.error(request, "请选择操作并填写意见。")
        else:
            try:
                action(grant, request_actor(request), form.cleaned_data["note"])
                messages.success(request, "已处理。")
            except DomainError as error:
                messages.error(request, error.message)
        return redirect("accounts:grant-detail", pk=pk)
    return render(
        request,
        "accounts/grant_detail.html",
        {
            "grant": grant,
            "proofs": grant.proofs.all(),
            "required": required_proofs(grant.subject, grant.role),
            "form": form,
        },
    )


@staff_required(Role.CREDIT_ADMIN)
def proof_download(request, pk: int, proof_pk: int):
    """A proof, to the credit centre only; every opening is in the audit trail. A purged proof has no file."""
    proof = get_object_or_404(GrantProof.objects.select_related("grant"), pk=proof_pk, grant_id=pk)
    if not proof.file or proof.purged_at is not None:
        raise Http404("该材料已超过保存期限并已删除。")
    proof_read_record(proof=proof, actor=request_actor(request))
    return FileResponse(
        proof.file.open("rb"), as_attachment=True, filename=proof.original_name, content_type=proof.content_type
    )


@staff_required(Role.CREDIT_ADMIN)
def account_list(request):
    """Accounts, newest first, or the one with the e-mail typed (an exact match: millions of accounts are
    never scanned with LIKE); counts capped like the admin's."""
    accounts = SubjectAccount.objects.order_by("-created_at", "-id")
    query = request.GET.get("q", "").strip().lower()
    if query:
        accounts = accounts.filter(email=query)
    page = CappedCountPaginator(accounts, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"page": page, "q": query})


@staff_required(Role.CREDIT_ADMIN)
def account_detail(request, pk: int):
    account = get_object_or_404(SubjectAccount, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        action = {"suspend": account_suspend, "restore": account_restore}.get(request.POST.get("action", ""))
        if action is None or not form.is_valid():
            messages.error(request, "请选择操作并填写原因。")
        else:
            try:
                action(account=account, actor=request_actor(request), reason=form.cleaned_data["note"])
                messages.success(request, "已处理。")
            except DomainError as error:
                messages.error(request, error.message)
        return redirect("accounts:account-detail", pk=pk)
    return render(
        request, "accounts/account_detail.html", {"account": account, "grants": account_grants(account), "form": form}
    )
