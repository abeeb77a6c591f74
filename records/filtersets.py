import datetime

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from subjects.selectors import subject_id_for_uscc

from .choices import RecordStatus
from .models import CreditRecord, RecordType

# Real UTC offsets run from -12:00 to +14:00; anything beyond is a typo or a probe, and the database (or the
# conversion to UTC near year 1 or 9999) refuses it with an error that used to surface as a 500.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)
EARLIEST_MOMENT = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment with a real UTC offset, between 1900 and 2100."""

    def to_python(self, value):
        message = "应为1900年至2100年之间的 ISO 8601 时间（如 2026-07-01T08:00:00+08:00），时区偏移不超过±14小时。"
        try:
            moment = super().to_python(value)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(message, code="invalid") from error
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(message, code="invalid")
        try:
            in_range = EARLIEST_MOMENT <= moment <= LATEST_MOMENT
        except OverflowError:
            in_range = False
        if not in_range:
            raise forms.ValidationError(message, code="invalid")
        return moment


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class RecordFilterSet(django_filters.FilterSet):
    """Shared by the API list and the workbench list."""

    record_type = django_filters.CharFilter(method="filter_record_type", label="记录类型")
    subject = django_filters.CharFilter(method="filter_subject", label="主体统一社会信用代码")
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices, label="状态", empty_label="全部状态")
    decided_after = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label="决定日期起")
    decided_before = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label="决定日期止")
    received_since = BoundedIsoDateTimeFilter(field_name="received_at", lookup_expr="gte", label="接收时间起")
    source_id = django_filters.CharFilter(field_name="source_id", label="部门记录编号")

    class Meta:
        model = CreditRecord
        fields = ["record_type", "subject", "status", "decided_after", "decided_before", "received_since", "source_id"]

    # Both look the code up first and filter the records by id: a join on the code hides the filter from the
    # records' indexes (``record_type_recent_idx``, ``record_subject_facts_idx``), and on millions of records
    # the planner then walks the table in id order (issue 12).
    def filter_record_type(self, queryset, name, value):
        type_id = RecordType.objects.filter(code=value).values_list("pk", flat=True).first()
        return queryset.filter(record_type_id=type_id) if type_id else queryset.none()

    def filter_subject(self, queryset, name, value):
        subject_id = subject_id_for_uscc(value)
        return queryset.filter(subject_id=subject_id) if subject_id else queryset.none()
