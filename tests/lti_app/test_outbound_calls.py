"""Every outbound HTTP call of the tool goes through ``lti/http.fetch`` (deadline, size cap,
checked addresses): no other module of ``lti_app`` calls requests, urllib or http.client
itself. Read from the source (AST), so a new module that forgets it fails here, not in
production. The demo LMS is a platform, not the tool, and is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lti_app

ROOT = Path(lti_app.__file__).parent
# The one place that talks to the network, and the adapter it mounts.
ALLOWED = {ROOT / "lti" / "http.py", ROOT / "lti" / "outbound_policy.py"}
EXCLUDED_PACKAGES = {ROOT / "demo_lms"}
NETWORK_MODULES = ("urllib.request", "http.client", "httpx", "aiohttp", "urllib3")
# Sessions are made only by outbound_policy.guarded_session (pinned adapter mounted), so any
# call of ``requests.<anything>`` elsewhere (get, post, Session, ...) is a way around it.


def _offences(path: Path, source: str | None = None) -> list[str]:
    text = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(text, filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
            if node.module == "requests":  # a function or class taken out of requests
                names += [f"requests.{a.name}" for a in node.names if a.name[0].islower()]
                names += [f"requests.{a.name}" for a in node.names if a.name == "Session"]
        else:
            names = []
        for name in names:
            if name.startswith(NETWORK_MODULES) or name.startswith("requests."):
                found.append(f"{path.name}:{node.lineno} imports {name}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "requests":
                found.append(f"{path.name}:{node.lineno} calls requests.{node.func.attr}")
    return found


def test_no_module_but_lti_http_calls_the_network() -> None:
    offences = []
    for path in sorted(ROOT.rglob("*.py")):
        if path in ALLOWED or any(package in path.parents for package in EXCLUDED_PACKAGES):
            continue
        offences += _offences(path)
    assert not offences, "\n".join(offences)


def test_the_check_sees_a_direct_call() -> None:
    """The rule is not vacuous: it finds each way of calling out that it forbids."""
    source = (
        "import requests\nimport urllib.request\nfrom requests import get\n"
        "requests.get('http://x')\nhttp_session = requests.Session()\n"
        "with db.session() as session:\n    session.get(1)\n"
    )
    found = _offences(Path("probe.py"), source)
    assert len(found) == 4, found
