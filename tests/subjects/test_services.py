import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from audit.models import AuditEvent
from subjects import identifiers as ids
from subjects.choices import ConflictKind, ConflictStatus, SubjectKind
from subjects.models import CreditSubject, SubjectIdentifier
from subjects.services import SubjectClaim, subject_conflict_resolve, subject_resolve
from tests.factories import uscc_for

pytestmark = pytest.mark.django_db

USCC = uscc_for(12345678)
REG_NO = "22010400001234" + ids.registration_number_check_digit("22010400001234")
OTHER_REG_NO = "22010400005678" + ids.registration_number_check_digit("22010400005678")
CITIZEN_ID = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 5, 17), sequence=123)


def resolve(actor, registers="9", **claim):
    """Resolve as the registration authority of companies (市场监管, code 9) unless ``registers`` says not."""
    return subject_resolve(claim=SubjectClaim(**claim), registers=registers, actor=actor, source="测试记录")


def test_new_uscc_creates_subject_with_kind_and_division_from_the_code(actor):
    result = resolve(actor, name="长春宏达食品有限公司", uscc=USCC.lower())
    assert result.created
    subject = result.subject
    assert (subject.uscc, subject.kind, subject.division_code) == (USCC, SubjectKind.LEGAL_ENTITY, "220104")
    assert AuditEvent.objects.filter(action="subject.create", object_id=str(subject.pk)).count() == 1


def test_individual_business_kind_comes_from_uscc_type_code(actor):
    result = resolve(actor, name="朝阳区张记面馆", uscc=uscc_for(7, subject_type="2"))
    assert result.subject.kind == SubjectKind.INDIVIDUAL_BUSINESS


def test_same_uscc_again_returns_the_same_subject(actor):
    first = resolve(actor, name="长春宏达食品有限公司", uscc=USCC).subject
    again = resolve(actor, name="长春宏达食品有限公司", uscc=f" {USCC} ")
    assert again.subject.pk == first.pk
    assert not again.created
    assert not again.renamed
    assert CreditSubject.objects.count() == 1


def test_new_name_for_same_uscc_is_a_rename_with_history(actor):
    subject = resolve(actor, name="长春宏达食品有限公司", uscc=USCC).subject
    result = resolve(actor, name="吉林宏达食品集团有限公司", uscc=USCC)
    assert result.renamed
    subject.refresh_from_db()
    assert subject.name == "吉林宏达食品集团有限公司"
    assert list(subject.former_names.values_list("name", flat=True)) == ["长春宏达食品有限公司"]
    event = AuditEvent.objects.get(action="subject.rename")
    assert (event.before["name"], event.after["name"]) == ("长春宏达食品有限公司", "吉林宏达食品集团有限公司")


def test_an_old_record_with_a_former_name_does_not_undo_the_rename(actor):
    resolve(actor, name="长春宏达食品有限公司", uscc=USCC, as_of=datetime.date(2020, 1, 1))
    resolve(actor, name="吉林宏达食品集团有限公司", uscc=USCC, as_of=datetime.date(2024, 1, 1))
    result = resolve(actor, name="长春宏达食品有限公司", uscc=USCC, as_of=datetime.date(2023, 12, 31))
    assert not result.renamed
    assert result.subject.name == "吉林宏达食品集团有限公司"
    assert result.subject.former_names.count() == 1


def test_a_newer_authority_record_can_take_back_a_former_name(actor):
    resolve(actor, name="长春宏达食品有限公司", uscc=USCC, as_of=datetime.date(2020, 1, 1))
    resolve(actor, name="吉林宏达食品集团有限公司", uscc=USCC, as_of=datetime.date(2024, 1, 1))
    result = resolve(actor, name="长春宏达食品有限公司", uscc=USCC, as_of=datetime.date(2025, 3, 1))
    assert result.renamed
    subject = CreditSubject.objects.get(uscc=USCC)
    assert (subject.name, subject.name_changed_on) == ("长春宏达食品有限公司", datetime.date(2025, 3, 1))


def test_natural_person_is_matched_by_keyed_hash_and_id_is_never_stored_in_clear(actor):
    first = resolve(actor, name="张三", citizen_id=CITIZEN_ID)
    again = resolve(actor, name="张三", citizen_id=CITIZEN_ID[:-1] + CITIZEN_ID[-1].lower())
    assert first.created
    assert again.subject.pk == first.subject.pk
    subject = first.subject
    assert subject.kind == SubjectKind.NATURAL_PERSON
    assert subject.citizen_id_masked == CITIZEN_ID[:6] + "********" + CITIZEN_ID[14:]
    assert CITIZEN_ID not in subject.citizen_id_hash
    stored = [
        str(value)
        for value in CreditSubject.objects.values_list(*[f.attname for f in CreditSubject._meta.fields]).get()
    ]
    assert not any(CITIZEN_ID in value for value in stored)
    assert not any(CITIZEN_ID in str(e.after) for e in AuditEvent.objects.all())


def test_legacy_code_alone_creates_subject_and_later_uscc_joins_it(actor):
    old = resolve(actor, name="长春宏达食品厂", registration_number=REG_NO)
    assert old.created
    assert old.subject.uscc is None
    assert SubjectIdentifier.objects.get(value=REG_NO).subject_id == old.subject.pk
    joined = resolve(actor, name="长春宏达食品有限公司", uscc=USCC, registration_number=REG_NO)
    assert joined.subject.pk == old.subject.pk
    assert CreditSubject.objects.get().uscc == USCC
    assert AuditEvent.objects.filter(action="subject.assign_uscc").count() == 1


def test_legacy_code_of_another_subject_opens_a_conflict_and_guesses_nothing(actor):
    resolve(actor, name="甲公司", uscc=uscc_for(1), registration_number=REG_NO)
    result = resolve(actor, name="乙公司", uscc=uscc_for(2), registration_number=REG_NO)
    assert result.subject is None
    conflict = result.conflict
    assert conflict.kind == ConflictKind.LEGACY_CODE_ELSEWHERE
    assert conflict.other_subject.uscc == uscc_for(1)
    assert CreditSubject.objects.count() == 1
    assert SubjectIdentifier.objects.get(value=REG_NO).subject.uscc == uscc_for(1)


def test_two_legacy_codes_pointing_at_two_subjects_is_a_conflict(actor):
    first = resolve(actor, name="甲厂", registration_number=REG_NO).subject
    second = resolve(actor, name="乙厂", organization_code="D2143569-X").subject
    result = resolve(actor, name="甲厂", registration_number=REG_NO, organization_code="D2143569X")
    assert result.subject is None
    assert result.conflict.kind == ConflictKind.LEGACY_CODE_ELSEWHERE
    assert {result.conflict.subject_id, result.conflict.other_subject_id} == {first.pk, second.pk}


def test_name_alone_identifies_nobody(actor):
    result = resolve(actor, name="长春宏达食品有限公司")
    assert result.subject is None
    assert result.conflict.kind == ConflictKind.UNIDENTIFIABLE
    assert not CreditSubject.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "position"),
    [
        ("uscc", USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), 18),
        ("citizen_id", "220104198002301234", 7),
        ("registration_number", REG_NO[:-1] + str((int(REG_NO[-1]) + 1) % 10), 15),
    ],
    ids=["bad-uscc-check", "bad-birth-date", "bad-registration-check"],
)
def test_invalid_identifier_raises_and_writes_nothing(actor, field, value, position):
    with pytest.raises(ids.IdentifierError) as error:
        resolve(actor, name="某公司", **{field: value})
    assert error.value.position == position
    assert not CreditSubject.objects.exists()
    assert not AuditEvent.objects.exists()


def test_resolving_a_conflict_closes_it_once(actor):
    conflict = resolve(actor, name="无代码公司").conflict
    subject_conflict_resolve(conflict=conflict, resolution="已核实", actor=actor)
    subject_conflict_resolve(conflict=conflict, resolution="再次", actor=actor)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolution) == (ConflictStatus.RESOLVED, "已核实")
    assert AuditEvent.objects.filter(action="subject.conflict_resolve").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_resolution_of_a_new_code_creates_one_subject(actor):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(resolve(actor, name="并发测试有限公司", uscc=USCC).subject.pk)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert CreditSubject.objects.filter(uscc=USCC).count() == 1
    assert connection.vendor == "postgresql"
