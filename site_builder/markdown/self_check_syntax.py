"""The body of a `::: self-check` block: question, options and feedback (docs/authoring.md).

Kept apart from the block scanner because it holds most of the format's rules and messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.markdown.block_types import BlockSyntaxError, SelfCheck, SelfCheckOption

_QUESTION = re.compile(r"^\?[ \t]+(?P<text>\S.*)$")
_OPTION = re.compile(r"^- \[(?P<mark>[ xX])\][ \t]+(?P<text>\S.*)$")
_FEEDBACK = re.compile(r"^  >(?:[ \t]+(?P<text>.*))?$")
_CONTINUATION = re.compile(r"^[ ]{2,}(?P<text>[^ >].*)$")


@dataclass
class _OptionDraft:
    text: list[str]
    correct: bool
    line: int
    feedback: list[str]


def parse_self_check(body: list[str], line_number: int, *, multiple: bool) -> SelfCheck:
    question: list[str] = []
    options: list[_OptionDraft] = []
    previous_blank = False
    for offset, line in enumerate(body, start=1):
        here = line_number + offset
        if not line.strip():
            previous_blank = True
            continue
        option = _OPTION.match(line)
        feedback = _FEEDBACK.match(line)
        continuation = _CONTINUATION.match(line)
        if option:
            mark = option.group("mark")
            options.append(_OptionDraft([option.group("text")], mark != " ", here, []))
        elif feedback:
            if not options:
                raise BlockSyntaxError(here, _stray_message(line, question, options))
            options[-1].feedback.append(feedback.group("text") or "")
        elif continuation and options and not options[-1].feedback and not previous_blank:
            options[-1].text.append(continuation.group("text"))
        elif _QUESTION.match(line):
            if question or options:
                raise BlockSyntaxError(here, _stray_message(line, question, options))
            question.append(line[1:].strip())
        elif question and not options and not previous_blank:
            question.append(line.strip())
        else:
            raise BlockSyntaxError(here, _stray_message(line, question, options))
        previous_blank = False
    return _finish_self_check(question, options, line_number, multiple=multiple)


def _stray_message(line: str, question: list[str], options: list[_OptionDraft]) -> str:
    if _QUESTION.match(line):
        return "a self-check has one question; remove this second line starting with '? '"
    if _FEEDBACK.match(line) or line.lstrip().startswith(">"):
        return (
            "feedback must be a line starting with two spaces and '> ' right under an option "
            "('- [ ] …' or '- [x] …')"
        )
    if not question:
        return (
            "stray text in the self-check: it must start with the question, a line starting "
            "with '? '"
        )
    return (
        "stray text in the self-check: after the question only options ('- [ ] text', "
        "'- [x] text'), their feedback lines ('  > text') and blank lines may follow"
    )


def _finish_self_check(
    question: list[str], drafts: list[_OptionDraft], line_number: int, *, multiple: bool
) -> SelfCheck:
    if not question:
        raise BlockSyntaxError(
            line_number,
            "the self-check has no question; add a line starting with '? ' before the options",
        )
    if len(drafts) < 2:
        raise BlockSyntaxError(
            line_number,
            f"the self-check has {len(drafts)} option(s) but needs at least 2; add options "
            "as lines '- [ ] wrong answer' and '- [x] right answer'",
        )
    for draft in drafts:
        if not " ".join(draft.feedback).strip():
            raise BlockSyntaxError(
                draft.line,
                f"self-check option '{_short(' '.join(draft.text))}' has no feedback line; "
                "add a line starting with '  > ' under it that says why it is right or wrong",
            )
    seen: dict[str, int] = {}
    for draft in drafts:
        text = " ".join(" ".join(draft.text).split())
        if text in seen:
            raise BlockSyntaxError(
                draft.line,
                f"self-check option '{_short(text)}' repeats the option on line {seen[text]}; "
                "each option needs its own text (a learner's saved answer refers to it)",
            )
        seen[text] = draft.line
    correct = sum(draft.correct for draft in drafts)
    if multiple and correct == 0:
        raise BlockSyntaxError(
            line_number,
            "the '::: self-check multiple' has no right option; mark at least one with '- [x]'",
        )
    if not multiple and correct != 1:
        raise BlockSyntaxError(
            line_number,
            f"the '::: self-check' has {correct} right options but needs exactly 1; mark one "
            "option '- [x]', or write '::: self-check multiple' if several are right",
        )
    options = tuple(
        SelfCheckOption(
            text=" ".join(draft.text).strip(),
            correct=draft.correct,
            feedback="\n".join(draft.feedback).strip(),
        )
        for draft in drafts
    )
    return SelfCheck(
        question="\n".join(question).strip(), multiple=multiple, options=options, line=line_number
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
