"""Storage: SQLAlchemy models, the engine/session lifecycle, migrations and repository functions.

SQLAlchemy is imported only inside this package; every course query is scoped by tenant.

Conventions for repositories (``*_repo.py``), so that sign-ups and exercises look alike:

- **Repositories take the ``CourseScope`` first** (``lti_app.domain.scope``) after the session,
  and filter every query by it: a row of one course is never read through another.
- **ORM objects stay inside this package.** Functions accept plain values or frozen dataclasses
  (``NewScore``, ``PlatformRegistration``) and return frozen records (``PlatformRecord``,
  ``KeyRecord``, ``OutboxRecord``); ``tests/lti_app/test_layers.py`` checks that no module
  outside ``storage/`` imports ``models``, ``progress_models`` or ``outbox_models``.
- **Lock what you read in ``db.write_transaction``.** A rule decided on rows just read (seats,
  waitlists) reads them with ``locking.locked(...)`` inside one write transaction (SQLite:
  ``BEGIN IMMEDIATE``; PostgreSQL: ``SELECT ... FOR UPDATE``), keeps network calls out of it,
  and leaves a unique constraint as the last line of defence (``progress_repo.mark_done``).
"""
