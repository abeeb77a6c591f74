"""The credit centre configures query grants in the admin: per department and record type or category, with an
optional expiry; every change is audited and nothing is deleted."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from queries.models import QueryGrant
from records.models import RecordType


@pytest.fixture
def centre(staff):
    return staff("credit_admin")


def test_a_grant_made_in_the_admin_is_audited(centre, reader, qsxx):
    response = centre.post(
        "/admin/queries/querygrant/add/",
        {
            "department": reader.pk,
            "record_type": qsxx.pk,
            "category": "",
            "expires_on": "2026-12-31",
            "is_active": "on",
            "basis": "吉信用〔2026〕8号",
        },
    )
    assert response.status_code == 302, response.content.decode()
    grant = QueryGrant.objects.get()
    event = AuditEvent.objects.get(action="querygrant.create")
    assert (event.actor_label, event.object_id) == (centre.user.username, str(grant.pk))
    assert event.after["record_type"] == qsxx.pk
    assert event.after["expires_on"] == "2026-12-31"
    response = centre.post(f"/admin/queries/querygrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert QueryGrant.objects.filter(pk=grant.pk).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"record_type": "xzcf"}, "选择一个有效的选项"),  # a public type is not offered
        ({}, "请选择一种信息类型或一个目录类别（二者只选其一）。"),
        ({"record_type": "qsxx", "category": "administrative"}, "请选择一种信息类型或一个目录类别（二者只选其一）。"),
    ],
    ids=["public-type", "neither", "both"],
)
def test_a_grant_names_one_restricted_type_or_one_category(centre, reader, qsxx, fields, message):
    data = {"department": reader.pk, "record_type": "", "category": "", "is_active": "on", "basis": "测试"}
    if "record_type" in fields:
        data["record_type"] = RecordType.objects.get(code=fields["record_type"]).pk
    data["category"] = fields.get("category", "")
    response = centre.post("/admin/queries/querygrant/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not QueryGrant.objects.exists()


def test_a_public_type_is_never_granted(reader):
    grant = QueryGrant(department=reader, record_type=RecordType.objects.get(code="xzcf"), basis="测试")
    with pytest.raises(ValidationError) as caught:
        grant.full_clean()
    assert "社会公开类信息任何部门都可查询，无须授权。" in caught.value.message_dict["record_type"]


def test_the_centre_reads_grants_and_special_queries_in_the_admin(centre, reader, qsxx, grant):
    made = grant(reader, qsxx)
    for url in ("/admin/queries/querygrant/?in_force=yes", f"/admin/queries/querygrant/{made.pk}/change/"):
        assert reader.name in centre.get(url).content.decode(), url
    assert centre.get("/admin/queries/specialquery/").status_code == 200
    assert centre.get("/admin/queries/specialquery/add/").status_code == 403  # decided in the workbench only
