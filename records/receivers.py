"""Keeping the public display of the catalog current (``selectors.catalog_display``). Connected in
``RecordsConfig.ready``.

A record type or field saved or deleted (in the admin, by a service or a test), or a migration run (a data
migration of the catalog), gives the catalog a new display version after the commit, so no reader can cache
the display as it was before the change under the new version.
"""

from django.db import transaction

from .selectors import catalog_display_changed


def catalog_changed(sender, **kwargs) -> None:
    transaction.on_commit(catalog_display_changed)


def migrated(sender, **kwargs) -> None:
    catalog_display_changed()
