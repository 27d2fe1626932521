"""`intervision package`: options, and errors that say what to do (never a traceback)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_builder.export.package_cli import package
from site_builder.export.packages import FORMAT_NAMES, PackageError, tool_launch
from tests.support.lms_packages import CoursePackages, project_root


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(package, list(args), env=env or {"INTERVISION_BASE_URL": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_cartridges_without_a_tool_address_are_refused_before_anything_is_built(
    tmp_path: Path,
) -> None:
    code, output = _run("--site-dir", str(tmp_path / "none"), "-o", str(tmp_path / "dist"))
    assert code == 1
    assert "need its address: pass --base-url https://" in output
    assert "INTERVISION_BASE_URL" in output and "--format scorm12" in output
    assert "Traceback" not in output
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("tool.example.edu", "not an absolute http(s) address"),
        ("ftp://tool.example.edu", "not an absolute http(s) address"),
        ("https://tool.example.edu/?x=1", "has a query or fragment"),
    ],
)
def test_a_malformed_base_url_is_named(url: str, message: str) -> None:
    with pytest.raises(PackageError, match=re.escape(message)):
        tool_launch(url)


def test_the_base_url_loses_its_trailing_slash() -> None:
    assert tool_launch(" https://tool.example.edu/iv/ ").launch_url == (
        "https://tool.example.edu/iv/lti/launch"
    )


def test_a_missing_site_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _run(
        "--content-dir",
        str(project_root() / "content"),
        "--site-dir",
        str(tmp_path / "nothing-built"),
        "--format",
        "scorm12",
        "-o",
        str(tmp_path / "dist"),
    )
    assert code == 1
    assert "holds no built site: run `intervision build` first" in output
    assert "Traceback" not in output


def test_a_site_older_than_the_content_is_refused(
    course_packages: CoursePackages, tmp_path: Path
) -> None:
    stale = tmp_path / "site"
    shutil.copytree(course_packages.site_dir, stale)
    first = course_packages.course.modules[0]
    shutil.rmtree(stale / "modules" / first.path.stem)
    code, output = _run(
        "--content-dir",
        str(project_root() / "content"),
        "--site-dir",
        str(stale),
        "--format",
        "scorm2004",
        "-o",
        str(tmp_path / "dist"),
    )
    assert code == 1
    assert f"has no page for {first.src_uri}" in output
    assert not (tmp_path / "dist").exists()


def test_chosen_formats_from_a_built_site_with_the_address_from_the_environment(
    course_packages: CoursePackages, tmp_path: Path
) -> None:
    code, output = _run(
        "--content-dir",
        str(project_root() / "content"),
        "--site-dir",
        str(course_packages.site_dir),
        "--format",
        "thin-cc13",
        "--format",
        "cc11",
        "-o",
        str(tmp_path / "dist"),
        env={"INTERVISION_BASE_URL": "https://tool.example.edu/intervision"},
    )
    assert code == 0, output
    written = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert written == [
        "intervision-in-practice-cc11.imscc",
        "intervision-in-practice-thin-cc13.imscc",
    ]
    assert written[0] in output and "Common Cartridge 1.1 (Moodle: course restore)" in output
    # Same site, same options: the same bytes as the session's packages.
    assert (tmp_path / "dist" / written[0]).read_bytes() == (
        course_packages.by_format["cc11"].read_bytes()
    )
    assert set(FORMAT_NAMES) == {"cc11", "cc13", "thin-cc13", "scorm12", "scorm2004"}
