"""How ``pytest -n 2 --dist loadgroup`` (scripts/test.sh) splits the suite over workers.

Each test module runs whole, in file order, on one worker: its module-scoped fixtures (site
builds, served deployments) are made once, and a module whose last test checks what its earlier
tests recorded (``tests/e2e/test_accessibility.py``: the allow-list's stale check) sees them all.
The modules in ``SERIAL_GROUP_MODULES`` load the machine (many processes and threads, tight
timeouts) or measure elapsed time: they form one unit, so no two of them run at the same time.

Why not ``@pytest.mark.xdist_group``: pytest-xdist 3.8 groups by a ``@group`` suffix it writes
into ``item._nodeid``, which pytest 9.2 no longer reads, so the marks are silently ignored there.
A suffix that does arrive (another pytest) is still honoured.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

SERIAL_GROUP = "load-and-timing"
SERIAL_GROUP_MODULES = frozenset(
    {
        "tests/benchmarks/test_benchmark_smoke.py",
        "tests/e2e/test_several_app_servers.py",
        "tests/e2e/test_signup_races_http.py",
        "tests/lti_app/test_http_fetch.py",
        "tests/lti_app/test_learner_text.py",
    }
)


def work_unit(nodeid: str) -> str:
    """The unit a test is scheduled in: an xdist_group suffix, the shared group, or its module."""
    if nodeid.rfind("@") > nodeid.rfind("]"):  # xdist's own rule for a group suffix
        return nodeid.rsplit("@", 1)[-1]
    module = nodeid.split("::", 1)[0]
    return SERIAL_GROUP if module in SERIAL_GROUP_MODULES else module


class ModuleScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no types
    """xdist's scope scheduler (whole units, handed out as workers free up) with our units."""

    def _split_scope(self, nodeid: str) -> str:
        return work_unit(nodeid)
