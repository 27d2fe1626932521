"""Course home: where a plain course link (no specific module or activity) lands.

Learners see the course's modules with their own server-side completion and the course's
activities; instructors also see how many people completed each module in *this* course and
how to add items with the LMS's deep-linking picker. Every query is scoped by the launch's
tenant and course. Without a catalogue the page says what the administrator must do: the one
view that shows its own page for ``CatalogueUnavailable`` instead of the 503 page.
Titles and summaries come from the reader's language's catalogue when the site was built in
it (``site/<lang>/catalogue.json``), and module links open that language's pages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lti_app.catalogue import (
    Catalogue,
    CatalogueActivity,
    CatalogueModule,
    CatalogueUnavailable,
    get_catalogue,
)
from lti_app.i18n import gettext, words
from lti_app.i18n.formatting import format_day
from lti_app.lti.current import instructor_required, launch_required, require_launch
from lti_app.lti.dispatch import register_launch_handler
from lti_app.lti.launch import Launch
from lti_app.services.progress import CourseProgress, completions_by_person, course_progress
from lti_app.web.csv_export import csv_download
from lti_app.web.modules import module_page_path
from lti_app.web.people import shown_name
from lti_app.web.site_pages import reader_language

log = logging.getLogger(__name__)
bp = Blueprint("course_home", __name__, url_prefix="/course", template_folder="templates")
RESOURCE_KIND = "resource"


@dataclass(frozen=True)
class ModuleEntry:
    module: CatalogueModule
    open_url: str
    done_at: datetime | None
    done_count: int | None  # None: not shown (learners)


@dataclass(frozen=True)
class ActivityEntry:
    activity: CatalogueActivity
    kind_name: str
    open_url: str
    module_titles: tuple[str, ...]


def module_entries(
    catalogue: Catalogue, progress: CourseProgress, with_counts: bool
) -> list[ModuleEntry]:
    """Catalogue order; a completion of a module no longer in the catalogue is not listed."""
    return [
        ModuleEntry(
            module=module,
            open_url=url_for(
                "modules.site_page", path=module_page_path(module, catalogue.language)
            ),
            done_at=progress.my_dates.get(module.slug),
            done_count=progress.counts.get(module.slug, 0) if with_counts else None,
        )
        for module in catalogue.modules
    ]


def activity_entries(catalogue: Catalogue) -> list[ActivityEntry]:
    titles = {module.slug: module.title for module in catalogue.modules}
    return [
        ActivityEntry(
            activity=activity,
            kind_name=words.kind_label(activity.kind.id),
            open_url=url_for("activities.placeholder", activity_id=activity.id),
            module_titles=tuple(titles[slug] for slug in activity.modules if slug in titles),
        )
        for activity in catalogue.activities
    ]


@bp.get("/")
@launch_required
def index() -> ResponseReturnValue:
    launch = require_launch()
    try:
        catalogue = get_catalogue(language=reader_language())
    except CatalogueUnavailable as problem:
        # Not the 503 page: a plain course link is where an instructor first meets the tool,
        # so the course home itself lists the set-up steps (learners get a plain notice).
        # The detail (paths, versions) is for the log.
        log.error("course home without a catalogue: %s", problem.detail)
        return render_template("course_home/index.html", launch=launch, catalogue=None)
    progress = course_progress(launch.person, include_course_counts=launch.is_instructor)
    modules = module_entries(catalogue, progress, with_counts=launch.is_instructor)
    done = sum(1 for entry in modules if entry.done_at is not None)
    return render_template(
        "course_home/index.html",
        launch=launch,
        catalogue=catalogue,
        modules=modules,
        activities=activity_entries(catalogue),
        done=done,
        people_with_progress=progress.people_with_progress,
    )


@dataclass(frozen=True)
class PersonRow:
    name: str
    done: tuple[datetime | None, ...]  # one per catalogue module, in catalogue order

    @property
    def done_count(self) -> int:
        return sum(1 for when in self.done if when is not None)


def completion_rows(launch: Launch, catalogue: Catalogue) -> list[PersonRow]:
    """Who marked which module as done, by name (a pseudonym where the platform withheld the
    name), sorted by name; modules no longer in the catalogue are left out."""
    assert launch.person is not None  # instructor_required: a launch in a course
    scope = launch.person.scope
    rows = [
        PersonRow(
            shown_name(scope, person.user_id, person.name),
            tuple(person.completed.get(module.slug) for module in catalogue.modules),
        )
        for person in completions_by_person(scope)
    ]
    return sorted(rows, key=lambda row: row.name.casefold())


@bp.get("/completions")
@instructor_required
def completions() -> ResponseReturnValue:
    """Per person and module, for trainers: the course home shows only the counts."""
    launch = require_launch()
    catalogue = get_catalogue(language=reader_language())
    return render_template(
        "course_home/completions.html",
        launch=launch,
        catalogue=catalogue,
        people=completion_rows(launch, catalogue),
    )


@bp.get("/completions.csv")
@instructor_required
def completions_csv() -> ResponseReturnValue:
    """The same table as a spreadsheet: a name column, then one date column per module."""
    launch = require_launch()
    catalogue = get_catalogue(language=reader_language())
    header = [
        gettext("Name"),
        *(f"{m.number:02d}. {m.title}" for m in catalogue.modules),
        gettext("Modules done"),
    ]
    rows = [
        [
            row.name,
            *(format_day(when, "iso_date") if when else "" for when in row.done),
            str(row.done_count),
        ]
        for row in completion_rows(launch, catalogue)
    ]
    return csv_download(header, rows, "module-completions.csv")


def open_course_home(launch: Launch) -> ResponseReturnValue:
    return redirect(url_for("course_home.index"), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_launch_handler(app, RESOURCE_KIND, open_course_home)
