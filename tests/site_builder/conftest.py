"""Fixtures for site_builder tests: a valid course in tmp_path to break one thing at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_builder.course_fixtures import CourseTree


@pytest.fixture
def course_tree(tmp_path: Path) -> CourseTree:
    tree = CourseTree(tmp_path)
    tree.write_valid_course()
    return tree
