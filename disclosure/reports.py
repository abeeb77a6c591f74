"""Credit reports (信用报告): a PDF of everything public about a subject at a moment, verifiable by anyone.

A large subject's report is abridged (``selectors.public_report_body``): every section with its full count,
in full only its most recent and its serious/severe records, the rest counted with their dates and referenced
by the subject page, where they can be read; the PDF says so on its cover. The fingerprint still covers every
public record of the subject, so a correction of one that is not printed makes a new report too.

Each report has a number and an 8-character verification code; only a keyed hash of the code is kept.
``/reports/verify/`` shows issue time, subject and the PDF's SHA-256 to whoever has both, and lets them
download it again; a wrong code gets the same answer as an unknown number. A report of the same subject
with the same public content issued in the last hour is handed out again instead of generating a new one
(generation is the heaviest thing the public can ask for).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.services import Actor, audit_event_record
from evaluation.selectors import published_grades
from records.selectors import catalog_display_version
from sanctions.models import Check
from sanctions.selectors import check_results_shown
from subjects import identifiers as ids
from subjects.models import CreditSubject

from .addresses import subject_url
from .models import CreditReport
from .selectors import REPORT_RECENT, REPORT_SECTION_CAP, ReportBody, public_report_body

REUSE_WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class ReportVariant:
    """Who a report is for, which decides its title, its watermark and what it may print. The public report
    prints the public record; the subject's own (本主体查询, issued to an account acting for it) prints
    everything on record, carries a watermark on every page, and is verified the same way but never handed out
    again by the verification page (only the account that issued it has it)."""

    key: str
    title: str
    watermark: str
    scope_note: str
    downloadable_on_verify: bool


PUBLIC_REPORT = ReportVariant(
    key="public",
    title="公共信用信息报告",
    watermark="",
    scope_note="反映出具时点的公示信息，不含已撤销、已修复或超过公示期限的信息",
    downloadable_on_verify=True,
)
SELF_REPORT = ReportVariant(
    key="self",
    title="信用信息自查报告（本主体查询）",
    watermark="本主体查询 · 仅供本主体使用",
    scope_note="应本主体申请出具，包含未公开、超过公示期限、已修复和已撤销的信息及全部名单记录，仅供本主体使用，"
    "不得作为公共信用信息报告向第三方出示",
    downloadable_on_verify=False,
)
CHECK_CERTIFICATE = ReportVariant(
    key="check",
    title="联合奖惩核查结果单",
    watermark="",
    scope_note="反映核查时点的名单、信用状态和本部门在该业务场景下应实施的奖惩措施，供核查部门留存备查",
    # It names a department's business and what it found about several subjects: it is shown to whoever holds
    # it, and verified by its fingerprint, not handed out again.
    downloadable_on_verify=False,
)
VARIANTS = {variant.key: variant for variant in (PUBLIC_REPORT, SELF_REPORT, CHECK_CERTIFICATE)}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def code_digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.strip().upper().encode(), hashlib.sha256).hexdigest()


def _fingerprint(
    subject: CreditSubject, body: ReportBody, status: str, variant: ReportVariant, grades: list = ()
) -> str:
    content = {
        "variant": variant.key,
        # Every fact the report prints: a credit-centre correction of any of them makes a new report at once;
        # and, through the digest, every public record of the subject, printed or not (``ReportBody``).
        "subject": [
            subject.pk,
            subject.name,
            subject.public_code,
            subject.registration_status,
            subject.legal_representative,
            str(subject.established_on),
        ],
        "status": status,
        "display": catalog_display_version(),  # what of each record is printed: catalog data
        "grades": [grade.as_json() for grade in grades],
        "sections": [
            [s.key, [[r.pk, r.version] for r in s.records], [[m.pk, str(m.planned_end)] for m in s.memberships]]
            for s in body.sections
        ],
        "digest": body.digest,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def pdf_render(template: str, context: dict) -> bytes:
    """A PDF of ``template`` (WeasyPrint, the report's Chinese fonts): credit reports, and the documents of the
    apps above (special-query results) in the same hand."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_issue(
    *,
    subject: CreditSubject,
    status: str,
    actor: Actor,
    base_url: str,
    variant: ReportVariant = PUBLIC_REPORT,
    body: ReportBody | None = None,
) -> tuple[CreditReport, str | None]:
    """Issue a report, or hand out the one issued for the same content (and variant) within the hour.

    ``body`` is the public record unless given (the subject's own report passes its full record). Returns the
    report and, for a new one, its verification code (shown on the PDF, never stored in clear).
    """
    now = timezone.now()
    body = body if body is not None else public_report_body(subject)
    grades = published_grades([subject.pk]).get(subject.pk, [])
    fingerprint = _fingerprint(subject, body, status, variant, grades)
    recent = (
        CreditReport.objects.filter(
            subject=subject, variant=variant.key, content_fingerprint=fingerprint, issued_at__gte=now - REUSE_WINDOW
        )
        .order_by("-issued_at")
        .first()
    )
    if recent is not None and recent.file.storage.exists(recent.file.name):
        return recent, None  # a file lost from storage (a restored database, a wiped volume) is issued anew
    number, code = _new_number_and_code(now)
    verify_url = base_url.rstrip("/") + reverse("disclosure:report-verify") + f"?number={number}"
    pdf = pdf_render(
        "disclosure/report.html",
        {
            "variant": variant,
            "subject": subject,
            # A person's name is masked on every report, the person's own too: it may be shown to others.
            "display_name": ids.mask_person_name(subject.name) if subject.is_natural_person else subject.name,
            "status": status,
            "grades": grades,
            "sections": body.sections,
            "omitted": body.omitted,
            "printed": sum(s.count for s in body.sections) - body.omitted,
            "subject_page": base_url.rstrip("/") + subject_url(subject),
            "recent": REPORT_RECENT,
            "cap": REPORT_SECTION_CAP,
            "number": number,
            "code": code,
            "issued_at": now,
            "verify_url": verify_url,
            "qr": _qr_svg(verify_url),
            "platform": settings.PLATFORM_NAME,
            "owner": settings.PLATFORM_OWNER,
        },
    )
    with transaction.atomic():
        report = CreditReport(
            number=number,
            variant=variant.key,
            subject=subject,
            code_hash=code_digest(code),
            content_fingerprint=fingerprint,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            issued_at=now,
        )
        report.file.save(f"{number}.pdf", ContentFile(pdf), save=False)
        report.save()
        audit_event_record(
            actor=actor,
            action="report.issue",
            obj=report,
            after={"subject": subject.pk, "sha256": report.pdf_sha256, "variant": variant.key},
        )
    return report, code


def _new_number_and_code(now) -> tuple[str, str]:
    number = f"XY{timezone.localtime(now):%Y%m%d}{secrets.randbelow(10**10):010d}"
    return number, "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def check_certificate_issue(*, check: Check, actor: Actor, base_url: str) -> CreditReport:
    """The 联合奖惩核查结果单 of a check: a PDF of its kept answer, numbered and verified like a credit report
    (``/reports/verify/``). A check has one certificate, issued at its first download; later downloads hand
    out the same file (its verification code is printed in it and kept nowhere in clear)."""
    with transaction.atomic():
        # The check row is locked so that two first downloads at once issue one certificate, not two.
        Check.objects.select_for_update().filter(pk=check.pk).first()
        issued = CreditReport.objects.filter(check_ref=check).first()
        if issued is not None and issued.file.storage.exists(issued.file.name):
            return issued
        now = timezone.now()
        number, code = _new_number_and_code(now)
        verify_url = base_url.rstrip("/") + reverse("disclosure:report-verify") + f"?number={number}"
        pdf = pdf_render(
            "disclosure/check_certificate.html",
            {
                "variant": CHECK_CERTIFICATE,
                "check": check,
                "results": check_results_shown(check),
                "number": number,
                "code": code,
                "issued_at": now,
                "verify_url": verify_url,
                "qr": _qr_svg(verify_url),
                "platform": settings.PLATFORM_NAME,
                "owner": settings.PLATFORM_OWNER,
            },
        )
        fields = {
            "number": number,
            "code_hash": code_digest(code),
            "content_fingerprint": hashlib.sha256(json.dumps(check.results, sort_keys=True).encode()).hexdigest(),
            "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
            "size": len(pdf),
            "issued_at": now,
        }
        if issued is not None:  # its file was lost from storage (a restored database): issued anew, same row
            for name, value in fields.items():
                setattr(issued, name, value)
            certificate = issued
        else:
            certificate = CreditReport(variant=CHECK_CERTIFICATE.key, check_ref=check, **fields)
        certificate.file.save(f"{number}.pdf", ContentFile(pdf), save=False)
        certificate.full_clean(exclude=["file"])
        certificate.save()
        audit_event_record(
            actor=actor,
            action="report.issue",
            obj=certificate,
            after={"check": check.pk, "sha256": certificate.pdf_sha256, "variant": CHECK_CERTIFICATE.key},
        )
    return certificate


def report_verify(number: str, code: str) -> CreditReport | None:
    """The report with this number and code, or None — the same None for an unknown number and a wrong code."""
    report = (
        CreditReport.objects.select_related("subject", "check_ref__department")
        .filter(number=number.strip().upper())
        .first()
    )
    expected = report.code_hash if report else code_digest("never-a-valid-code")
    matches = hmac.compare_digest(expected, code_digest(code))
    return report if report is not None and matches else None
