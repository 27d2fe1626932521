"""The tool's rules, pure: no Flask, SQLAlchemy, pylti1p3, requests, redis, and no clock.

Everything here is plain frozen values and functions of them, so sign-up and exercise rules can
be tested on their own, in microseconds, and reused by views, services, the worker and the CLI.
Time comes in as a ``now`` parameter. ``ruff`` enforces the import ban (TID251, see
pyproject.toml); docs/architecture.md says what may import what.
"""
