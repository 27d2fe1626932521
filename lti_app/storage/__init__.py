"""Storage: SQLAlchemy models, the engine/session lifecycle, migrations and repository functions.

SQLAlchemy is imported only inside this package; every course query is scoped by tenant.
"""
