"""Golden tests for the courseware Markdown extension: source in, HTML fragments out."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import markdown
import pytest

from site_builder.course.model import Activity, Method, Phase, Role, Source
from site_builder.markdown.block_html import SILENT_ICON
from site_builder.markdown.blocks import BlockSyntaxError
from site_builder.markdown.markdown_ext import UnknownReferenceError, makeExtension

REPO = Path(__file__).resolve().parents[2]

METHOD = Method(
    slug="demo-method",
    name="Demo method",
    summary="A demo.",
    group_size_min=4,
    group_size_max=8,
    evidence="None yet.",
    roles=(
        Role("case-bringer", "Case-bringer", "Brings the case."),
        Role("moderator", "Moderator", "Keeps time."),
        Role("consultant", "Consultant", "Asks and advises."),
    ),
    phases=(
        Phase("casting", "Casting", 10, "Choose *roles*.", ("all",), False, "none"),
        Phase(
            "questions",
            "Questions",
            30,
            "Ask open questions.",
            ("moderator", "consultant"),
            True,
            "key-question",
            ("What do you need?",),
        ),
    ),
    sources=(Source("Someone (2000). A book."),),
)
ACTIVITY = Activity(
    id="practice-round", type="signup", title="Practice <round>", description="Book a **seat**."
)


def render(source: str, tool_url: str | None = None) -> str:
    extension = makeExtension(
        methods={METHOD.slug: METHOD}, activities={ACTIVITY.id: ACTIVITY}, tool_url=tool_url
    )
    return markdown.markdown(dedent(source), extensions=["fenced_code", extension])


SELF_CHECK = """\
    Before.

    ::: self-check
    ? What is *intervision*?

    - [ ] Supervision <script>alert(1)</script>
      > No: see [the guide](https://example.org/guide).
    - [x] Peer consultation
      > Right.
    :::

    After.
    """


def test_self_check_renders_an_accessible_form() -> None:
    html = render(SELF_CHECK)
    assert html.startswith('<p>Before.</p>\n<form class="iv-selfcheck"')
    assert html.endswith("</form>\n<p>After.</p>")
    assert (
        '<form class="iv-selfcheck" data-iv-id="q-8267ea94" data-iv-multiple="false" '
        "novalidate>\n<fieldset>\n"
        '<legend class="iv-selfcheck__question"><span class="iv-kicker">Self-check</span> '
        "What is <em>intervision</em>?</legend>\n"
        '<p class="iv-selfcheck__hint">Choose one answer.</p>\n'
    ) in html
    assert (
        '<li class="iv-selfcheck__option" data-iv-correct="true">'
        '<input type="radio" id="iv-sc-1-2" name="iv-sc-1" value="o-f2172828">'
        '<label for="iv-sc-1-2">Peer consultation</label>'
        '<details class="iv-selfcheck__feedback">'
        "<summary>Feedback on this answer</summary>"
        '<span class="iv-verdict"></span> '  # the feedback says "Right." itself: once
        '<span class="iv-feedback__text">Right.</span></details></li>'
    ) in html
    assert (
        '<button type="submit" class="iv-button iv-selfcheck__actions" hidden>Check answer'
        "</button>\n"
        '<div class="iv-selfcheck__result" aria-live="polite"></div>'
    ) in html


def test_author_markup_is_rendered_and_sanitised() -> None:
    html = render(SELF_CHECK)
    assert "<script" not in html
    assert "alert(1)" not in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer">the guide</a>' in html
    unsafe = render("""\
        ::: reflection
        Click [here](javascript:alert(1)) <img src=x onerror=alert(2)>
        :::
        """)
    assert "javascript:" not in unsafe
    assert "onerror" not in unsafe
    assert "<img" not in unsafe


def test_multiple_uses_checkboxes_and_blocks_are_numbered_per_page() -> None:
    html = render("""\
        ::: self-check
        ? One
        - [x] A
          > a
        - [ ] B
          > b
        :::

        ::: self-check multiple
        ? Two
        - [x] A
          > a
        - [x] B
          > b
        :::
        """)
    assert 'data-iv-id="q-220bb4f2" data-iv-multiple="true"' in html
    assert '<input type="checkbox" id="iv-sc-2-1" name="iv-sc-2" value="o-198825de">' in html
    assert "Choose all answers that apply." in html
    assert html.count('type="radio"') == 2


def _saved_answer_keys(html: str) -> list[str]:
    return re.findall(r'data-iv-id="([^"]+)"', html)


def _option_values(html: str) -> dict[str, str]:
    """Option label -> input value, for every self-check option in the page."""
    pairs = re.findall(r'value="([^"]+)"><label for="[^"]+">([^<]+)</label>', html)
    return {label: value for value, label in pairs}


def test_saved_answers_follow_the_question_not_its_position() -> None:
    first = "::: self-check\n? First question\n- [x] Yes\n  > y\n- [ ] No\n  > n\n:::\n"
    second = "::: self-check\n? Second   question\n- [ ] Maybe\n  > m\n- [x] Surely\n  > s\n:::\n"
    before = render(first + "\n" + second)
    after = render(second.replace("Second   question", "Second question") + "\n" + first)
    assert len(set(_saved_answer_keys(before))) == 2
    assert _saved_answer_keys(after) == list(reversed(_saved_answer_keys(before)))
    assert _option_values(after) == _option_values(before)
    assert len(set(_option_values(before).values())) == 4

    options_swapped = first.replace(
        "- [x] Yes\n  > y\n- [ ] No\n  > n", "- [ ] No\n  > n\n- [x] Yes\n  > y"
    )
    values = _option_values(before)
    assert _option_values(render(options_swapped)) == {"Yes": values["Yes"], "No": values["No"]}


def test_explicit_self_check_id_and_repeated_questions() -> None:
    block = "::: self-check{args}\n? Which one?\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n\n"
    html = render(block.format(args="") + block.format(args="") + block.format(args=" id=own-role"))
    derived, repeat, explicit = _saved_answer_keys(html)
    assert re.fullmatch(r"q-[0-9a-f]{8}", derived)
    assert repeat == derived + "-2"
    assert explicit == "own-role"
    md = markdown.Markdown(extensions=[makeExtension(methods={}, activities={})])
    page = block.format(args="")
    assert md.convert(page) == md.reset().convert(page), "repeats are counted per page"


def test_reflection_has_a_labelled_textarea_with_a_stable_id() -> None:
    html = render("""\
        ::: reflection
        Think of a **case**.
        :::

        ::: reflection id=own-case
        Which case?
        :::
        """)
    assert (
        '<div class="iv-reflection" data-iv-reflection="1">\n'
        '<p class="iv-kicker">Reflection</p>\n'
        '<div class="iv-reflection__prompt" id="iv-reflection-1-prompt">'
        "<p>Think of a <strong>case</strong>.</p></div>\n"
        '<label class="iv-reflection__label" for="iv-reflection-1">Your reflection '
        "(stays in this browser only)</label>\n"
        '<textarea class="iv-reflection__answer" id="iv-reflection-1" rows="6" '
        'aria-describedby="iv-reflection-1-prompt iv-reflection-1-status"></textarea>\n'
    ) in html
    assert 'data-iv-reflection="own-case"' in html
    assert 'id="iv-reflection-own-case"' in html
    assert 'data-iv-action="download-reflections"' in html
    assert 'data-iv-action="print-reflections"' in html


def test_method_timeline_shows_minutes_speakers_and_silence() -> None:
    html = render("""\
        ::: method-timeline demo-method
        :::
        """)
    assert (
        '<figcaption class="iv-timeline__summary"><strong>Demo method</strong>: 2 steps, '
        "40 minutes in total, for groups of 4 to 8 people.</figcaption>"
    ) in html
    assert (
        '<li class="iv-phase iv-phase--silent" data-iv-phase="questions">'
        '<p class="iv-phase__header"><span class="iv-phase__name">'
        '<span class="iv-phase__label">2.</span> Questions</span> '
        '<span class="iv-phase__minutes">30 min</span></p>'
        '<div class="iv-phase__bar" aria-hidden="true"><span style="width: 75.0%"></span></div>'
        '<p class="iv-phase__goal">Ask open questions.</p>'
        '<dl class="iv-phase__facts">'
        "<div><dt>Who speaks</dt><dd>Moderator, Consultant</dd></div>"
        "<div><dt>Case-bringer</dt><dd>"
        f'<span class="iv-silent-marker">{SILENT_ICON}Case-bringer silent: listens only'
        "</span></dd></div>"
        "<div><dt>Write in the tool</dt><dd>The key question</dd></div></dl>"
        '<p class="iv-phase__prompts-label">Prompts</p>'
        '<ul class="iv-phase__prompts"><li>What do you need?</li></ul></li>'
    ) in html
    assert "<dd>Everyone</dd>" in html
    assert "Choose <em>roles</em>." in html


def test_activity_on_the_public_site_points_to_the_learning_platform() -> None:
    html = render("::: activity practice-round\n:::\n")
    assert (
        '<div class="iv-activity" role="group" aria-labelledby="iv-activity-1-title" '
        'data-iv-activity="practice-round">\n'
        '<p class="iv-kicker">Sign-up activity</p>\n'
        '<p class="iv-activity__title" id="iv-activity-1-title">Practice &lt;round&gt;</p>\n'
        '<p class="iv-activity__description">Book a <strong>seat</strong>.</p>\n'
    ) in html
    assert "learning platform (Moodle or Canvas)" in html
    assert '<p class="iv-activity__open" hidden>' in html


def test_activity_links_to_the_tool_when_configured() -> None:
    html = render("::: activity practice-round\n:::\n", tool_url="https://tool.test/")
    assert (
        '<p class="iv-activity__open"><a class="iv-button" '
        'href="https://tool.test/activities/practice-round">Open “Practice &lt;round&gt;”</a></p>'
    ) in html


def test_blocks_in_fenced_code_stay_code() -> None:
    html = render("""\
        ```
        ::: self-check
        :::
        ```
        """)
    assert "<pre><code>::: self-check\n:::\n</code></pre>" in html
    assert "iv-selfcheck" not in html


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Text\n\n::: method-timeline nope\n:::\n", 3, "unknown method; use one of: demo-method"),
        ("::: activity nope\n:::\n", 1, "declare it under 'activities:' in content/course.yml"),
    ],
)
def test_unknown_references_fail_with_line_and_fix(source: str, line: int, message: str) -> None:
    with pytest.raises(UnknownReferenceError) as caught:
        render(source)
    assert caught.value.line == line
    assert message in caught.value.message


def test_syntax_errors_surface_with_their_line() -> None:
    with pytest.raises(BlockSyntaxError) as caught:
        render("Intro\n\n::: self-check\n? Q\n- [x] A\n:::\n")
    assert caught.value.line == 3
    assert "needs at least 2" in caught.value.message


def test_methods_and_activities_load_lazily_from_the_content_folder() -> None:
    extension = makeExtension(content_dir=REPO / "content")
    html = markdown.markdown(
        "::: method-timeline collegial-counselling\n:::\n\n::: activity practice-round\n:::\n",
        extensions=[extension],
    )
    assert (
        '<figure class="iv-timeline" data-iv-method="collegial-counselling" data-search-exclude>'
    ) in html
    assert 'data-iv-activity="practice-round"' in html
    assert "Case-bringer silent: listens only" in html


def test_only_a_searchable_timeline_enters_the_site_search() -> None:
    extension = makeExtension(content_dir=REPO / "content")
    html = markdown.markdown(
        "::: method-timeline collegial-counselling searchable\n:::\n", extensions=[extension]
    )
    assert '<figure class="iv-timeline" data-iv-method="collegial-counselling">' in html
    with pytest.raises(BlockSyntaxError, match="needs exactly one method slug"):
        markdown.markdown(
            "::: method-timeline collegial-counselling loud\n:::\n", extensions=[extension]
        )
