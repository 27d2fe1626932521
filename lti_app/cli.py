"""The `intervision` command: course commands from site_builder plus the tool's Flask commands."""

from __future__ import annotations

from lti_app.cli_commands import create_app_or_explain, db_group, keys_group, platform_group, serve
from lti_app.cli_help import IntervisionGroup
from lti_app.cli_i18n import i18n_group
from lti_app.cli_person import person_group
from lti_app.cli_worker import purge, worker
from lti_app.demo import demo
from lti_app.lti.cli import lti_group
from lti_app.services.outbox_cli import outbox

main = IntervisionGroup(name="intervision", create_app=create_app_or_explain, help=__doc__)
for _command in (serve, db_group, platform_group, keys_group):
    main.add_command(_command)
main.add_command(demo)
main.add_command(outbox)  # `intervision outbox flush`: deliver pending AGS scores
main.add_command(lti_group)  # `intervision lti prune`: expired LTI state
main.add_command(worker)  # `intervision worker [--once]`: notices, minimum sizes, retention, scores
main.add_command(purge)  # `intervision purge`: the worker's retention purge, once
main.add_command(person_group)  # `intervision person export|erase`: one person's data
main.add_command(i18n_group)  # `intervision i18n extract|update|check`: translation catalogues


def _add_course_commands() -> None:
    """Course commands live in site_builder; the tool itself never imports it at run time."""
    from site_builder.cli import COMMANDS

    for command in COMMANDS:
        main.add_command(command)


_add_course_commands()
