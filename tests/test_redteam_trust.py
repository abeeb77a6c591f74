"""Independent checks of issue 10's trust boundaries (red team, trust half), on data made up here.

Each test is an attack an outsider or a confused user would try; it fails when the check it names is removed.
"""

from audit.db_roles import append_only_tables


def test_every_history_table_is_append_only_for_the_site_role():
    """audit.db_roles granted UPDATE and DELETE on every table but the audit trail: with the site's database
    credentials, record versions and membership changes — the history "nothing is lost" rests on — could be
    rewritten or deleted. Every model that keeps history declares itself (``APPEND_ONLY``)."""
    assert append_only_tables() == ["audit_auditevent", "records_recordversion", "sanctions_membershipchange"]
