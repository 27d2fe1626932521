"""`intervision --help`: the project's own commands first, grouped, one line each.

Flask's group lists its generic options (``--env-file``, ``--app``) and its developer
commands (``run``, ``shell``, ``routes``) before anything a trainer or an admin came for; this
group keeps them, but after the commands people use, so the first screen says what the tool does.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Course (the Markdown in content/)",
        (
            ("check", "Validate the course content; errors name file and line."),
            ("build", "Build the courseware site into site/."),
            ("new-module", "Start a new module as a draft that passes check."),
            ("package", "Write Common Cartridge and SCORM packages into dist/."),
            ("translations", "Translations of the course (nl, de): missing, out of date."),
        ),
    ),
    (
        "Run the tool",
        (
            ("demo", "Build the course, run the tool and a demo LMS, show the URLs."),
            ("serve", "Run the production server (gunicorn)."),
            ("worker", "Run due background work: reminders, minimum sizes, scores."),
        ),
    ),
    (
        "Administer",
        (
            ("platform", "LMS platforms that may launch the tool: invite, add, list."),
            ("keys", "The tool's signing keys: list, rotate, encrypt at rest."),
            ("db", "Upgrade the database schema."),
            ("outbox", "Scores waiting to reach LMS gradebooks: flush."),
            ("lti", "Short-lived LTI state: prune what has expired."),
            ("purge", "Purge exercise case text past its retention date, once."),
            ("person", "One person's data: export it as JSON, or erase it."),
            ("i18n", "Translation catalogues (nl, de): extract, update, check."),
        ),
    ),
)
"""The overview's own one-liners (a command's ``--help`` has the whole story)."""

INTRO = (
    "Intervision courseware and LTI 1.3 tool. New here? `intervision demo` builds the course"
    " and opens the tool in a demo LMS. Every command has its own --help."
)


class IntervisionGroup(FlaskGroup):
    """A FlaskGroup whose help lists the project's commands by task before Flask's own."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(INTRO)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: set[str] = set()
        for title, entries in SECTIONS:
            rows = [(name, line) for name, line in entries if self.get_command(ctx, name)]
            listed.update(name for name, _ in rows)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        others = [
            name
            for name in self.list_commands(ctx)
            if name not in listed and not _hidden(self.get_command(ctx, name))
        ]
        if others:
            with formatter.section("Developer commands from Flask and its extensions"):
                formatter.write_text(", ".join(others))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Commands first, then the group's options (Flask's --env-file, --app...)."""
        self.format_commands(ctx, formatter)
        click.Command.format_options(self, ctx, formatter)


def _hidden(command: click.Command | None) -> bool:
    return command is None or command.hidden
