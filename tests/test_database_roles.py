"""The site's database role (web, worker, beat) does its work and cannot erase or silence the audit trail.

CI (.ci/run) creates the role and names it in ``DATABASE_SITE_ROLE``; this test grants it with the same
command a deployment runs after ``migrate``, connects as it and tries what an attacker holding the site's
database credentials would try.
"""

import io
import os

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import errors

from audit.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AUDIT = AuditEvent._meta.db_table


@pytest.fixture
def site_role() -> str:
    role = os.environ.get("DATABASE_SITE_ROLE", "")
    if not role:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must create the site role and set DATABASE_SITE_ROLE (see .ci/run)")
        pytest.skip("set DATABASE_SITE_ROLE to a role created for the test (see .ci/run)")
    return role


@pytest.fixture
def site(site_role):
    """A connection to the test database as the site role, after the grant command ran for it."""
    call_command("db_roles_grant", site_role=site_role)
    call_command("db_roles_grant", site_role=site_role)  # idempotent: the second run changes nothing
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=settings["NAME"],
        user=site_role,
        password=os.environ.get("DATABASE_SITE_PASSWORD") or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    yield conn
    conn.close()


def run(conn, sql: str, params=None):
    """One statement in its own transaction; returns the rows if any."""
    with conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def insert_audit_event(conn) -> int:
    return run(
        conn,
        f"INSERT INTO {AUDIT} (occurred_at, actor_type, actor_id, actor_label, action, object_type, object_id, "
        "reason) VALUES (now(), 'system', '', '站点角色测试', 'test.event', '', '', '') RETURNING id",
    )[0][0]


def test_the_site_role_does_the_site_work(site):
    assert run(site, "SELECT count(*) FROM records_creditrecord")[0][0] == 0
    day = run(
        site, "INSERT INTO records_calendarday (day, kind, name) VALUES ('2031-01-02', 'holiday', '测试') RETURNING id"
    )
    run(site, "UPDATE records_calendarday SET name = '改' WHERE id = %s", [day[0][0]])
    run(site, "DELETE FROM records_calendarday WHERE id = %s", [day[0][0]])
    # core.bulk: ids from the table's sequence, then COPY ... FROM STDIN (INSERT privilege).
    ids = run(site, "SELECT nextval(pg_get_serial_sequence('records_calendarday', 'id')) FROM generate_series(1, 2)")
    with site, site.cursor() as cursor:
        rows = "".join(f"{pk}\t2031-02-0{n}\tholiday\t春节\n" for n, (pk,) in enumerate(ids, start=1))
        cursor.copy_expert("COPY records_calendarday (id, day, kind, name) FROM STDIN", io.StringIO(rows))
    assert run(site, "SELECT count(*) FROM records_calendarday WHERE name = '春节'")[0][0] == 2
    event_id = insert_audit_event(site)
    assert run(site, f"SELECT action FROM {AUDIT} WHERE id = %s", [event_id]) == [("test.event",)]


@pytest.mark.parametrize(
    "statement",
    [
        f"TRUNCATE {AUDIT}",
        f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL",
        f"UPDATE {AUDIT} SET reason = '篡改'",
        f"DELETE FROM {AUDIT}",
        "SET session_replication_role = replica",
        "CREATE TABLE site_role_probe (id integer)",
        "DROP TABLE records_calendarday",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('audit', '9999_fake', now())",
    ],
    ids=["truncate", "disable-trigger", "update", "delete", "replication-role", "create-table", "drop", "migrations"],
)
def test_the_site_role_cannot_erase_or_silence_the_audit_trail(site, statement):
    event_id = insert_audit_event(site)
    with pytest.raises(errors.InsufficientPrivilege):
        run(site, statement)
    assert AuditEvent.objects.filter(pk=event_id).exists()


@pytest.mark.parametrize(
    "table",
    [
        "records_recordversion",
        "sanctions_membershipchange",
        "subjects_subjectaccess",
        "queries_specialqueryevent",
        "disclosure_applicationevent",
    ],
)
def test_the_site_role_appends_to_the_histories_but_never_rewrites_them(site, table):
    """Records and memberships are versioned, access logs and case histories kept, never rewritten (DESIGN §4:
    nothing is lost): with the site's credentials a row cannot be edited or deleted, any more than an audit
    event."""
    assert run(site, f"SELECT count(*) FROM {table}")[0][0] == 0
    assert run(site, f"SELECT has_table_privilege(current_user, '{table}', 'INSERT')") == [(True,)]
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table}"):
        with pytest.raises(errors.InsufficientPrivilege):
            run(site, statement)


def test_the_site_role_owns_nothing(site, site_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)", [site_role]
        )
        assert cursor.fetchone()[0] == 0
    assert AuditEvent.objects.filter(action="database.grant", object_id=site_role).count() == 2


def test_the_grant_refuses_unsafe_roles(site_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match=r"所有者角色|超级用户"):
        call_command("db_roles_grant", site_role=owner)
    with pytest.raises(CommandError, match="不存在"):
        call_command("db_roles_grant", site_role="no_such_role_here")
    with pytest.raises(CommandError, match="小写字母"):
        call_command("db_roles_grant", site_role='x"; DROP TABLE audit_auditevent; --')
