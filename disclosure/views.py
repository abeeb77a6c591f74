"""Public pages: home, search, the subject page, and friendly error pages. No login, read-only."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from subjects import identifiers as ids
from subjects.models import CreditSubject
from subjects.selectors import SearchQueryError, division_path, subject_get_by_code, subject_search


@require_GET
def home(request):
    return render(request, "disclosure/home.html")


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    context: dict = {"query": query}
    if not query:
        return render(request, "disclosure/search.html", context)
    try:
        result = subject_search(query)
    except SearchQueryError as error:
        context["error"] = str(error)
        return render(request, "disclosure/search.html", context, status=400)
    page = Paginator(result.ranked_ids, settings.SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        result=result,
        page=page,
        rows=[(subject, division_path(subject.division_code)) for subject in result.subjects(page.object_list)],
    )
    return render(request, "disclosure/search.html", context)


@require_GET
def subject_detail(request, code: str):
    try:
        subject = subject_get_by_code(code)
    except ids.IdentifierError as error:
        return render(request, "disclosure/invalid_code.html", {"code": code, "error": str(error)}, status=400)
    except CreditSubject.DoesNotExist:
        return _not_found(request, "未找到该代码对应的信用主体。请核对统一社会信用代码。")
    if subject.is_natural_person:
        # Natural persons never appear under their ID number; their pages get an opaque address later.
        return _not_found(request, "未找到该代码对应的信用主体。")
    context = {
        "subject": subject,
        "region": division_path(subject.division_code),
        "former_names": list(subject.former_names.all()),
    }
    return render(request, "disclosure/subject_detail.html", context)


def _not_found(request, message: str):
    return render(request, "errors/404.html", {"message": message}, status=404)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return _not_found(request, "")


def server_error(request):
    return render(request, "errors/500.html", status=500)
