"""Test helpers shared by the test folders: platforms, servers, sites, launches, fixtures.

Test modules import from here (``from tests.support.x import ...``), never from each other;
a folder's ``conftest.py`` imports the fixtures it offers from here by name.
"""
