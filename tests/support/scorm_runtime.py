"""A real SCORM runtime (scorm-again from npm) around an unpacked SCORM package, the way an LMS
player hosts a SCO: the API object on the top window, the SCO two frames below it, so the
SCO's discovery walks its parents as it would in Moodle or SCORM Cloud.

scorm-again (MIT) is fetched by scripts/setup-system.sh into .venv/npm; a missing copy fails.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.support.sitebuild import REPO_ROOT

SCORM_AGAIN_VERSION = "3.4.3"  # keep in sync with scripts/setup-system.sh
DEFAULT_PREFIX = REPO_ROOT / ".venv" / "npm"
HARNESS_PAGE = "lms-runtime.html"
PLAYER_PAGE = "lms-player.html"


class RuntimeMissing(RuntimeError):
    """scorm-again is not installed where setup-system.sh puts it."""


@dataclass(frozen=True)
class ScormRuntime:
    version: str
    """'1.2' or '2004'."""

    @property
    def script_name(self) -> str:
        return "scorm12.min.js" if self.version == "1.2" else "scorm2004.min.js"

    @property
    def api_name(self) -> str:
        return "API" if self.version == "1.2" else "API_1484_11"

    @property
    def constructor(self) -> str:
        return "Scorm12API" if self.version == "1.2" else "Scorm2004API"

    @property
    def status_path(self) -> str:
        return "cmi.core.lesson_status" if self.version == "1.2" else "cmi.completion_status"

    @property
    def score_path(self) -> str:
        return "cmi.core.score.raw" if self.version == "1.2" else "cmi.score.raw"


def scorm_again_script(runtime: ScormRuntime) -> Path:
    prefix = Path(os.environ.get("INTERVISION_AXE_PREFIX", DEFAULT_PREFIX))
    path = prefix / "node_modules" / "scorm-again" / "dist" / runtime.script_name
    if not path.is_file():
        raise RuntimeMissing(
            f"scorm-again {SCORM_AGAIN_VERSION} is missing at {path}: run "
            "`bash scripts/setup-system.sh` (as root on Debian) to install it"
        )
    return path


def install_harness(folder: Path, runtime: ScormRuntime) -> str:
    """Put the LMS pages beside the unpacked package; return the harness page's name.

    lms-runtime.html?sco=<href> makes the API and frames lms-player.html, which frames the SCO.
    """
    shutil.copy(scorm_again_script(runtime), folder / runtime.script_name)
    api, constructor = json.dumps(runtime.api_name), runtime.constructor
    (folder / HARNESS_PAGE).write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>SCORM {html.escape(runtime.version)} runtime</title>
<script src="{runtime.script_name}"></script>
<script>
  window[{api}] = new {constructor}({{ autocommit: false, logLevel: 5 }});
  /* What the runtime holds, e.g. ivValue("cmi.core.lesson_status"). */
  window.ivValue = function (path) {{
    return String(path.split(".").reduce(function (o, k) {{ return o[k]; }}, window[{api}]));
  }};
</script></head>
<body><main><h1>Test LMS</h1>
<iframe id="player" title="Course player" width="1200" height="900"></iframe>
<script>
  var sco = new URLSearchParams(location.search).get("sco");
  document.getElementById("player").src = "{PLAYER_PAGE}?sco=" + encodeURIComponent(sco);
</script></main></body></html>
""",
        encoding="utf-8",
    )
    (folder / PLAYER_PAGE).write_text(
        """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Player</title></head>
<body><iframe id="sco" title="Course content" width="1180" height="880"></iframe>
<script>
  document.getElementById("sco").src = new URLSearchParams(location.search).get("sco");
</script></body></html>
""",
        encoding="utf-8",
    )
    return HARNESS_PAGE
