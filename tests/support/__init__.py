"""Test helpers shared by the test folders. Test modules import from here
(``from tests.support.x import ...``), never from each other; a folder's ``conftest.py``
imports the fixtures it offers from here, by name.

* ``platforms``: a real lti1p3platform platform (its key server, the OIDC round trip);
  ``xblock_platform``: Open edX's lti-consumer-xblock as a second platform.
* ``launches``: registering a platform in the tool, launching it for real, and ``launch_as``
  (a launched session written through the tool's own storage, for view tests).
* ``servers``: loopback HTTP servers (WSGI apps, JSON documents), the demo LMS, the test keys.
* ``lti_fixtures``: the key server, tool and LMS servers and ``intervision demo`` as fixtures.
* ``databases``: the PostgreSQL/Redis servers' types and the migrated SQLite template copy.
* ``sites``: a small built site for the tool; ``sitebuild``: the real course built and served.
* ``state_scenarios``: the state-store promises run on the database and on Redis.
* ``refusals``: what a refused launch looks like; ``accessibility``: axe-core findings;
  ``network``: the browser's off-loopback request log; ``clock``: a settable clock.
"""
