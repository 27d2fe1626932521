"""Every XSS payload through the real ``learner_markdown`` filter, opened in real Chromium.

A tiny Flask app renders all payloads (tests/support/xss_payloads.py) into one page, with the
tool's real Content-Security-Policy (``lti.headers.content_security_policy``) and once without
any CSP, so the sanitiser alone must stop them. The page's own nonce'd script proves script runs
at all; a control page with one payload left unsanitised proves the harness sees a script that
runs (and, with the CSP, that the policy blocks and reports it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask import Flask, Response, render_template_string
from markupsafe import Markup
from playwright.sync_api import ConsoleMessage, Dialog, Page, Request

from lti_app.lti.headers import content_security_policy, csp_nonce
from lti_app.web import learner_text
from tests.support.network import RequestLog
from tests.support.servers import loopback_server
from tests.support.xss_payloads import XSS_MARKER, XSS_PAYLOADS

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Learner text</title>
<link rel="icon" href="data:,">
<script nonce="{{ csp_nonce() }}">
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(event.violatedDirective + " " + event.blockedURI);
  });
  window.addEventListener("load", () => setTimeout(() => { window.__settled = true; }, 0));
</script></head>
<body><main>
{% for payload in payloads %}
<section data-payload="{{ payload.id }}">{{ payload.text | learner_markdown }}</section>
{% endfor %}
{% if raw %}<section data-payload="unsanitised">{{ raw }}</section>{% endif %}
</main>
<script nonce="{{ csp_nonce() }}">window.__page_script_ran = true;</script>
</body></html>"""

CONTROL = Markup(f'<img src="x" onerror="window.{XSS_MARKER}=1">')  # noqa: S704 (the control)
ALLOWED_PROTOCOLS = ["http:", "https:", "mailto:"]

# Run inside the page after it settled: what the browser's own parser made of the payloads.
INSPECT = """(marker) => {
  const sections = [...document.querySelectorAll("section[data-payload]")];
  const found = [];
  const forbidden = "script, iframe, frame, object, embed, svg, math, style, img, video, " +
    "audio, form, input, button, textarea, select, base, meta, link, details, template";
  for (const section of sections) {
    const id = section.dataset.payload;
    for (const element of section.querySelectorAll("*")) {
      if (element.matches(forbidden)) found.push(id + ": <" + element.localName + ">");
      for (const attribute of element.attributes) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith("on") || ["style", "srcdoc", "class", "id", "target"].includes(name))
          found.push(id + ": <" + element.localName + " " + name + ">");
      }
      if (element.localName === "a" && element.hasAttribute("href") &&
          !ALLOWED_PROTOCOLS.includes(element.protocol))
        found.push(id + ": href " + element.getAttribute("href"));
    }
    // Fire what handlers listen for; nothing may answer (links are not clicked: their
    // protocol was checked above, and a click would leave the page).
    for (const element of section.querySelectorAll("*")) {
      for (const type of ["mouseover", "mouseenter", "pointerenter", "focus", "toggle",
                          "animationstart"]) {
        element.dispatchEvent(new Event(type, {bubbles: true}));
      }
    }
  }
  return {found, marker: typeof window[marker], sections: sections.length};
}""".replace("ALLOWED_PROTOCOLS", json.dumps(ALLOWED_PROTOCOLS))


def tiny_app(*, csp: bool, raw: Markup | None = None) -> Flask:
    app = Flask(__name__)
    learner_text.init_app(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.get("/")
    def page() -> str:
        payloads = XSS_PAYLOADS if raw is None else ()
        return render_template_string(PAGE, payloads=payloads, raw=raw)

    @app.after_request
    def policy(response: Response) -> Response:
        if csp:
            response.headers["Content-Security-Policy"] = content_security_policy("'none'")
        return response

    return app


@dataclass
class Watched:
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def watched(page: Page) -> Iterator[Watched]:
    seen = Watched()

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)

    def on_request(request: Request) -> None:
        seen.requests.append(request.url)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("request", on_request)
    yield seen


@contextmanager
def open_settled(page: Page, app: Flask) -> Iterator[str]:
    """Serve ``app`` on loopback, open it and wait until the page's own script says it settled
    (after load, one task later: handlers queued by the parser have had their turn)."""
    with loopback_server() as server:
        server.switchboard.target = app
        page.goto(server.url + "/")
        page.wait_for_function("window.__settled === true")
        yield server.url


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "sanitiser-alone"])
def test_no_payload_runs_script_in_chromium(
    page: Page, watched: Watched, request_log: RequestLog, csp: bool
) -> None:
    with open_settled(page, tiny_app(csp=csp)) as url:
        result = page.evaluate(INSPECT, XSS_MARKER)
        assert result["sections"] == len(XSS_PAYLOADS)
        assert result["found"] == []
        assert result["marker"] == "undefined"
        assert page.evaluate("window.__page_script_ran") is True, "script can run on this page"
        assert page.evaluate("window.__violations") == [], "the sanitiser left nothing to block"
        assert watched.dialogs == []
        assert watched.page_errors == []
        assert watched.console_errors == []
        assert watched.requests == [url + "/"], "no tracking pixel, script or frame was loaded"
        assert request_log.blocked == []


def test_the_harness_sees_an_unsanitised_payload_run(page: Page, watched: Watched) -> None:
    with open_settled(page, tiny_app(csp=False, raw=CONTROL)):
        assert page.evaluate(f"window.{XSS_MARKER}") == 1


def test_the_tools_csp_blocks_and_reports_an_unsanitised_payload(
    page: Page, watched: Watched
) -> None:
    with open_settled(page, tiny_app(csp=True, raw=CONTROL)):
        assert page.evaluate(f"typeof window.{XSS_MARKER}") == "undefined"
        violations = page.evaluate("window.__violations")
        assert any(violation.startswith("script-src") for violation in violations), violations
