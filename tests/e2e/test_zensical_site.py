"""The course built with Zensical (`intervision build --engine zensical`) in real Chromium:
self-checks give feedback and progress counts a done module, and no page type makes a
third-party request. The same flows as the Material site's tests, one test per flow."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.support.engine_sites import build_with_engine
from tests.support.network import RequestLog
from tests.support.sitebuild import ServedSite, SiteBuildError, page_types, serve_directory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    site_dir = tmp_path_factory.mktemp("zensical-site") / "site"
    try:
        build_with_engine(site_dir, "zensical")
    except SiteBuildError as error:
        pytest.fail(str(error), pytrace=False)
    with serve_directory(site_dir) as served:
        yield served


def open_page(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    expect(page.locator("form.iv-selfcheck, [data-iv-progress]").first).to_be_attached()


def test_self_check_feedback_and_progress_on_the_zensical_site(
    page: Page, zensical_site: ServedSite
) -> None:
    types = page_types(zensical_site.root)
    total = len(types.modules)
    open_page(page, zensical_site.url(types.overview))
    progress_text = page.locator(".iv-progress__text")
    expect(progress_text).to_have_text(f"0 of {total} modules done")

    open_page(page, zensical_site.url(types.modules[0]))
    form = page.locator("form.iv-selfcheck").first
    region = form.locator(".iv-selfcheck__result")
    check = form.get_by_role("button", name="Check answer")
    form.locator("li.iv-selfcheck__option[data-iv-correct='false'] label").first.click()
    check.click()
    expect(region).to_contain_text("Not quite.")
    right = form.locator("li.iv-selfcheck__option[data-iv-correct='true']").first
    right.locator("label").click()
    check.click()
    expect(region).to_contain_text("Correct.")
    expect(right).to_have_class(re.compile(r"\bis-right\b"))

    page.get_by_role("button", name="Mark this module as done").click()
    open_page(page, zensical_site.url(types.overview))
    expect(progress_text).to_have_text(f"1 of {total} modules done")
    expect(page.locator("[data-iv-module].is-done")).to_have_count(1)


def test_every_zensical_page_type_makes_zero_third_party_requests(
    zensical_site: ServedSite, page: Page, request_log: RequestLog
) -> None:
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    # One page of each type (the Material site's test visits them all; the types share the
    # templates and scripts), plus the trainer kit's overview and a card page.
    pages = page_types(zensical_site.root)
    cards = sorted(zensical_site.root.glob("kit/cards/*/index.html"))
    assert cards, "the Zensical site has no trainer kit card pages"
    kit = ["kit/index.html", cards[0].relative_to(zensical_site.root).as_posix()]
    for path in [pages.overview, pages.modules[0], pages.methods[0], pages.not_found, *kit]:
        response = page.goto(zensical_site.url(path), wait_until="networkidle")
        assert response is not None and response.ok, f"{path} answered {response}"
    assert request_log.blocked == [], f"pages requested third-party URLs: {request_log.blocked}"
    assert script_errors == [], f"pages threw script errors: {script_errors}"
    # Control: the recorder sees a request that leaves loopback.
    page.evaluate("() => fetch('https://example.invalid/probe').catch(() => null)")
    assert request_log.blocked == ["https://example.invalid/probe"]
