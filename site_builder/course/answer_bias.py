"""Self-checks a test-wise learner can pass without reading: across a module, the right
answer of every single-answer question is the longest option (or the shortest), or sits in
the same position; and a single question whose right answer is far longer than any wrong one.

Shuffling options at render time hides the position from learners, but authors still write
in order, and length is not hidden by any shuffle: both are reported so they can be fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from site_builder.course.errors import ContentError
from site_builder.course.model import Course, Module

GIVEAWAY_RATIO = 1.5
"""A right answer this many times longer than the longest wrong one stands out by itself."""
MIN_QUESTIONS_FOR_PATTERN = 2


def answer_bias_warnings(course: Course) -> list[ContentError]:
    warnings: list[ContentError] = []
    for module in course.modules:
        warnings.extend(module_warnings(module))
    return warnings


def module_warnings(module: Module) -> list[ContentError]:
    from site_builder.markdown.blocks import SelfCheck, parse_blocks

    checks = [
        block
        for block in parse_blocks(module.body, module.body_first_line)
        if isinstance(block, SelfCheck) and not block.multiple
    ]
    return bias_warnings(module.path, checks)


def bias_warnings(path: Path, checks: Sequence[object]) -> list[ContentError]:
    """Warnings for the single-answer self-checks of one page (SelfCheck values)."""
    from site_builder.markdown.blocks import SelfCheck

    items = [check for check in checks if isinstance(check, SelfCheck) and not check.multiple]
    warnings: list[ContentError] = []
    positions: list[int] = []
    longest: list[bool] = []
    shortest: list[bool] = []
    for check in items:
        lengths = [len(option.text) for option in check.options]
        right = next(index for index, option in enumerate(check.options) if option.correct)
        wrong = [length for index, length in enumerate(lengths) if index != right]
        positions.append(right)
        longest.append(bool(wrong) and lengths[right] >= max(wrong))
        shortest.append(bool(wrong) and lengths[right] <= min(wrong))
        if wrong and lengths[right] >= GIVEAWAY_RATIO * max(wrong):
            warnings.append(
                ContentError(
                    path,
                    check.line,
                    None,
                    f"the right answer of this self-check has {lengths[right]} characters, "
                    f"the longest wrong one {max(wrong)}: its length gives it away",
                    "make a wrong option as specific as the right one, or shorten the right one",
                )
            )
    if len(items) < MIN_QUESTIONS_FOR_PATTERN:
        return warnings
    lines = ", ".join(str(check.line) for check in items)

    def on_every_check(what: str, fix: str) -> ContentError:
        """A pattern all the page's single-answer self-checks share, said at the first one."""
        return ContentError(
            path,
            items[0].line,
            None,
            f"in all {len(items)} single-answer self-checks (lines {lines}) the right "
            f"answer is {what}",
            fix,
        )

    if all(longest):
        warnings.append(
            on_every_check(
                "the longest option", "let a wrong option be the longest in at least one of them"
            )
        )
    if all(shortest):
        warnings.append(
            on_every_check(
                "the shortest option",
                "let the right answer be longer than a wrong one in at least one of them",
            )
        )
    if len(set(positions)) == 1:
        warnings.append(
            on_every_check(
                f"option {positions[0] + 1}", "put the right answer in different positions"
            )
        )
    return warnings
