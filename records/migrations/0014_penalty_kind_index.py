"""The 双公示 penalty-kind filter (处罚类别) on an index (issue 12, red team).

The filter was a LIKE on ``data ->> 'CF_CFLB'``: no index, so PostgreSQL fetched every public penalty of the
type and sorted them (seconds at millions of records, past the public statement budget). The kinds are stored
normalised, ``;``-separated (records.validation), so the filter now matches an element of
``string_to_array(data ->> 'CF_CFLB', ';')``, which this GIN index holds for the public rows (the same condition
as the (type, date, id) indexes). Statistics on the same expression (``CREATE STATISTICS``, PostgreSQL 14+) give
the planner each kind's frequency: a rare kind is read from the GIN index and sorted (few rows); a common one
(罚款, most penalties) is found by walking the (type, date, id) index. Without them every kind was estimated at
0.5% and 罚款 too was read whole and sorted.
Built ``CONCURRENTLY`` (no write lock on a table of millions of rows), PostgreSQL only (SQLite: no index).
"""

from django.db import migrations

INDEX = "record_public_penalty_kind_gin"
STATISTICS = "record_penalty_kinds_stat"
# The expression must stay identical to disclosure.selectors.penalty_kinds_expression for the planner to use it.
EXPRESSION = "string_to_array(data ->> 'CF_CFLB', ';')"
CREATE_SQL = [  # one statement each: CONCURRENTLY refuses a multi-statement string (an implicit transaction)
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON records_creditrecord USING gin ({EXPRESSION})"
    " WHERE publishable AND status = 'active'",
    f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON ({EXPRESSION}) FROM records_creditrecord",
    "ANALYZE records_creditrecord",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_SQL:
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}", params=None)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}", params=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("records", "0013_correct_2019_regime")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
