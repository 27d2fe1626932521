"""Golden tests for the `:::` block parser: values for good input, line and fix for bad input."""

from __future__ import annotations

from textwrap import dedent

import pytest

from site_builder.markdown.blocks import (
    ActivityRef,
    BlockSyntaxError,
    MethodTimelineRef,
    Reflection,
    SelfCheck,
    SelfCheckOption,
    parse_blocks,
    text_outside_blocks,
)

SELF_CHECK = dedent(
    """\
    Intro text.

    ::: self-check
    ? What makes a conversation *intervision*
    rather than supervision?

    - [ ] A more experienced colleague assesses you.
      > That describes supervision.
    - [x] Colleagues of equal standing consult each other.
      > Right. Equality is the defining feature:
      > nobody assesses anybody.
    :::
    """
)


def test_self_check_is_parsed_with_question_options_and_feedback() -> None:
    assert parse_blocks(SELF_CHECK) == [
        SelfCheck(
            question="What makes a conversation *intervision*\nrather than supervision?",
            multiple=False,
            options=(
                SelfCheckOption(
                    "A more experienced colleague assesses you.",
                    False,
                    "That describes supervision.",
                ),
                SelfCheckOption(
                    "Colleagues of equal standing consult each other.",
                    True,
                    "Right. Equality is the defining feature:\nnobody assesses anybody.",
                ),
            ),
            line=3,
        )
    ]


def test_line_numbers_are_absolute_from_first_line() -> None:
    (block,) = parse_blocks(SELF_CHECK, first_line=20)
    assert block.line == 22


def test_multiple_allows_several_right_options() -> None:
    text = dedent(
        """\
        ::: self-check multiple
        ? Which are roles?
        - [x] Moderator
          > Yes.
        - [X] Case-bringer
          > Yes.
        - [ ] Judge
          > No.
        :::
        """
    )
    (block,) = parse_blocks(text)
    assert isinstance(block, SelfCheck)
    assert block.multiple
    assert [option.correct for option in block.options] == [True, True, False]


def test_reflection_method_timeline_and_activity() -> None:
    text = dedent(
        """\
        ::: reflection
        Think of a case.

        What do you want to understand?
        :::

        ::: reflection id=own-case
        Which case?
        :::

        ::: method-timeline collegial-counselling
        :::

        ::: activity practice-round
        :::
        """
    )
    assert parse_blocks(text, first_line=5) == [
        Reflection("Think of a case.\n\nWhat do you want to understand?", None, 5),
        Reflection("Which case?", "own-case", 11),
        MethodTimelineRef("collegial-counselling", 15),
        ActivityRef("practice-round", 18),
    ]


def test_blocks_inside_fenced_code_are_ignored() -> None:
    text = dedent(
        """\
        ```markdown
        ::: self-check
        :::
        ```

        ~~~~
        ::: nonsense
        ~~~~

        ::: activity practice-round
        :::
        """
    )
    assert parse_blocks(text) == [ActivityRef("practice-round", 10)]


def test_text_outside_blocks_drops_blocks_and_keeps_the_rest() -> None:
    remaining = text_outside_blocks(SELF_CHECK + "\nAfter the block.\n")
    assert remaining.split() == ["Intro", "text.", "After", "the", "block."]


ERRORS = [
    pytest.param("text\n::: quiz\n:::\n", 2, "unknown block kind 'quiz'", id="unknown-kind"),
    pytest.param("::: reflection\nThink.\n\nmore\n", 1, "is never closed", id="unclosed"),
    pytest.param(
        "::: reflection\nThink.\n::: activity x\n:::\n:::\n",
        3,
        "blocks do not nest",
        id="nested",
    ),
    pytest.param(":::\n", 1, "no block is open", id="stray-closer"),
    pytest.param(
        "::: self-check\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n",
        1,
        "has no question",
        id="missing-question",
    ),
    pytest.param(
        "::: self-check\n? Q\n- [x] A\n  > a\n:::\n", 1, "needs at least 2", id="one-option"
    ),
    pytest.param(
        "::: self-check\n? Q\n- [x] A\n  > a\n- [x] B\n  > b\n:::\n",
        1,
        "has 2 right options but needs exactly 1",
        id="single-two-correct",
    ),
    pytest.param(
        "::: self-check\n? Q\n- [ ] A\n  > a\n- [ ] B\n  > b\n:::\n",
        1,
        "has 0 right options but needs exactly 1",
        id="single-none-correct",
    ),
    pytest.param(
        "::: self-check multiple\n? Q\n- [ ] A\n  > a\n- [ ] B\n  > b\n:::\n",
        1,
        "has no right option",
        id="multiple-none-correct",
    ),
    pytest.param(
        "::: self-check\n? Q\n- [x] A\n  > a\n- [ ] Because of B\n:::\n",
        5,
        "option 'Because of B' has no feedback line; add a line starting with '  > '",
        id="option-without-feedback",
    ),
    pytest.param(
        "::: self-check\nHello\n? Q\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n",
        2,
        "must start with the question",
        id="stray-before-question",
    ),
    pytest.param(
        "::: self-check\n? Q\n- [x] A\n  > a\n\nstray words\n- [ ] B\n  > b\n:::\n",
        6,
        "stray text in the self-check",
        id="stray-between-options",
    ),
    pytest.param(
        "::: self-check\n? Q\n  > early\n- [x] A\n  > a\n:::\n",
        3,
        "right under an option",
        id="feedback-before-option",
    ),
    pytest.param(
        "::: self-check\n? Q\n? Again\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n",
        3,
        "one question",
        id="second-question",
    ),
    pytest.param(
        "::: self-check single\n? Q\n:::\n",
        1,
        "takes no argument, 'multiple', an id in kebab-case or both",
        id="self-check-bad-argument",
    ),
    pytest.param(
        "::: self-check id=Own_Role\n? Q\n:::\n",
        1,
        "an id in kebab-case",
        id="self-check-bad-id",
    ),
    pytest.param(
        "::: self-check id=a id=b\n? Q\n:::\n",
        1,
        "an id in kebab-case or both",
        id="self-check-two-ids",
    ),
    pytest.param(
        "::: self-check id=q\n? Q\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n"
        "::: self-check multiple id=q\n? R\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n",
        8,
        "self-check id 'q' is already used on line 1",
        id="duplicate-self-check-id",
    ),
    pytest.param(
        "::: self-check\n? Q\n- [x] Same  text\n  > a\n- [ ] Same text\n  > b\n:::\n",
        5,
        "repeats the option on line 3",
        id="duplicate-option-text",
    ),
    pytest.param("::: reflection\n\n:::\n", 1, "has no prompt", id="empty-reflection"),
    pytest.param(
        "::: reflection name=x\nThink.\n:::\n",
        1,
        "optional id in kebab-case",
        id="reflection-bad-argument",
    ),
    pytest.param(
        "::: reflection id=a\nOne.\n:::\n::: reflection id=a\nTwo.\n:::\n",
        4,
        "already used on line 1",
        id="duplicate-reflection-id",
    ),
    pytest.param(
        "::: method-timeline\n:::\n",
        1,
        "needs exactly one method slug",
        id="timeline-without-slug",
    ),
    pytest.param(
        "::: activity Practice Round\n:::\n",
        1,
        "needs exactly one activity id",
        id="activity-bad-id",
    ),
    pytest.param(
        "::: method-timeline collegial-counselling\nphases here\n:::\n",
        2,
        "stray text inside the '::: method-timeline' block",
        id="timeline-with-content",
    ),
]


@pytest.mark.parametrize(("source", "line", "message"), ERRORS)
def test_syntax_errors_name_the_line_and_the_fix(source: str, line: int, message: str) -> None:
    with pytest.raises(BlockSyntaxError) as caught:
        parse_blocks(source, first_line=1)
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"line {line}: ")


def test_self_check_takes_an_id_and_multiple_in_any_order() -> None:
    body = "? Q\n- [x] A\n  > a\n- [x] B\n  > b\n:::\n"
    first, second, third = parse_blocks(
        f"::: self-check multiple id=own-role\n{body}"
        f"::: self-check id=other multiple\n{body}"
        f"::: self-check multiple\n{body}"
    )
    assert isinstance(first, SelfCheck) and isinstance(second, SelfCheck)
    assert isinstance(third, SelfCheck)
    assert (first.id, first.multiple, first.line) == ("own-role", True, 1)
    assert (second.id, second.multiple, second.line) == ("other", True, 8)
    assert (third.id, third.multiple) == (None, True)


def test_a_self_check_and_a_reflection_may_share_an_id() -> None:
    blocks = parse_blocks(
        "::: self-check id=x\n? Q\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n"
        "::: reflection id=x\nThink.\n:::\n"
    )
    assert [type(block).__name__ for block in blocks] == ["SelfCheck", "Reflection"]


def test_error_lines_are_offset_by_first_line() -> None:
    with pytest.raises(BlockSyntaxError) as caught:
        parse_blocks("ok\n\n::: self-check\n? Q\n:::\n", first_line=11)
    assert caught.value.line == 13
