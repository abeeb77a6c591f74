import django_filters

from subjects import identifiers as ids

from .choices import RecordStatus
from .models import CreditRecord


class RecordFilterSet(django_filters.FilterSet):
    """Shared by the API list and the workbench list."""

    record_type = django_filters.CharFilter(field_name="record_type__code", label="记录类型")
    subject = django_filters.CharFilter(method="filter_subject", label="主体统一社会信用代码")
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices, label="状态", empty_label="全部状态")
    decided_after = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label="决定日期起")
    decided_before = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label="决定日期止")
    received_since = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte", label="接收时间起")
    source_id = django_filters.CharFilter(field_name="source_id", label="部门记录编号")

    class Meta:
        model = CreditRecord
        fields = ["record_type", "subject", "status", "decided_after", "decided_before", "received_since", "source_id"]

    def filter_subject(self, queryset, name, value):
        try:
            return queryset.filter(subject__uscc=ids.normalize_uscc(value))
        except ids.IdentifierError:
            return queryset.none()
