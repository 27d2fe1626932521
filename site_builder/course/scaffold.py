"""The placeholder text `intervision new-module` writes, and the check that none of it is
published: a draft may keep it, a module without `draft: true` may not (the error names the
line). One list, so the template and the check cannot drift apart."""

from __future__ import annotations

from pathlib import Path

from site_builder.course.errors import ContentError

PLACEHOLDERS = (
    "One or two sentences that tell a learner what this module offers.",
    "Describe what a learner can do after this module.",
    "Name a second thing a learner can do afterwards.",
    "Write at least 700 words here",
    "Replace this with",
    "The right answer.",
    "A plausible wrong answer.",
    "Explain why this is right.",
    "Explain why this is wrong.",
    "Describe an exercise a group of colleagues can do together",
)


def check_no_placeholders(
    path: Path, text: str, first_line: int, errors: list[ContentError]
) -> None:
    """One error per line of a published module that still holds scaffold text."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        found = next((phrase for phrase in PLACEHOLDERS if phrase in line), None)
        if found is not None:
            errors.append(
                ContentError(
                    path,
                    number,
                    None,
                    f"placeholder text from 'intervision new-module' is still here: {found!r}",
                    "write the module's own text, or keep 'draft: true' in the front matter "
                    "until it is ready (drafts are previewed but not published)",
                )
            )
