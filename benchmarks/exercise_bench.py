"""The peer-feedback round page with 8 members and 200 contributions, and its live update.

    python -m benchmarks.exercise_bench [--renders 200] [--pollers 50] [--seconds 20]
    python -m benchmarks.exercise_bench --quick    # a few seconds: the smoke run of the tests

Part 1, in one process on SQLite: an exercise of Tietze's collegial counselling (live mode,
8 members: case-bringer, moderator, 6 consultants) built as the view tests build it
(``tests.support``: launches written through the tool's own storage, the settings form, ground
rules, join and roles through the pages), then the case, 100 clarifying questions and 100 pieces
of advice posted through ``services.exercises.post`` with the moderator moving the group on,
every question marked warm/neutral/cold and every piece of advice rated 1-5 with tags by the
case-bringer. In the closing phase one consultant's ``GET …/exercises/groups/<id>/`` is timed
(the whole view: launch restore, ``page_view``, visibility, ``learner_markdown`` on every post,
the template), interleaved render by render with two bare baselines on the same 200 texts held
in memory: a plain Jinja template with the same Markdown + nh3 filter, and one that only escapes.
The page and the filtered template are timed twice: as served (``learner_text``'s rendered-text
cache warm, as for every member after the first) and cold (the cache cleared before each render,
outside the timing).

Part 2, against ``intervision serve`` (2 workers x 8 threads) on the same database file over
loopback: a second group of 8, ``--pollers`` open pages (threads, each with one member's session
cookie, several tabs per member) polling ``phase.json`` every 2 s as ``exercises.js`` does, for
``--seconds`` while the moderator moves the group on every 5 s (``services.exercises.start`` /
``advance`` on the shared database). Measured: the delay from each advance to each page seeing
the new phase key, the poll latency and requests/s, and the same pollers on ``/healthz`` (a bare
JSON endpoint of the same server) as the baseline; then a closed-loop burst (8 client threads,
3 s each) of ``phase.json`` against ``/healthz`` for the throughput ratio.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import Environment, select_autoescape

from benchmarks.lti_bench import percentile
from benchmarks.serve_bench import _free_port, serving

MEMBERS = 8
POSTS = 200  # half clarifying questions, half advice
POLL_SECONDS = 2.0  # exercises.js POLL_MS
ADVANCE_EVERY = 5.0
BURST_SECONDS = 3.0
QUICK = {"members": 5, "posts": 20, "renders": 5, "pollers": 4, "seconds": 3.0, "workers": 1}
"""``--quick``: every part runs and prints its ratio lines in a few seconds (figures too small
to mean anything); an advance every 0.5 s, and 0.5 s closed loops instead of 3 s."""
METHOD = "collegial-counselling"
SETTINGS = {
    "settings-method_slug": METHOD,
    "method_slug": METHOD,
    "mode": "live",
    "group_source": "self_formed",
    "anonymity": "named",
    "case_access": "never",
    "retention_days": "30",
}
TEXT = (
    'I noticed that **{n}** times you said *"later"* when the team asked for a decision.\n\n'
    "- what happens if you decide in the meeting?\n- who else could decide?\n\n"
    "See also [the notes](https://example.org/notes/{n}) & <b>not markup</b>."
)
BARE_PAGE = """<!doctype html><html><head><title>Round</title></head><body><main>
<h1>Round</h1>{% for post in posts %}
<article id="post-{{ post.id }}" data-post data-kind="{{ post.kind }}">
<p class="author">{{ post.author }}</p><div class="body">{{ post.body | md }}</div>
</article>{% endfor %}</main></body></html>"""


# --- part 1: building the round ------------------------------------------------------------------


def tool_app(workdir: Path) -> Flask:
    from lti_app import create_app
    from lti_app.storage import db, migrate
    from tests.support.exercise_pages import exercise_catalogue
    from tests.support.launches import TOOL
    from tests.support.sites import write_site

    site = write_site(workdir / "site", exercise_catalogue(METHOD))
    app = create_app(
        {
            "INSTANCE_PATH": str(workdir / "instance"),
            "BASE_URL": TOOL,
            "SECRET_KEY": "exercise-bench-" + "s" * 40,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "SITE_DIR": str(site),
            "EXERCISE_POST_RATE_LIMIT": "1000000 per minute",
        }
    )
    migrate.upgrade(db.get_engine(app))
    _add_bare_route(app)
    return app


BARE_ROUTE = "/bench/bare-round"
"""The bare template with the same filter, served by the same app behind the same launch
check: what any page of 200 posts costs here before our view does anything."""


def _add_bare_route(app: Flask) -> None:
    from flask import render_template_string

    from lti_app.lti.current import launch_required

    @launch_required
    def bare_round() -> str:
        page = BARE_PAGE.replace("| md", "| learner_markdown")
        return render_template_string(page, posts=app.config["BENCH_POSTS"])

    app.add_url_rule(BARE_ROUTE, "bench_bare_round", bare_round)


@dataclass
class Round:
    group_id: int
    people: list[Any]  # tests.support.exercise_pages.Member; [0] brings the case, [1] chairs
    scope: Any
    exercise_id: int


def _exercise_id(app: Flask, scope: Any, group_id: int) -> int:
    from lti_app.storage import db
    from lti_app.storage.exercise_models import ExerciseGroup

    with app.app_context(), db.transaction() as session:
        row = session.get(ExerciseGroup, group_id)
        assert row is not None
        return int(row.exercise_id)


def build_world(app: Flask, launch_as: Any, members: int) -> tuple[Round, Round]:
    from tests.support.exercise_pages import configure, member

    instructor = member(app, launch_as, "instructor", "teacher")
    configure(instructor, **SETTINGS, size_min=str(members), size_max=str(members))
    return _group(app, launch_as, 0, members), _group(app, launch_as, members, members)


def _group(app: Flask, launch_as: Any, first: int, members: int) -> Round:
    from tests.support.exercise_pages import accept_rules, form_group, member

    people = [member(app, launch_as, "learner", f"learner-{first + n}") for n in range(members)]
    for person in people:
        accept_rules(person)
    group_id = form_group(people)
    scope = people[0].launched.launch.scope
    return Round(group_id, people, scope, _exercise_id(app, scope, group_id))


def _ok(outcome: Any, what: str) -> Any:
    from lti_app.domain.exercises.outcomes import Refused

    if isinstance(outcome, Refused):
        raise SystemExit(f"{what}: refused: {outcome}")
    return outcome


def move_on(app: Flask, round_: Round, from_index: int | None) -> None:
    from lti_app.domain.exercises.outcomes import Actor
    from lti_app.services import exercises

    chair = Actor(round_.people[1].user_id)
    at = datetime.now(UTC)
    with app.app_context():
        if from_index is None:
            verdict = exercises.start(
                round_.scope, round_.group_id, chair, now=at, exercise_id=round_.exercise_id
            )
        else:
            verdict = exercises.advance(
                round_.scope,
                round_.group_id,
                chair,
                now=at,
                from_index=from_index,
                exercise_id=round_.exercise_id,
            )
    _ok(verdict, f"advance from {from_index}")


def fill_round(app: Flask, round_: Round, posts: int) -> list[tuple[int, str, str, str]]:
    """Case, questions, advice, marks and ratings through the service; the posts' texts."""
    from lti_app.domain.exercises.outcomes import Actor
    from lti_app.domain.exercises.phases import PostType
    from lti_app.domain.exercises.validation import Draft, Mark
    from lti_app.services import exercises

    people = round_.people
    bringer = Actor(people[0].user_id)
    askers = [Actor(p.user_id) for p in people[1:]]  # moderator and consultants
    texts: list[tuple[int, str, str, str]] = []

    def post(actor: Actor, draft: Draft) -> int:
        with app.app_context():
            outcome = exercises.post(
                round_.scope,
                round_.group_id,
                actor,
                draft,
                None,
                datetime.now(UTC),
                exercise_id=round_.exercise_id,
            )
        return int(_ok(outcome, f"post {draft.kind}").post_id)

    move_on(app, round_, None)  # casting
    move_on(app, round_, 0)  # spontaneous account
    case = {
        "situation": TEXT.format(n="case"),
        "own_role": "I lead the team.",
        "key_question": "How do I decide sooner?",
    }
    checklist = frozenset(
        {"no-names", "no-identifying-details", "no-third-party-secrets", "own-part"}
    )
    post(bringer, Draft(PostType.CASE, case=case, checklist=checklist))
    move_on(app, round_, 1)  # comprehension questions
    questions = []
    for n in range(posts // 2):
        actor = askers[n % len(askers)]
        text = TEXT.format(n=n)
        questions.append(post(actor, Draft(PostType.QUESTION, text=text)))
        texts.append((questions[-1], "question", f"Learner {actor.user_id}", text))
    marks = list(Mark)
    for n, question in enumerate(questions):
        post(bringer, Draft(PostType.MARK, target_id=question, mark=marks[n % 3]))
    for index in (2, 3, 4):  # key question, choose module, consultation
        move_on(app, round_, index)
    advice = []
    consultants = askers[1:]
    for n in range(posts - posts // 2):
        actor = consultants[n % len(consultants)]
        text = TEXT.format(n=posts // 2 + n)
        advice.append(post(actor, Draft(PostType.ADVICE, text=text)))
        texts.append((advice[-1], "advice", f"Learner {actor.user_id}", text))
    move_on(app, round_, 5)  # closing
    for n, piece in enumerate(advice):
        tags = frozenset({"actionable"} if n % 2 else {"new-perspective"})
        post(bringer, Draft(PostType.RATING, target_id=piece, score=1 + n % 5, tags=tags))
    return texts


# --- part 1: timing ------------------------------------------------------------------------------


def time_renders(app: Flask, round_: Round, texts: list[Any], renders: int) -> None:
    from lti_app.web.learner_text import learner_markdown_filter, render_cache

    reader = round_.people[3]  # a consultant
    url = reader.url(f"/groups/{round_.group_id}/")
    posts = [{"id": i, "kind": k, "author": a, "body": t} for i, k, a, t in texts]
    env = Environment(autoescape=select_autoescape(default=True))
    env.filters["learner_markdown"] = learner_markdown_filter
    with_filter = env.from_string(BARE_PAGE.replace("| md", "| learner_markdown"))
    escaped = env.from_string(BARE_PAGE.replace(" | md", ""))

    app.config["BENCH_POSTS"] = posts
    bare_url = reader.launched.url(BARE_ROUTE)
    assert reader.client.get(bare_url).status_code == 200
    first = reader.client.get(url)
    html = first.get_data(as_text=True)
    assert first.status_code == 200, (first.status_code, html[:2000])
    shown = html.count("data-post")
    questions = len(texts) // 2
    print(
        f"round page: {len(texts)} contributions + case, {questions} marks, "
        f"{len(texts) - questions} ratings; "
        f"{shown} data-post elements, {len(html) / 1024:.0f} KB for one consultant"
    )
    queries = count_queries(app, lambda: reader.client.get(url))
    page = "round page (whole view)"
    cases: dict[str, tuple[bool, Callable[[], object]]] = {  # name: (cold cache, render)
        page: (False, lambda: reader.client.get(url)),
        "round page, cache cold": (True, lambda: reader.client.get(url)),
        "bare template through the app": (False, lambda: reader.client.get(bare_url)),
        "bare template + same filter": (False, lambda: with_filter.render(posts=posts)),
        "bare + same filter, cold": (True, lambda: with_filter.render(posts=posts)),
        "bare template, escaped only": (False, lambda: escaped.render(posts=posts)),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _cold, case in cases.values():  # warm-up
        case()
    for _ in range(renders):  # interleaved: background load hits each alike
        for name, (cold, case) in cases.items():
            if cold:
                render_cache.clear()
            started = time.perf_counter()
            case()
            samples[name].append(time.perf_counter() - started)
        if len(samples[page]) % 50 == 0:
            gc.collect()
    print(
        f"{renders} renders each, interleaved; SQL statements per page view: {queries}; "
        f"rendered-text cache: {len(render_cache)} entries, {render_cache.characters:,} characters"
    )
    page_p50 = percentile(samples[page], 0.5)
    for name, values in samples.items():
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        print(
            f"  {name:<30} p50 {p50 * 1000:7.2f} ms  p99 {p99 * 1000:7.2f} ms  "
            f"page/this (p50) {page_p50 / p50:6.2f}x"
        )
    cold = percentile(samples["round page, cache cold"], 0.5)
    print(f"  round page cold / warm cache (p50): {cold / page_p50:.2f}x")


def count_queries(app: Flask, action: Callable[[], object]) -> int:
    from sqlalchemy import event

    from lti_app.storage import db

    engine = db.get_engine(app)
    count = 0

    def seen(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", seen)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return count


# --- part 2: live update under open pages --------------------------------------------------------


@contextmanager
def served(workdir: Path, port: int, site: Path, workers: int) -> Iterator[None]:
    from tests.support.launches import TOOL

    env = {
        **os.environ,
        "INTERVISION_INSTANCE_PATH": str(workdir / "instance"),
        "INTERVISION_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "INTERVISION_BASE_URL": TOOL,
        "INTERVISION_SECRET_KEY": "exercise-bench-" + "s" * 40,
        "INTERVISION_SITE_DIR": str(site),
    }
    with serving(workdir, port, env, workers, threads=8):
        yield


def session_cookie(app: Flask, person: Any) -> str:
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = person.client.get_cookie(name, domain="tool.test")
    assert cookie is not None, f"no {name} cookie"
    return f"{name}={cookie.value}"


@dataclass
class Polls:
    latencies: list[float] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    missed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def poll(
    port: int,
    paths: list[str],
    cookies: list[str],
    pollers: int,
    seconds: float,
    advances: dict[str, float] | None = None,
) -> Polls:
    """``pollers`` pages, page n as member n % 8 GETting ``paths[n % 8]`` every 2 s (start
    times spread over the interval) on its own keep-alive connection; with ``advances`` (phase
    key -> when it was made) each records when it first saw a key."""
    polls = Polls()
    deadline = time.monotonic() + seconds

    def page(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": cookies[n % len(cookies)], "Accept": "application/json"}
        path = paths[n % len(paths)]
        seen: str | None = None
        tick = time.monotonic() + POLL_SECONDS * n / pollers
        while True:
            time.sleep(max(0.0, tick - time.monotonic()))  # the page's timer, not a sync
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                with polls.lock:
                    polls.failures[type(error).__name__] = (
                        polls.failures.get(type(error).__name__, 0) + 1
                    )
                connection.close()
                tick += POLL_SECONDS
                continue
            arrived = time.monotonic()
            with polls.lock:
                polls.latencies.append(time.perf_counter() - started)
                if response.status != 200:
                    polls.failures[str(response.status)] = (
                        polls.failures.get(str(response.status), 0) + 1
                    )
            if advances is not None and response.status == 200:
                key = json.loads(body)["key"]
                if seen is not None and key != seen and key in advances:
                    with polls.lock:
                        polls.delays.append(arrived - advances[key])
                seen = key
            tick += POLL_SECONDS
        connection.close()

    threads = [threading.Thread(target=page, args=(n,)) for n in range(pollers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return polls


def burst(port: int, path: str, cookie: str, clients: int, seconds: float) -> tuple[float, float]:
    """Closed loop: ``clients`` threads GET ``path`` back to back; (requests/s, p50 s)."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / seconds, percentile(latencies, 0.5)


def live_update(
    app: Flask,
    round_: Round,
    workdir: Path,
    pollers: int,
    seconds: float,
    workers: int,
    *,
    advance_every: float = ADVANCE_EVERY,
    burst_seconds: float = BURST_SECONDS,
) -> None:
    from lti_app.storage import db
    from lti_app.web.exercises.pages import phase_key

    db.get_engine(app).dispose()
    port = _free_port()
    cookies = [session_cookie(app, person) for person in round_.people]
    paths = [
        person.launched.prefix + f"/exercises/groups/{round_.group_id}/phase.json"
        for person in round_.people
    ]
    path = paths[0]
    with served(workdir, port, Path(app.config["SITE_DIR"]), workers):
        burst(
            port, path, cookies[0], 4, min(1.0, burst_seconds)
        )  # warm-up: both workers, code paths hot
        advances: dict[str, float] = {}

        def moderator() -> None:
            index: int | None = None
            moments = time.monotonic() + advance_every / 2
            while True:
                time.sleep(max(0.0, moments - time.monotonic()))  # the chair's rhythm
                if time.monotonic() >= deadline - POLL_SECONDS - 0.5:
                    return
                key = phase_key(0 if index is None else index + 1, False, False)
                advances[key] = time.monotonic()
                move_on(app, round_, index)
                index = 0 if index is None else index + 1
                moments += advance_every

        deadline = time.monotonic() + seconds
        chair = threading.Thread(target=moderator)
        chair.start()
        live = poll(port, paths, cookies, pollers, seconds, advances)
        chair.join()
        bare = poll(port, ["/healthz"], cookies, pollers, seconds)
        expected = len(advances) * pollers
        print(
            f"\nlive update: intervision serve {workers} workers x 8 threads, SQLite, loopback; "
            f"{pollers} open pages polling every {POLL_SECONDS:.0f} s for {seconds:.0f} s; "
            f"{len(advances)} advances, one every {advance_every:g} s"
        )
        if live.delays:
            d50, d99 = percentile(live.delays, 0.5), percentile(live.delays, 0.99)
            print(
                f"  advance -> page sees it: p50 {d50:5.2f} s  p99 {d99:5.2f} s  "
                f"max {max(live.delays):5.2f} s  seen {len(live.delays)}/{expected}"
            )
        for label, polls in (("phase.json", live), ("/healthz (bare)", bare)):
            p50, p99 = percentile(polls.latencies, 0.5), percentile(polls.latencies, 0.99)
            print(
                f"  {label:<18} {len(polls.latencies) / seconds:6.1f} req/s  "
                f"p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  failures {polls.failures}"
            )
        ratio = percentile(live.latencies, 0.5) / percentile(bare.latencies, 0.5)
        print(f"  phase.json / healthz latency (p50): {ratio:.2f}x")
        phase_rate, phase_p50 = burst(port, path, cookies[0], 8, burst_seconds)
        bare_rate, bare_p50 = burst(port, "/healthz", cookies[0], 8, burst_seconds)
        print(
            f"  closed loop, 8 threads x {burst_seconds:g} s: phase.json {phase_rate:6.1f} req/s "
            f"(p50 {phase_p50 * 1000:.1f} ms), /healthz {bare_rate:6.1f} req/s "
            f"(p50 {bare_p50 * 1000:.1f} ms); phase.json per healthz {phase_rate / bare_rate:.2f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--members",
        type=int,
        default=MEMBERS,
        help=f"people per group (collegial counselling: 5 to 9; default {MEMBERS})",
    )
    parser.add_argument(
        "--posts", type=int, default=POSTS, help="contributions in the round (half questions)"
    )
    parser.add_argument("--renders", type=int, default=200, help="timed renders of each case")
    parser.add_argument("--pollers", type=int, default=50, help="open pages polling phase.json")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each poll run")
    parser.add_argument("--workers", type=int, default=2, help="intervision serve workers")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run of a few seconds: "
        + ", ".join(f"--{name} {value:g}" for name, value in QUICK.items())
        + ", an advance every 0.5 s and 0.5 s closed loops (figures too small to mean anything)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    logging.basicConfig(level=logging.ERROR)
    from tests.support.launches import LaunchAs, registered_platform
    from tests.support.platforms import running_key_server

    with (
        tempfile.TemporaryDirectory(prefix="exercise-bench-") as tmp,
        running_key_server() as key_server,
    ):
        workdir = Path(tmp)
        app = tool_app(workdir)
        platform = registered_platform(app, key_server)
        launch_as = LaunchAs(app, app.test_client(), platform)
        started = time.perf_counter()
        rendered, live = build_world(app, launch_as, args.members)
        texts = fill_round(app, rendered, args.posts)
        print(
            f"built 2 groups of {args.members} and {len(texts)} contributions in "
            f"{time.perf_counter() - started:.1f} s (SQLite)"
        )
        time_renders(app, rendered, texts, args.renders)
        live_update(
            app,
            live,
            workdir,
            args.pollers,
            args.seconds,
            args.workers,
            advance_every=0.5 if args.quick else ADVANCE_EVERY,
            burst_seconds=0.5 if args.quick else BURST_SECONDS,
        )


if __name__ == "__main__":
    main()
