"""Reads of the supervision app: a plan's population (the department's supervised population as the evaluation's
change feed and dated files define it, narrowed by the plan's filters, with each subject's current grade), the
plans a department sees, and what the public sees of drawn plans (一公开)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone

from core.vocabulary import RECORD_ACTIVE
from evaluation.selectors import current_grades, supervised_subjects_q
from records.models import CreditRecord, RecordType
from subjects.models import CreditSubject

from .choices import CLEAN_RESULTS, RESULT_RECORD_TYPE, PlanState
from .models import InspectionPlan, InspectionTarget, Inspector


def population_subjects(plan: InspectionPlan) -> QuerySet[CreditSubject]:
    """The subjects a plan draws from: the department's supervised population
    (``evaluation.selectors.supervised_subjects_q``, the definition the change feed and the dated files use) that
    carry a USCC (the draw orders by it and the result record names the subject by it), narrowed by the plan's
    subject kinds, division (code prefix of the subject's division) and industry (an in-force licence whose
    certificate name contains the text: subjects have no industry field of their own)."""
    subjects = CreditSubject.objects.filter(supervised_subjects_q(plan.department, prefix=""), uscc__isnull=False)
    if plan.subject_kinds:
        subjects = subjects.filter(kind__in=plan.subject_kinds)
    if plan.division_prefix:
        subjects = subjects.filter(division_code__startswith=plan.division_prefix)
    if plan.industry:
        licensed = CreditRecord.objects.filter(
            record_type__code="xzxk", status=RECORD_ACTIVE, data__XK_XKZS__icontains=plan.industry
        ).values("subject_id")
        subjects = subjects.filter(pk__in=licensed)
    return subjects


def population(plan: InspectionPlan) -> list[tuple[str, str, int]]:
    """(USCC, grade under the plan's model — "" when the subject has none —, subject id) of every subject of the
    plan's population, in USCC order: two queries."""
    subjects = population_subjects(plan)
    rows = list(subjects.order_by("uscc").values_list("uscc", "pk"))
    grades = dict(
        current_grades(plan.model)
        .filter(subject_id__in=subjects.values("pk"))
        .order_by()
        .values_list("subject_id", "grade")
    )
    return [(uscc, grades.get(pk, ""), pk) for uscc, pk in rows]


def population_classes(plan: InspectionPlan) -> Counter:
    """How many subjects of the plan's population are in each class (what the draft's page shows)."""
    return Counter(grade for _, grade, _ in population(plan))


def active_pool(department) -> list[Inspector]:
    return list(Inspector.objects.filter(department=department, is_active=True).order_by("staff_number"))


#: The population snapshot of a draw: the whole supervised population (a million entries for a large department),
#: read only to verify the draw (a deferred field loads when ``plan_verify`` reads it), never by the pages.
SNAPSHOT = ("population",)


def plans_visible_to(department) -> QuerySet[InspectionPlan]:
    """A department's own plans; every plan for the credit centre (no department)."""
    plans = InspectionPlan.objects.select_related("department", "model").defer(*SNAPSHOT)
    return plans if department is None else plans.filter(department=department)


def targets_of(plan: InspectionPlan) -> QuerySet[InspectionTarget]:
    return plan.targets.select_related("subject").prefetch_related("inspectors").order_by("position")


#: The states in which a plan is public: from the moment of its draw (一公开), not only once finished.
PUBLIC_STATES = (PlanState.DRAWN, PlanState.DONE)


def public_plan_get(pk: int) -> InspectionPlan | None:
    """A drawn plan as the public pages read it (its population snapshot deferred); None for any other plan."""
    return (
        InspectionPlan.objects.select_related("department", "model")
        .defer(*SNAPSHOT)
        .filter(pk=pk, state__in=PUBLIC_STATES)
        .first()
    )


def public_plans() -> QuerySet[InspectionPlan]:
    """Every drawn plan, newest draw first, with the number drawn, inspected and with a problem found, and how many
    plans its department drew for the same inspection matter (检查事项) in the same year (一公开).

    A plan is public from its draw, whether or not its results are in: a department that copied a plan and drew
    the copy to get subjects it likes more cannot make the first draw disappear by leaving it unfinished, and
    the count beside each plan shows the public that the matter was drawn more than once."""
    same_matter = (
        InspectionPlan.objects.filter(
            department=OuterRef("department"), scope=OuterRef("scope"), state__in=PUBLIC_STATES
        )
        .annotate(year=ExtractYear("drawn_at"))
        .filter(year=OuterRef("year"))
        .order_by()
        .values("department")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        InspectionPlan.objects.filter(state__in=PUBLIC_STATES)
        .defer(*SNAPSHOT)
        .select_related("department")
        .annotate(
            year=ExtractYear("drawn_at"),
            drawn=Count("targets"),
            inspected=Count("targets", filter=~Q(targets__result="")),
            problems=Count("targets", filter=~Q(targets__result="") & ~Q(targets__result__in=CLEAN_RESULTS)),
            same_matter=Subquery(same_matter),
        )
        .order_by("-drawn_at", "-id")
    )


def same_matter_plans(plan: InspectionPlan) -> QuerySet[InspectionPlan]:
    """The other public plans of the plan's department for the same inspection matter drawn in the same year (what
    the public page of a plan lists beside it, so a re-drawn copy is seen next to the first draw)."""
    year = timezone.localtime(plan.drawn_at).year
    return (
        InspectionPlan.objects.filter(department_id=plan.department_id, scope=plan.scope, state__in=PUBLIC_STATES)
        .defer(*SNAPSHOT)
        .annotate(year=ExtractYear("drawn_at"))
        .filter(year=year)
        .exclude(pk=plan.pk)
        .order_by("drawn_at", "id")
    )


def result_deadline_days() -> int | None:
    """How many working days an inspection result has to become public: the catalog's ``timeliness_days`` of the
    result record type (None when the catalog sets none)."""
    return RecordType.objects.filter(code=RESULT_RECORD_TYPE).values_list("timeliness_days", flat=True).first()
