"""The site's database role: everything the web, worker and beat processes need, and nothing more.

Migrations run as the owner role, which owns every table; the site runs as another role that owns nothing
and holds only row privileges. Ownership is what ``TRUNCATE``, ``ALTER TABLE ... DISABLE TRIGGER`` and
``DROP`` need, and ``SET session_replication_role`` (which silences triggers) needs a superuser, so a site
role granted here cannot empty the audit trail or switch its append-only trigger off even if the
application were subverted. On the append-only tables — the audit trail, and the histories of records and
memberships ("nothing is lost", DESIGN §4), each model marked ``APPEND_ONLY = True`` — it gets ``SELECT``
and ``INSERT`` only: the audit trigger refuses ``UPDATE``/``DELETE`` too, but a refusal by privilege does not
depend on a trigger being there, and the histories have none.

Run as the owner after every ``migrate`` (``manage.py db_roles_grant``): the grants are re-applied whole,
so the command is idempotent and also repairs a grant added by hand. Default privileges cover tables that
later migrations create until the command runs again.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from .services import Actor, audit_event_record

# A plain lower-case PostgreSQL identifier: no quoting surprises in the statements below.
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# Identity sequences: nextval (ORM inserts, and core.bulk reserving ids before COPY) needs USAGE or
# UPDATE; setval is not used by the site.
SEQUENCE_PRIVILEGES = "USAGE, SELECT, UPDATE"


def append_only_tables() -> list[str]:
    """The tables of the models that declare ``APPEND_ONLY = True`` (declared by each app on its own models,
    so that this lower app names no model of a higher one), sorted."""
    return sorted(model._meta.db_table for model in apps.get_models() if getattr(model, "APPEND_ONLY", False))


class RoleGrantError(Exception):
    """The grant cannot be made safely; the message says what to fix."""


def _one(cursor, sql: str, params=None):
    cursor.execute(sql, params)
    return cursor.fetchone()


def _check(cursor, *, role: str, owner: str, schema: str) -> None:
    row = _one(cursor, "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
    if row is None:
        raise RoleGrantError(f"数据库角色 {role} 不存在：请先由数据库管理员创建（CREATE ROLE {role} LOGIN ...）。")
    if any(row):
        raise RoleGrantError(f"站点角色 {role} 不能是超级用户，也不能有 BYPASSRLS 或 CREATEROLE 属性。")
    if role == owner:
        raise RoleGrantError(f"站点角色不能是执行迁移的所有者角色 {owner}：请为站点另建一个角色。")
    if _one(cursor, "SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner])[0]:
        raise RoleGrantError(f"站点角色 {role} 是所有者角色 {owner} 的成员，会继承其全部权限：请撤销该成员关系。")
    if _one(cursor, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")[0] == role:
        raise RoleGrantError(f"数据库归站点角色 {role} 所有：请把数据库的所有者改为 {owner}。")
    cursor.execute(
        "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        "AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) ORDER BY c.relname",
        [schema],
    )
    foreign = cursor.fetchall()
    if foreign:
        names = "、".join(f"{name}（{table_owner}）" for name, table_owner in foreign[:5])
        raise RoleGrantError(
            f"模式 {schema} 中有 {len(foreign)} 个对象不归当前角色 {owner} 所有，例如 {names}："
            "请以所有者角色执行迁移和本命令（必要时 REASSIGN OWNED）。"
        )


def site_role_grant(*, role: str) -> dict:
    """Give ``role`` exactly the privileges the site needs in the current database and schema.

    Must run as the role that owns the tables (the one ``migrate`` runs as). Returns a summary; writes an
    audit event ``database.grant`` in the same transaction."""
    if connection.vendor != "postgresql":
        raise RoleGrantError("数据库角色授权只适用于 PostgreSQL。")
    if not ROLE_NAME.match(role):
        raise RoleGrantError("角色名只能由小写字母、数字和下划线组成，且不能以数字开头。")
    quote = connection.ops.quote_name
    append_only = append_only_tables()
    migrations_table = MigrationRecorder.Migration._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        owner, schema, database = _one(cursor, "SELECT current_user, current_schema(), current_database()")
        _check(cursor, role=role, owner=owner, schema=schema)
        r, s, db, o = quote(role), quote(schema), quote(database), quote(owner)
        statements = [
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
            # Start from nothing so that the command also removes a privilege added by hand.
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
            *(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {r}" for table in append_only),
            f"REVOKE INSERT, UPDATE, DELETE ON {quote(migrations_table)} FROM {r}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
            f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT {TABLE_PRIVILEGES} ON TABLES TO {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {r}",
        ]
        if not _one(cursor, "SELECT has_database_privilege(%s, %s, 'CONNECT')", [role, database])[0]:
            statements.insert(0, f"GRANT CONNECT ON DATABASE {db} TO {r}")
        for statement in statements:
            cursor.execute(statement)
        if _one(cursor, "SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema])[0]:
            # Before PostgreSQL 15 every role may create tables in "public" (through PUBLIC).
            try:
                with transaction.atomic():
                    cursor.execute(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC")
            except DatabaseError as error:
                raise RoleGrantError(
                    f"角色 {role} 仍可在模式 {schema} 中建表（经由 PUBLIC），当前角色无权撤销："
                    f"请由模式所有者执行 REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC。"
                ) from error
        if (
            connection.pg_version >= 150000
            and _one(cursor, "SELECT has_parameter_privilege(%s, 'session_replication_role', 'SET')", [role])[0]
        ):
            raise RoleGrantError(f"角色 {role} 被授予了设置 session_replication_role 的权限：请由超级用户撤销。")
        tables = _one(
            cursor,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [schema],
        )[0]
        summary = {
            "role": role,
            "owner": owner,
            "database": database,
            "schema": schema,
            "tables": tables,
            "append_only": append_only,
            "read_only": [migrations_table],
        }
        audit_event_record(
            actor=Actor.system("命令行 db_roles_grant"),
            action="database.grant",
            object_type="database.role",
            object_id=role,
            after=summary,
        )
    return summary
