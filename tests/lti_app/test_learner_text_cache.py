"""The rendered-text cache of lti_app/web/learner_text.py: a hit returns the very markup a
fresh rendering gives (for every XSS payload too), the bounds in entries, characters and age
hold, and another renderer version or another text misses."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from lti_app.web import learner_text
from lti_app.web.learner_text import RenderCache, render_learner_markdown
from tests.support.xss_payloads import XSS_PAYLOADS, markup_problems


class Clock:
    """A monotonic clock the test moves by hand (the cache's age bound, without waiting)."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def counting(renders: list[str]) -> Callable[[str], str]:
    """A renderer that records each call and numbers its output."""

    def render(text: str) -> str:
        renders.append(text)
        return f"<p>{len(renders)}:{text}</p>"

    return render


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> RenderCache:
    cache = RenderCache()
    monkeypatch.setattr(learner_text, "render_cache", cache)
    return cache


def test_a_hit_returns_the_markup_a_fresh_rendering_gives(fresh_cache: RenderCache) -> None:
    texts = [
        "**bold** and [a link](https://example.org/x) & <b>not markup</b>\n\n- one\n- two",
        *(payload.text for payload in XSS_PAYLOADS),
    ]
    first = [render_learner_markdown(text) for text in texts]
    misses, hits = fresh_cache.stats.misses, fresh_cache.stats.hits
    again = [render_learner_markdown(text) for text in texts]
    assert again == first
    assert fresh_cache.stats.misses == misses  # all of them hits
    shown = [t for t in texts if learner_text.normalise_learner_text(t).strip()]
    assert fresh_cache.stats.hits - hits == len(shown)
    fresh_cache.clear()
    assert [render_learner_markdown(text) for text in texts] == first  # rendered again, equal
    assert all(markup_problems(html) == [] for html in again)


def test_the_key_is_the_normalised_text_and_the_renderer_version(
    fresh_cache: RenderCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = render_learner_markdown("line one\r\nline *two*")
    assert render_learner_markdown("line one\nline *two*") == html  # same stored form: a hit
    assert (fresh_cache.stats.hits, fresh_cache.stats.misses) == (1, 1)
    render_learner_markdown("line one\nline *three*")
    assert fresh_cache.stats.misses == 2
    monkeypatch.setattr(learner_text, "RENDERER_VERSION", learner_text.RENDERER_VERSION + "+1")
    assert render_learner_markdown("line one\nline *two*") == html
    assert fresh_cache.stats.misses == 3  # another renderer version never reads old entries


def test_too_long_and_empty_texts_never_reach_the_cache(fresh_cache: RenderCache) -> None:
    with pytest.raises(learner_text.LearnerTextTooLong):
        render_learner_markdown("x" * (learner_text.MAX_LEARNER_TEXT + 1))
    assert render_learner_markdown(" \n ") == ""
    assert len(fresh_cache) == 0 and fresh_cache.stats.misses == 0


def test_versions_are_part_of_the_key() -> None:
    renders: list[str] = []
    cache = RenderCache()
    assert cache.get_or_render("v1", "text", counting(renders)) == "<p>1:text</p>"
    assert cache.get_or_render("v1", "text", counting(renders)) == "<p>1:text</p>"
    assert cache.get_or_render("v2", "text", counting(renders)) == "<p>2:text</p>"
    assert renders == ["text", "text"]


def test_the_entry_bound_evicts_the_least_recently_used() -> None:
    renders: list[str] = []
    cache = RenderCache(entries=3)
    for text in ("a", "b", "c"):
        cache.get_or_render("v", text, counting(renders))
    cache.get_or_render("v", "a", counting(renders))  # "a" is now the most recent
    cache.get_or_render("v", "d", counting(renders))  # evicts "b"
    assert len(cache) == 3 and cache.stats.evictions == 1
    for text in ("a", "c", "d"):
        cache.get_or_render("v", text, counting(renders))
    assert renders == ["a", "b", "c", "d"]  # all three still cached
    cache.get_or_render("v", "b", counting(renders))
    assert renders[-1] == "b"  # "b" had gone


def test_the_character_bound_holds_and_an_oversized_result_is_not_kept() -> None:
    cache = RenderCache(characters=1_000)
    for n in range(50):
        cache.get_or_render("v", f"text {n}", lambda text: text * 20)
        assert cache.characters <= 1_000
    assert 0 < len(cache) < 50
    assert cache.characters == sum(len(f"text {n}") * 20 + 100 for n in range(50 - len(cache), 50))
    kept = len(cache)
    html = cache.get_or_render("v", "huge", lambda text: "x" * 5_000)
    assert html == "x" * 5_000  # returned, not kept, and nothing evicted for it
    assert len(cache) == kept and cache.characters <= 1_000


def test_entries_expire_and_are_swept_even_if_never_read_again() -> None:
    clock = Clock()
    renders: list[str] = []
    cache = RenderCache(seconds=300, clock=clock)
    cache.get_or_render("v", "case text", counting(renders))
    clock.now += 299
    cache.get_or_render("v", "case text", counting(renders))
    assert renders == ["case text"]  # still fresh: a hit
    clock.now += 1
    cache.get_or_render("v", "case text", counting(renders))
    assert renders == ["case text", "case text"]  # expired: rendered again
    cache.get_or_render("v", "withdrawn case", counting(renders))
    clock.now += 301
    cache.get_or_render("v", "another text", counting(renders))  # any rendering sweeps
    assert len(cache) == 1  # neither old entry is held any more
    assert cache.characters == len("<p>4:another text</p>") + 100


def test_threads_rendering_at_once_keep_the_bounds() -> None:
    cache = RenderCache(entries=64, characters=20_000)
    failures: list[str] = []

    def work(offset: int) -> None:
        for n in range(400):
            text = f"text {(n * 7 + offset) % 150}"
            if cache.get_or_render("v", text, lambda t: f"<p>{t}</p>") != f"<p>{text}</p>":
                failures.append(text)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(cache) <= 64 and cache.characters <= 20_000
    assert cache.characters == sum(len(html) + 100 for _, html in cache._items.values())
