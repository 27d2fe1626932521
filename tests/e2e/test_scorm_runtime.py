"""SCOs from the real SCORM 1.2 and 2004 packages, run in Chromium next to a real SCORM runtime
(scorm-again): the learner's finished module reaches the runtime as completed, the self-checks
answered right as the score; without any runtime the same page works as in the site."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page, Route

from site_builder.course.loader import load_course
from site_builder.export.packages import PackageOptions, select_formats, write_packages
from tests.support.accessibility import blocking_findings, run_axe
from tests.support.lms_packages import Package, project_root
from tests.support.network import RequestLog
from tests.support.scorm_runtime import RuntimeMissing, ScormRuntime, install_harness
from tests.support.sitebuild import ServedSite, serve_directory

pytestmark = pytest.mark.browser

RUNTIMES = {"scorm12": ScormRuntime("1.2"), "scorm2004": ScormRuntime("2004")}


@dataclass(frozen=True)
class ServedPackage:
    served: ServedSite
    harness: str
    runtime: ScormRuntime
    sco: str
    self_checks: int


@pytest.fixture(scope="module")
def unpacked(site: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both SCORM packages of the e2e session's site, unpacked as an LMS would."""
    course = load_course(project_root() / "content")
    dist = tmp_path_factory.mktemp("scorm-dist")
    formats = select_formats(list(RUNTIMES))
    written = write_packages(course, site.root, dist, formats, PackageOptions(scores=True))
    return {
        f.name: Package.read(path).unpack(dist / f.name)
        for f, path in zip(formats, written, strict=True)
    }


@pytest.fixture(params=sorted(RUNTIMES))
def package(request: pytest.FixtureRequest, unpacked: dict[str, Path]) -> Iterator[ServedPackage]:
    runtime = RUNTIMES[request.param]
    folder = unpacked[request.param]
    try:
        harness = install_harness(folder, runtime)
    except RuntimeMissing as error:
        pytest.fail(str(error), pytrace=False)
    # Module pages are the SCOs (tests/site_builder/export checks the manifest says so).
    sco = f"modules/{load_course(project_root() / 'content').modules[0].path.stem}/index.html"
    checks = (folder / sco).read_text(encoding="utf-8").count('<form class="iv-selfcheck"')
    assert checks >= 2, "one right of several self-checks makes a score below 100"
    with serve_directory(folder) as served:
        yield ServedPackage(served, harness, runtime, sco, checks)


def _watch(page: Page) -> list[str]:
    """Script errors and failed requests (a file the package lacks) on the page and its frames."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}: {r.failure}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    return problems


def _cmi(page: Page, path: str) -> str:
    return str(page.evaluate("path => ivValue(path)", path))


def _wait_for_cmi(page: Page, path: str, value: str) -> None:
    page.wait_for_function("([path, value]) => ivValue(path) === value", arg=[path, value])


def _sco_frame(page: Page, package: ServedPackage) -> Frame:
    """The SCO's frame, two frames below the runtime, once its page is set up."""
    page.frame_locator("#player").frame_locator("#sco").locator("[data-iv-done] button").wait_for()
    return next(f for f in page.frames if f.url == package.served.url(package.sco))


def _answer_first_self_check_right(sco: Frame) -> None:
    form = sco.locator("form.iv-selfcheck").first
    for option in form.locator('li[data-iv-correct="true"] input').all():
        option.check()
    form.get_by_role("button", name="Check answer").click()
    form.locator(".iv-result--right").wait_for()


def test_a_finished_sco_reports_completion_and_its_self_check_score(
    page: Page, package: ServedPackage, request_log: RequestLog
) -> None:
    errors = _watch(page)
    page.goto(package.served.url(f"{package.harness}?sco={package.sco}"))
    sco = _sco_frame(page, package)
    runtime = package.runtime
    assert _cmi(page, runtime.status_path) == "incomplete"  # set on entering the SCO

    _answer_first_self_check_right(sco)
    expected = str(round(100 / package.self_checks))
    _wait_for_cmi(page, runtime.score_path, expected)
    assert _cmi(page, runtime.status_path) == "incomplete"

    sco.get_by_role("button", name="Mark this module as done").click()
    _wait_for_cmi(page, runtime.status_path, "completed")
    assert _cmi(page, runtime.score_path) == expected
    if runtime.version == "2004":
        assert float(_cmi(page, "cmi.score.scaled")) == round(100 / package.self_checks) / 100
    assert errors == []
    assert request_log.blocked == []


def test_opened_from_disk_without_a_runtime_the_page_works_offline_and_is_accessible(
    browser: Browser, package: ServedPackage, axe_source: str
) -> None:
    """file:// and no LMS: every request must stay inside the unpacked package."""
    root = package.served.root.resolve().as_uri() + "/"
    outside: list[str] = []

    def inside_only(route: Route) -> None:
        url = route.request.url
        if url.startswith(root):
            route.continue_()
        else:
            outside.append(url)
            route.abort("blockedbyclient")

    context = browser.new_context()
    try:
        context.route("**/*", inside_only)
        page = context.new_page()
        errors = _watch(page)
        page.goto(root + package.sco)
        page.get_by_role("button", name="Mark this module as done").click()
        # Its label changes once done ("Done – press again to undo"): find it by its box.
        assert page.locator("[data-iv-done] button").get_attribute("aria-pressed") == "true"
        _answer_first_self_check_right(page.main_frame)
        assert errors == []
        assert outside == []
        # Last: axe re-reads the stylesheets by XHR, which file:// refuses (not the page's doing).
        findings = blocking_findings(package.sco, run_axe(page, axe_source))
        assert [str(f) for f in findings] == []
    finally:
        context.close()
