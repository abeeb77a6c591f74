"""Public pages: home, search, subject pages, 双公示, red and black lists, news, open data, error pages.

No login, read-only. Everything shown goes through ``disclosure.selectors`` (one definition of public).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import OperationalError, transaction
from django.db.models import Q
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import Actor
from core.db_budget import budgeted_stream, is_statement_timeout, statement_budget
from core.enqueue import enqueue
from evaluation.selectors import published_grades
from organisations.models import Department
from records.models import RecordType
from records.rules import PENALTY_KINDS_FIELD
from records.selectors import catalog_display
from sanctions.choices import Colour
from sanctions.selectors import bars, status_of
from subjects import identifiers as ids
from subjects.choices import SubjectKind
from subjects.models import CreditSubject
from subjects.selectors import (
    SearchFilters,
    SearchQueryError,
    division_path,
    region_choices,
    subject_get_by_code,
    subject_search,
)

from . import opendata as opendata_rows
from . import page_cache
from .addresses import person_pk, subject_url
from .models import Article, ArticleCategory, CreditReport, OpenDataFile, OpenDataScope
from .paging import MAX_SLICE_PAGE, BadCursor, PageOutOfRange, SeekPage, filters_scope
from .reports import VARIANTS, report_issue
from .reports import report_verify as report_verify_lookup
from .selectors import (
    HOME_COUNTS_KEY,
    TAB_KEYS,
    TABS,
    FilterError,
    division_prefix,
    home_counts_refresh,
    list_filter,
    parse_date_param,
    public_list_types,
    public_measures,
    public_memberships,
    public_profile_get,
    public_statistics,
    shown,
    shuanggongshi_filter,
)
from .tasks import home_counts_task
from .throttle import client_address, is_filtered, is_lookup, throttled

PAGE_SIZE = 20
PAGE_OUT_OF_RANGE = (
    f"页码超出范围（按页码最多{MAX_SLICE_PAGE}页）：请使用页面上的“下一页”继续浏览，或用筛选条件缩小范围。"
)


def _bad_cursor(request):
    return render(request, "errors/400.html", {"message": "翻页参数无效，请从第一页重新浏览。"}, status=400)


def _bad_filter(request, error: FilterError):
    return render(request, "errors/400.html", {"message": str(error)}, status=400)


def _home_counts() -> dict | None:
    """The totals, counted in the background (``home_counts_task``, every ten minutes): on millions of records
    the count takes seconds, past the page's statement budget. When the cache has none, one request (guarded
    across workers by ``cache.add``) tries to count within the budget, in a savepoint so that a cancelled count
    leaves the page's transaction usable, and otherwise asks the task; meanwhile the page shows dashes."""
    counts = cache.get(HOME_COUNTS_KEY)
    if counts is not None or not cache.add(f"{HOME_COUNTS_KEY}:trying", 1, timeout=600):
        return counts
    try:
        with transaction.atomic():
            counts = home_counts_refresh(timezone.localdate())
    except OperationalError as error:
        if not is_statement_timeout(error):
            raise
        transaction.on_commit(lambda: enqueue(home_counts_task))
        return None
    cache.delete(f"{HOME_COUNTS_KEY}:trying")
    return counts


@require_GET
@throttled("page")
@statement_budget
def home(request):
    context = {
        "counts": _home_counts(),
        "latest_red": public_memberships(Colour.RED).order_by("-started_on", "-pk")[:5],
        "latest_black": public_memberships(Colour.BLACK).order_by("-started_on", "-pk")[:5],
        "news": Article.objects.filter(is_published=True).order_by("-published_at")[:6],
    }
    return render(request, "disclosure/home.html", context)


# The search page's filters: subject kinds the public can find (natural persons are never found by name) and
# credit statuses (their badges; 正常 is every subject without one).
SEARCH_KINDS = [(value, label) for value, label in SubjectKind.choices if value != SubjectKind.NATURAL_PERSON]
SEARCH_STATUSES = [("black", "失信惩戒对象"), ("watch", "重点关注对象"), ("red", "守信激励对象"), ("normal", "正常")]


def _search_filters(params) -> tuple[SearchFilters, str, dict[str, str]]:
    """The filters of a search request: those of the subject (kind, region) and the status; unknown values
    are dropped (they come only from a hand-made address, and the selects show the ones that count)."""
    kind = params.get("kind", "")
    kind = kind if kind in dict(SEARCH_KINDS) else ""
    region = params.get("region", "").strip()
    region = division_prefix(region) if region.isascii() and region.isdigit() and len(region) == 6 else ""
    status = params.get("status", "")
    status = status if status in dict(SEARCH_STATUSES) else ""
    shown = {"kind": kind, "region": params.get("region", "") if region else "", "status": status}
    return SearchFilters(kind=kind, region=region), status, shown


@require_GET
@throttled("search")
@statement_budget
def search(request):
    query = request.GET.get("q", "").strip()
    filters, status, params = _search_filters(request.GET)
    context: dict = {
        "query": query,
        "params": params,
        "kinds": SEARCH_KINDS,
        "statuses": SEARCH_STATUSES,
        "regions": region_choices(),
        "cap": settings.SEARCH_RESULT_CAP,
    }
    if not query:
        return render(request, "disclosure/search.html", context)
    try:
        result = subject_search(query, filters)
    except SearchQueryError as error:
        context["error"] = str(error)
        return render(request, "disclosure/search.html", context, status=400)
    ranked = result.ranked_ids
    if status:
        # The status is the sanctions app's: it filters the ranked (capped) matches, one query for all of them.
        ranked = [pk for pk, value in status_of(ranked).items() if value == status]
    page = Paginator(ranked, settings.SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context["filter_query"] = "".join(f"&{key}={value}" for key, value in params.items() if value)
    if request.user.is_authenticated:
        return _search_page(request, context, result, page)
    # Frequent fragments come back page after page (a crawler, everyone typing 长春): the rendered page is kept
    # under the result it shows and the version tokens of its subjects (dropped when one of them changes).
    key = page_cache.search_page_key(
        query=f"{query}|{context['filter_query']}",
        number=page.number,
        count=len(ranked),
        capped=result.capped,
        subject_ids=list(page.object_list),
        today=timezone.localdate(),
    )
    content = cache.get(key)
    if content is None:
        content = _search_page(request, context, result, page).content
        cache.set(key, content, timeout=page_cache.timeout())
    return HttpResponse(content)


def _search_page(request, context: dict, result, page):
    subjects = result.subjects(page.object_list)
    statuses = status_of([s.pk for s in subjects])
    context.update(
        result=result,
        page=page,
        rows=[
            (subject, division_path(subject.division_code), statuses[subject.pk], result.matched_by.get(subject.pk))
            for subject in subjects
        ],
    )
    return render(request, "disclosure/search.html", context)


def _profile_response(request, subject: CreditSubject):
    tab = request.GET.get("tab", "xzcf")
    if tab not in TAB_KEYS:
        tab = "xzcf"
    # Staff pages carry their own header and CSRF token: never cached, never served from the cache. Pages after
    # the first are read by key each time (one index range of the subject's records).
    if request.user.is_authenticated or request.GET.get("cursor"):
        return _profile_page(request, subject, tab)
    key = page_cache.page_key(subject.pk, tab, timezone.localdate())
    content = cache.get(key)
    if content is None:
        content = _profile_page(request, subject, tab).content
        cache.set(key, content, timeout=page_cache.timeout())
    return HttpResponse(content)


def _profile_page(request, subject: CreditSubject, tab: str):
    try:
        profile = public_profile_get(subject, tab=tab, cursor=request.GET.get("cursor", ""))
    except BadCursor:
        return _bad_cursor(request)
    tabs = [(key, label, profile.counts[key]) for key, label in TABS]
    return render(
        request,
        "disclosure/subject_detail.html",
        {
            "profile": profile,
            "subject": subject,
            "grades": published_grades([subject.pk]).get(subject.pk, []),
            "display_name": ids.mask_person_name(subject.name) if subject.is_natural_person else subject.name,
            "region": division_path(subject.division_code),
            "tabs": tabs,
            "today": timezone.localdate(),
            # A natural person's report is the person's own (本主体查询, through an account): none for the public.
            "report_url": "" if subject.is_natural_person else subject_url(subject) + "report/",
            "page": profile.page,
            "params": {"tab": tab},
        },
    )


@require_GET
@throttled("page")
@statement_budget
def subject_detail(request, code: str):
    try:
        subject = subject_get_by_code(code)
    except ids.IdentifierError as error:
        return render(request, "disclosure/invalid_code.html", {"code": code, "error": str(error)}, status=400)
    except CreditSubject.DoesNotExist:
        return _not_found(request, "未找到该代码对应的信用主体。请核对统一社会信用代码。")
    if subject.is_natural_person:
        # Natural persons never appear under their ID number; their pages have an opaque address.
        return _not_found(request, "未找到该代码对应的信用主体。")
    return _profile_response(request, subject)


def _person(token: str) -> CreditSubject | None:
    pk = person_pk(token)
    return CreditSubject.objects.filter(pk=pk, kind="natural_person").first() if pk else None


@require_GET
@throttled("page")
@statement_budget
def person_detail(request, token: str):
    subject = _person(token)
    if subject is None:
        return _not_found(request, "")
    return _profile_response(request, subject)


def _report_response(request, subject: CreditSubject):
    report, _ = report_issue(
        subject=subject,
        status=status_of([subject.pk])[subject.pk],
        actor=Actor.public(client_ip=client_address(request)),
        base_url=request.build_absolute_uri("/"),
    )
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=f"{report.number}.pdf", content_type="application/pdf"
    )


@require_GET
@throttled("report")
@statement_budget
def subject_report(request, code: str):
    try:
        subject = subject_get_by_code(code)
    except (ids.IdentifierError, CreditSubject.DoesNotExist):
        return _not_found(request, "未找到该代码对应的信用主体。")
    if subject.is_natural_person:
        return _not_found(request, "")
    return _report_response(request, subject)


DOWNLOAD_SIGNER = signing.TimestampSigner(salt="disclosure.report-download")


@require_GET
@throttled("verify", when=is_lookup)
@statement_budget
def report_verify(request):
    number, code = request.GET.get("number", "").strip(), request.GET.get("code", "").strip()
    context = {"number": number}
    if number and code:
        report = report_verify_lookup(number, code)
        if report is None:
            context["error"] = "报告编号或验证码不正确，请核对后重试。"
        else:
            context["report"] = report
            subject = report.subject  # none for a check's certificate, which names its check
            if subject is not None:
                context["display_name"] = (
                    ids.mask_person_name(subject.name) if subject.is_natural_person else subject.name
                )
            if VARIANTS[report.variant].downloadable_on_verify:
                context["download_token"] = DOWNLOAD_SIGNER.sign(report.number)
    elif code:
        context["error"] = "请填写报告编号。"
    return render(request, "disclosure/report_verify.html", context, status=400 if "error" in context else 200)


@require_GET
@throttled("download")
@statement_budget
def report_download(request):
    try:
        number = DOWNLOAD_SIGNER.unsign(request.GET.get("t", ""), max_age=3600)
    except signing.BadSignature:
        return _not_found(request, "下载链接无效或已过期，请重新核验。")
    report = get_object_or_404(CreditReport, number=number, variant="public")
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=f"{report.number}.pdf", content_type="application/pdf"
    )


def _first_page_key(record_type: RecordType) -> str:
    return f"shuanggongshi-first:{record_type.pk}:{timezone.localdate().isoformat()}"


def _shuanggongshi_page(request, record_type: RecordType) -> SeekPage:
    """The page's rows. The first page of a type without filters is what crawlers and visitors ask for most:
    it is kept for ``SHUANGGONGSHI_FIRST_PAGE_SECONDS`` (a new record shows up within that time; the subject
    pages, which must change at once, have their own version tokens in ``page_cache``)."""
    first_page = request.GET.get("page", "") in ("", "1") and not request.GET.get("cursor")
    unfiltered_first = first_page and not is_filtered(request)
    if unfiltered_first:
        cached = cache.get(_first_page_key(record_type))
        if cached is not None:
            return cached
    records = shuanggongshi_filter(request.GET, record_type)
    scope = filters_scope(f"shuanggongshi:{record_type.code}", request.GET)
    page = SeekPage.of(records, request.GET, PAGE_SIZE, date_field="decided_on", scope=scope)
    if unfiltered_first:
        cache.set(_first_page_key(record_type), page, settings.SHUANGGONGSHI_FIRST_PAGE_SECONDS)
    return page


# The two 双公示 pages, linked to each other (issue 16): their codes and names, in the navigation's order.
SHUANGGONGSHI_SWITCH = (("xzxk", "行政许可"), ("xzcf", "行政处罚"))
# Confirmed credit commitments (信用承诺公示): the public ``xycn`` records (rights.services.commitment_sign makes
# them; they become public when the receiving department confirms them).
COMMITMENT_TYPE = "xycn"


def _record_list(request, type_code: str, extra: dict):
    """A public list of one record type with the public's filters (双公示, 信用承诺), page by page."""
    display = catalog_display().types.get(type_code)
    if display is None:
        return _not_found(request, "")
    record_type = display.record_type
    try:
        page = _shuanggongshi_page(request, record_type)
    except PageOutOfRange:
        return _not_found(request, PAGE_OUT_OF_RANGE)
    except BadCursor:
        return _bad_cursor(request)
    except FilterError as error:
        return _bad_filter(request, error)
    # A type without list columns in the catalog's display spec (信用承诺) shows what its subject page shows.
    columns = display.list_columns or display.subject_page
    for record in page.object_list:
        record.cells = shown(record, columns)
    context = {
        "record_type": record_type,
        "columns": columns,
        "page": page,
        "params": _form_params(request.GET),
        "penalty_kinds": display.choices.get(PENALTY_KINDS_FIELD, ()),
        "departments": Department.objects.filter(is_active=True).order_by("code"),
        "regions": region_choices(),
    }
    return render(request, "disclosure/shuanggongshi.html", context | extra)


@require_GET
@throttled("page")
@throttled("filter", when=is_filtered)
@statement_budget
def shuanggongshi(request, type_code: str):
    if type_code not in opendata_rows.RECORD_KINDS:
        return _not_found(request, "")
    return _record_list(request, type_code, {"switch": SHUANGGONGSHI_SWITCH})


@require_GET
@throttled("page")
@throttled("filter", when=is_filtered)
@statement_budget
def commitments(request):
    """信用承诺公示: the commitments their departments confirmed, newest first, with the same filters."""
    return _record_list(request, COMMITMENT_TYPE, {"empty_message": "没有符合条件的信用承诺。"})


# The filter fields of the list pages' forms. Each is always in the template's ``params``: a key missing from
# a QueryDict makes Django's template engine call dir() on it (tens of microseconds, once per department in
# the 部门 select), a tenth of a 双公示 page's time.
FORM_FIELDS = ("q", "department", "region", "from", "to", "kind")


def _form_params(query) -> dict[str, str]:
    return dict.fromkeys(FORM_FIELDS, "") | query.dict()


@require_GET
@throttled("page")
@statement_budget
def list_index(request):
    types = public_list_types().order_by("colour", "code")
    return render(request, "disclosure/list_index.html", {"types": types})


@require_GET
@throttled("page")
@throttled("filter", when=is_filtered)
@statement_budget
def list_detail(request, code: str):
    list_type = get_object_or_404(public_list_types(), code=code)
    try:
        # Keyset pages on (started_on, id), served by ``membership_list_idx`` (list type, state, started_on).
        scope = filters_scope(f"list:{list_type.code}", request.GET)
        page = SeekPage.of(
            list_filter(request.GET, list_type), request.GET, PAGE_SIZE, date_field="started_on", scope=scope
        )
    except PageOutOfRange:
        return _not_found(request, PAGE_OUT_OF_RANGE)
    except BadCursor:
        return _bad_cursor(request)
    except FilterError as error:
        return _bad_filter(request, error)
    context = {"list_type": list_type, "page": page, "params": _form_params(request.GET), "regions": region_choices()}
    return render(request, "disclosure/list_detail.html", context)


@require_GET
@throttled("page")
@statement_budget
def article_list(request, category: str):
    if category not in ArticleCategory.values:
        return _not_found(request, "")
    articles = Article.objects.filter(is_published=True, category=category).order_by("-published_at", "-pk")
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "disclosure/article_list.html", {"page": page, "category": ArticleCategory(category)})


@require_GET
@throttled("page")
@statement_budget
def article_detail(request, pk: int):
    article = get_object_or_404(Article, pk=pk, is_published=True)
    return render(request, "disclosure/article_detail.html", {"article": article})


@require_GET
@throttled("page")
@statement_budget
def measures(request):
    """联合奖惩措施清单: each active measure with its basis, the published lists it applies to and its scenarios."""
    groups = public_measures()
    return render(request, "disclosure/measures.html", {"groups": groups})


@require_GET
@throttled("page")
@statement_budget
def statistics(request):
    """统计: records received per department and month, list sizes, 双公示 timeliness, as server-drawn bars."""
    figures = public_statistics()
    context = {
        "figures": figures,
        "per_department": bars(figures["per_department"]),
        "per_month": bars(figures["per_month"]),
        "list_sizes": bars(figures["list_sizes"]),
        "timeliness": bars(figures["timeliness"]),
    }
    return render(request, "disclosure/statistics.html", context)


OPENDATA_FILES_PER_KIND = 40


@require_GET
@throttled("page")
@statement_budget
def opendata(request):
    """The dated listing of the generated files (per kind, newest first, bounded) and the short-range form."""
    types = list(public_list_types().order_by("colour", "code"))
    kinds = [("xzcf", "行政处罚"), ("xzxk", "行政许可")]
    kinds += [(t.code, f"{t.name}（{t.get_colour_display()}）") for t in types]
    sections = []
    for code, label in kinds:
        files = OpenDataFile.objects.filter(kind=code).order_by("-period_start", "scope")
        files = list(files[:OPENDATA_FILES_PER_KIND])
        sections.append({"code": code, "label": label, "files": files})
    today = timezone.localdate()
    return render(
        request,
        "disclosure/opendata.html",
        {
            "types": types,
            "sections": sections,
            "default_from": max(today.replace(day=1), today - opendata_rows.MAX_REQUEST_RANGE),
            "default_to": today,
            "max_days": opendata_rows.MAX_REQUEST_RANGE.days,
        },
    )


@require_GET
@throttled("file")
@statement_budget
def opendata_file(request, pk: int):
    """One generated file, streamed from disk (``FileResponse``): one query for its row, nothing computed; the
    ETag is the SHA-256 shown on the listing, so a client can check the download and revalidate cheaply."""
    # A list that is no longer published (deactivated, or now a notice list for departments only) takes its
    # files with it; the condition is a subquery, so this stays one query.
    published = Q(kind__in=opendata_rows.RECORD_KINDS) | Q(kind__in=public_list_types().values("code"))
    row = OpenDataFile.objects.filter(published, pk=pk).first()
    if row is None:
        return _not_found(request, "文件不存在。")
    etag = f'"{row.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        try:
            handle = open(opendata_rows.opendata_root() / row.path, "rb")  # noqa: SIM115 (closed by FileResponse)
        except FileNotFoundError:
            return _not_found(request, "文件正在重新生成，请稍后再试。")
        response = FileResponse(
            handle, as_attachment=True, filename=row.filename, content_type="text/csv; charset=utf-8"
        )
        # ``Content-Length`` is set by FileResponse from the open file itself, so it matches the bytes sent
        # even if the period was regenerated between reading the row and opening the file.
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.OPENDATA_MAX_AGE}"
    return response


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    """The rows are read while the body streams, under the statement budget (``budgeted_stream``): a stream
    cut by it ends with a line saying so and breaks off, never as a clean, complete-looking 200."""
    response = StreamingHttpResponse(budgeted_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_GET
@throttled("opendata")
@statement_budget
def opendata_list(request, code: str):
    """A list's current entries: the nightly snapshot file when a recent one exists (a list is small, but a
    request need not build what the background already has); otherwise built here as before."""
    list_type = get_object_or_404(public_list_types(), code=code)
    fresh = timezone.now() - datetime.timedelta(hours=36)
    snapshot = (
        OpenDataFile.objects.filter(kind=code, scope=OpenDataScope.SNAPSHOT, generated_at__gte=fresh)
        .order_by("-period_start")
        .first()
    )
    if snapshot is not None:
        return redirect("disclosure:opendata-file", pk=snapshot.pk)
    memberships = public_memberships().filter(list_type=list_type).order_by("-started_on", "-pk")
    return _csv_response(opendata_rows.membership_rows(memberships), f"{code}-{timezone.localdate()}.csv")


OPENDATA_RANGE_TOO_LONG = (
    "按日期范围下载最多{days}天（YYYY-MM-DD）。更长时间段请在“数据开放”页面下载按月生成的全量文件和每日增量文件。"
)


@require_GET
@throttled("opendata")
@statement_budget
def opendata_shuanggongshi(request, type_code: str):
    """A short date range built in the request (at most ``MAX_REQUEST_RANGE``, 31 days); longer ranges are
    refused with a pointer to the monthly files, so no request builds a year of records (issue 12)."""
    display = catalog_display().types.get(type_code)
    if type_code not in opendata_rows.RECORD_KINDS or display is None:
        return _not_found(request, "")
    start, end = parse_date_param(request.GET.get("from", "")), parse_date_param(request.GET.get("to", ""))
    if start is None or end is None or end < start or end - start >= opendata_rows.MAX_REQUEST_RANGE:
        message = OPENDATA_RANGE_TOO_LONG.format(days=opendata_rows.MAX_REQUEST_RANGE.days)
        return render(request, "errors/400.html", {"message": message}, status=400)
    records = shuanggongshi_filter({"from": start.isoformat(), "to": end.isoformat()}, display.record_type)
    return _csv_response(opendata_rows.record_rows(records, display), f"{type_code}-{start}-{end}.csv")


def _not_found(request, message: str):
    return render(request, "errors/404.html", {"message": message}, status=404)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    message = str(exception) if exception is not None and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return _not_found(request, "")


def server_error(request):
    return render(request, "errors/500.html", status=500)
