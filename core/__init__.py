"""The lowest layer: building blocks the apps use and that use no app (tests/test_project.py), with no models.

``errors`` (the one domain error type), ``bulk`` (COPY of many rows), ``enqueue`` (a task after commit that
never waits on a broker), ``db_budget`` (the public pages' statement budget), ``paging`` (capped counts of
the admin's big tables), ``links`` (absolute links in mail sent without a request). The project package
``credit_portal`` on top only wires: settings, URLs, middleware.
"""
