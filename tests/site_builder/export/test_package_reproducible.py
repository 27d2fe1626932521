"""Same content, same bytes: a second, independent build and packaging gives identical files."""

from __future__ import annotations

from pathlib import Path

from tests.support.lms_packages import CoursePackages, project_root, write_course_packages


def test_rebuilding_and_repackaging_gives_byte_identical_packages(
    course_packages: CoursePackages, tmp_path: Path
) -> None:
    again = write_course_packages(tmp_path, project_root())
    assert sorted(again.by_format) == sorted(course_packages.by_format)
    for name, path in course_packages.by_format.items():
        assert again.by_format[name].read_bytes() == path.read_bytes(), name
