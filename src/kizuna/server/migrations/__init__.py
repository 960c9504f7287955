"""The Alembic migrations of the platform database (run by `kizuna.server.db.migrate`).

Packaged with kizuna, so that an installed Kizuna can make and upgrade its
database: ``kizuna db upgrade``. One chain of revisions serves SQLite and
PostgreSQL alike; a new revision is made with ``kizuna db revision -m "..."``
and then read and edited by hand (see docs/platform.md).
"""
