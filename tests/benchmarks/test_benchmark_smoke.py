"""Each benchmark command runs, tiny, inside the test command: it exits 0 and prints the ratio
lines its docs/testing.md section reports (figures are not judged here: a smoke run is too small
and the machine is shared). ``exercise_bench`` runs in its ``--quick`` mode."""

from __future__ import annotations

import re

from tests.support.benchmark_runs import run_benchmark

RATIO = r"\d+\.\d+x"


def test_lti_bench_runs_and_prints_its_ratios() -> None:
    run = run_benchmark("lti_bench", "--batches", "1", "--per-batch", "3")
    assert run.returncode == 0, run.explain()
    for op in ("login", "launch", "login\\+launch"):
        assert run.lines_matching(rf"ours / bare pylti1p3\s+{op}\s+{RATIO}$"), run.explain()
    assert run.lines_matching(rf"^goal ours <= 1.5x bare pylti1p3 .*: {RATIO}, (met|NOT met)$")


def test_serve_bench_runs_launches_without_a_refusal_and_prints_its_ratio() -> None:
    run = run_benchmark(
        "serve_bench", "--seconds", "0.5", "--clients", "2", "--workers", "1", "--threads", "2"
    )
    assert run.returncode == 0, run.explain()
    (launches,) = run.lines_matching(r"^login\+launch\s")
    assert re.search(r"ok [1-9]\d*\s+failed 0$", launches), run.explain()  # no 429, no 5xx
    assert run.lines_matching(r"^launch round trips per healthz request: \d+\.\d{3}$")


def test_build_bench_builds_both_variants_and_prints_its_ratios() -> None:
    run = run_benchmark("build_bench", "--sizes", "2", "--repeat", "1")
    assert run.returncode == 0, run.explain()
    assert run.lines_matching(rf"^\s+ours/bare: wall {RATIO}, cpu {RATIO}, wall per page {RATIO}$")


def test_signup_bench_runs_both_sides_and_prints_its_ratio() -> None:
    run = run_benchmark(
        "signup_bench",
        *("--databases", "sqlite", "--clients", "2", "--requests", "4", "--cap", "5"),
        *("--sessions", "2", "--seats", "2", "--workers", "1", "--threads", "2"),
    )
    assert run.returncode == 0, run.explain()
    summary = run.lines_matching(r"^sqlite: saturation rate ours/bare \d+\.\d\d ")
    assert summary, run.explain()
    # The closed loop's five rounds (the default), each pair's ratio and rates, in order.
    rounds = re.findall(r"\d+\.\d\d \(\d+/\d+\)", summary[0].split("median of the rounds")[1])
    assert len(rounds) == 5, run.explain()
    # The server's CPU per sign-up, counted from /proc for both gunicorn trees.
    assert run.lines_matching(r"server CPU per sign-up ours \d+\.\d\d ms vs bare \d+\.\d\d ms"), (
        run.explain()
    )
    rows = run.lines_matching(r"^\| sqlite (ours|bare) ")
    assert rows and all(row.rstrip(" |").endswith("|    0") for row in rows), run.explain()


def test_exercise_bench_quick_renders_and_polls_and_prints_its_ratios() -> None:
    run = run_benchmark("exercise_bench", "--quick")
    assert run.returncode == 0, run.explain()
    assert run.lines_matching(rf"page/this \(p50\)\s+{RATIO}$"), run.explain()
    assert run.lines_matching(rf"^\s+round page cold / warm cache \(p50\): {RATIO}$")
    assert run.lines_matching(rf"^\s+phase.json / healthz latency \(p50\): {RATIO}$")


def test_package_bench_packages_and_prints_its_ratio() -> None:
    run = run_benchmark("package_bench", "--modules", "3", "--repeat", "1")
    assert run.returncode == 0, run.explain()
    assert run.lines_matching(rf"^\s+packaging / site build: wall {RATIO}, cpu {RATIO} "), (
        run.explain()
    )
