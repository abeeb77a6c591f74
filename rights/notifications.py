"""E-mail to applicants and handlers at each step (console backend in development, SMTP in production). Sent
by the worker, without a request: links are made at the portal's public address (``core.links.site_url``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from core.links import site_url
from organisations.choices import StaffRoleName
from organisations.selectors import staff_emails

from .choices import ApplicationKind, ApplicationState, ComplaintState
from .models import Application, Complaint

SUBJECTS = {
    ApplicationState.SUBMITTED: "已收到您的{kind}申请",
    ApplicationState.REFUSED: "您的{kind}申请不予受理",
    ApplicationState.WITH_DEPARTMENT: "您的{kind}申请已受理",
    ApplicationState.DECIDED: "您的{kind}申请已有处理结果",
    ApplicationState.CLOSED: "您的{kind}申请已办结",
}


def application_notify(application: Application) -> int:
    """Tell the applicant where the case stands (with the public status page, where the receipt number and the
    query code show it), and the credit centre or the department when a case reaches it (with the case's
    workbench page)."""
    sent = 0
    kind = application.get_kind_display()
    facts = (
        f"受理编号：{application.receipt_number}\n状态：{application.get_state_display()}\n"
        f"答复时限：{application.answer_due:%Y-%m-%d}\n"
        + (
            f"处理结果：{application.get_outcome_display()}，{application.outcome_note}\n"
            if application.outcome
            else ""
        )
    )
    case_link = site_url(reverse("rights:case-detail", args=[application.pk]))
    if application.applicant_email:
        sent += send_mail(
            SUBJECTS[application.state].format(kind=kind),
            f"{facts}\n凭受理编号和查询码查询办理进度：\n{site_url(reverse('rights:application-status'))}\n\n"
            f"{settings.PLATFORM_NAME}",
            None,
            [application.applicant_email],
        )
    if application.state == ApplicationState.SUBMITTED and application.kind != ApplicationKind.COMMITMENT:
        # The credit centre accepts or refuses within its deadline: tell it a case is waiting.
        admins = staff_emails(roles=(StaffRoleName.CREDIT_ADMIN,))
        if admins:
            sent += send_mail(
                f"新的{kind}申请 {application.receipt_number} 待受理",
                f"受理时限：{application.accept_due:%Y-%m-%d}\n{facts}\n请登录工作台受理：\n{case_link}\n\n"
                f"{settings.PLATFORM_NAME}",
                None,
                admins,
            )
    if application.state == ApplicationState.WITH_DEPARTMENT:
        # The people who decide for the department (reviewers and department admins), not the clerks.
        handlers = staff_emails(
            roles=(StaffRoleName.REVIEWER, StaffRoleName.DEPT_ADMIN), department_id=application.department_id
        )
        if handlers:
            sent += send_mail(
                f"请办理{kind}申请 {application.receipt_number}",
                f"办理时限：{application.department_due:%Y-%m-%d}\n{facts}\n请登录工作台办理：\n{case_link}\n\n"
                f"{settings.PLATFORM_NAME}",
                None,
                handlers,
            )
    return sent


def complaint_notify(complaint: Complaint, *, state: str) -> int:
    """A filed complaint tells the credit-centre admins, who answer it; an answered one tells its account."""
    head = (
        f"投诉编号：{complaint.number}\n类别：{complaint.get_category_display()}\n"
        f"答复时限：{complaint.answer_due:%Y-%m-%d}\n"
    )
    if state == ComplaintState.SUBMITTED:
        admins = staff_emails(roles=(StaffRoleName.CREDIT_ADMIN,))
        if not admins:
            return 0
        link = site_url(reverse("rights:complaint-detail", args=[complaint.pk]))
        body = f"{head}\n请登录工作台答复：\n{link}\n\n{settings.PLATFORM_NAME}"
        return send_mail(f"新的投诉 {complaint.number} 待答复", body, None, admins)
    body = (
        f"{complaint.account.display_name}：\n\n{head}处理结果：{complaint.get_outcome_display()}\n"
        f"答复：{complaint.answer}\n\n登录“我的账户”查看详情：\n{site_url(reverse('rights:complaints'))}\n\n"
        f"{settings.PLATFORM_NAME}"
    )
    return send_mail(f"您的投诉 {complaint.number} 已答复", body, None, [complaint.account.email])


def overdue_escalate(overdue: list[Application]) -> int:
    """One message to the credit-centre admins listing every overdue case, each with its workbench page."""
    admins = staff_emails(roles=(StaffRoleName.CREDIT_ADMIN,))
    if not overdue or not admins:
        return 0
    lines = [
        f"{a.receipt_number} {a.get_kind_display()} {a.department.name} {a.get_state_display()}\n"
        f"{site_url(reverse('rights:case-detail', args=[a.pk]))}"
        for a in overdue
    ]
    return send_mail(
        f"有 {len(overdue)} 件异议、修复申请已超期",
        "\n\n".join(lines) + f"\n\n{settings.PLATFORM_NAME}",
        None,
        admins,
    )
