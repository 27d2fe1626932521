"""Same content, same bytes: `intervision package` run as a trainer runs it (no --site-dir,
so it builds the site itself, strictly, into a temporary folder) writes files identical to
the session's packages, which came from another build of the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lti_app.cli import main
from tests.support.lms_packages import TOOL_BASE_URL, CoursePackages, project_root


def test_a_second_build_and_packaging_gives_byte_identical_packages(
    course_packages: CoursePackages, tmp_path: Path
) -> None:
    assert "package" in main.commands  # the `intervision` command offers it
    env = {**os.environ, "INTERVISION_BASE_URL": TOOL_BASE_URL, "PYTHONWARNINGS": "ignore"}
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "package", "--language", "en", "-o", str(tmp_path)],
        cwd=project_root(),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in course_packages.by_format.values()
    )
    for name, path in course_packages.by_format.items():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), name
