"""The real course's site and packages, built once per session for every package test."""

from __future__ import annotations

import pytest

from tests.support.lms_packages import CoursePackages, write_course_packages
from tests.support.sitebuild import SiteBuildError


@pytest.fixture(scope="session")
def course_packages(tmp_path_factory: pytest.TempPathFactory) -> CoursePackages:
    try:
        return write_course_packages(tmp_path_factory.mktemp("lms-packages"))
    except SiteBuildError as error:
        pytest.fail(str(error), pytrace=False)
