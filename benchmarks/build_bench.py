"""How much our plugin and Markdown extensions cost on top of bare Material for MkDocs.

    python -m benchmarks.build_bench [--sizes 50 200 1000] [--repeat 3] [--check]

For each size N, one synthetic course of N modules (benchmarks/synthetic_course.py) is built
twice in the same run: (a) with the project's mkdocs.yml (intervision plugin, our extensions,
theme overrides, courseware CSS/JS) and (b) bare mkdocs-material with the same theme features
and Markdown extensions, on the same pages (our generated pages written as files) and the same
nav (the plugin's course_nav), our `:::` blocks left as plain text. Builds alternate
a/b and each variant keeps its best wall time, which is the least disturbed by other load.
Goals (docs/testing.md): ours <= 1.15 x bare at 200 modules; page HTML < 80 KB at 1000.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks.synthetic_course import write_course
from site_builder.build_steps.pages import generated_pages
from site_builder.build_steps.sections import course_nav
from site_builder.course.loader import load_course

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_CONFIG = REPO_ROOT / "mkdocs.yml"
OUR_EXTENSION = "site_builder.markdown.markdown_ext"
OUR_PLUGIN = "intervision"
RATIO_GOAL = 1.15
RATIO_GOAL_MODULES = 200
PAGE_SIZE_GOAL_KB = 80.0
PAGE_SIZE_GOAL_MODULES = 1000


@dataclass(frozen=True)
class BuildResult:
    variant: str
    seconds: float
    cpu_seconds: float
    pages: int
    median_kb: float
    max_kb: float

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages


def _extension_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def ours_config(base: dict[str, Any], content: Path, site: Path) -> dict[str, Any]:
    """The project's config pointed at the synthetic content; the plugin makes nav and pages."""
    config = copy.deepcopy(base)
    config.update(docs_dir=str(content), site_dir=str(site))
    config.pop("nav", None)
    config["theme"]["custom_dir"] = str(REPO_ROOT / config["theme"]["custom_dir"])
    extensions = []
    for entry in config["markdown_extensions"]:
        if _extension_name(entry) == OUR_EXTENSION:
            entry = {OUR_EXTENSION: {**(entry[OUR_EXTENSION] or {}), "content_dir": str(content)}}
        extensions.append(entry)
    config["markdown_extensions"] = extensions
    return config


def bare_config(base: dict[str, Any], content: Path, site: Path, nav: list[Any]) -> dict[str, Any]:
    """Material alone: same theme features, extensions, pages and nav, nothing of ours."""
    config = copy.deepcopy(base)
    config.update(docs_dir=str(content), site_dir=str(site), nav=nav)
    config["theme"].pop("custom_dir", None)
    config["plugins"] = [p for p in config["plugins"] if _extension_name(p) != OUR_PLUGIN]
    config["markdown_extensions"] = [
        e for e in config["markdown_extensions"] if _extension_name(e) != OUR_EXTENSION
    ]
    config.pop("extra_css", None)
    config.pop("extra_javascript", None)
    return config


def bare_docs(content: Path, bare_content: Path) -> list[Any]:
    """The same docs plus our generated pages written as files; returns the plugin's nav.

    Bare Material then builds exactly the pages ours builds (overview, module sections,
    method pages) under exactly the nav our plugin makes, so only our work differs.
    """
    shutil.copytree(content, bare_content)
    course = load_course(content)
    for src_uri, markdown in generated_pages(course).items():
        target = bare_content / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    return course_nav(course)


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(config_file: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `mkdocs build` in a fresh interpreter (startup included).

    CPU time is reported next to wall time because on a shared machine it is the steadier one.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config_file)]
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    cpu = _children_cpu_seconds() - cpu_before
    if result.returncode != 0:
        raise SystemExit(f"build failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return wall, cpu


def measure_pages(site: Path) -> tuple[int, float, float]:
    sizes = [p.stat().st_size / 1024 for p in site.rglob("*.html") if p.name != "404.html"]
    return len(sizes), statistics.median(sizes), max(sizes)


def bench_size(modules: int, repeat: int, workdir: Path) -> dict[str, BuildResult]:
    base = yaml.safe_load(PROJECT_CONFIG.read_text(encoding="utf-8"))
    content = workdir / f"content-{modules}"
    write_course(content, modules, REPO_ROOT / "content" / "methods")
    assets = REPO_ROOT / "content" / "assets"
    if assets.is_dir():
        shutil.copytree(assets, content / "assets")
    nav = bare_docs(content, workdir / f"content-{modules}-bare")
    variants = {
        "ours": ours_config(base, content, workdir / f"site-{modules}-ours"),
        "bare": bare_config(
            base, workdir / f"content-{modules}-bare", workdir / f"site-{modules}-bare", nav
        ),
    }
    configs: dict[str, tuple[Path, Path]] = {}
    for variant, config in variants.items():
        config_file = workdir / f"mkdocs-{modules}-{variant}.yml"
        config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
        configs[variant] = (config_file, Path(config["site_dir"]))
    wall: dict[str, list[float]] = {variant: [] for variant in configs}
    cpu: dict[str, list[float]] = {variant: [] for variant in configs}
    for _ in range(repeat):
        for variant, (config_file, _site) in configs.items():
            wall_seconds, cpu_seconds = run_build(config_file)
            wall[variant].append(wall_seconds)
            cpu[variant].append(cpu_seconds)
    results = {}
    for variant, (_config_file, site) in configs.items():
        count, median_kb, max_kb = measure_pages(site)
        results[variant] = BuildResult(
            variant, min(wall[variant]), min(cpu[variant]), count, median_kb, max_kb
        )
    return results


def report(modules: int, results: dict[str, BuildResult]) -> float:
    print(f"\n{modules} modules")
    header = ("variant", "pages", "wall s", "cpu s", "ms/page", "median KB", "max KB")
    print("  {:<7}{:>6}{:>9}{:>9}{:>9}{:>11}{:>9}".format(*header))
    for result in results.values():
        print(
            f"  {result.variant:<7}{result.pages:>6}"
            f"{result.seconds:>9.2f}{result.cpu_seconds:>9.2f}"
            f"{result.ms_per_page:>9.1f}{result.median_kb:>11.1f}{result.max_kb:>9.1f}"
        )
    ours, bare = results["ours"], results["bare"]
    ratio = ours.seconds / bare.seconds
    cpu_ratio = ours.cpu_seconds / bare.cpu_seconds
    per_page = ours.ms_per_page / bare.ms_per_page
    print(f"  ours/bare: wall {ratio:.2f}x, cpu {cpu_ratio:.2f}x, wall per page {per_page:.2f}x")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="builds per variant (best kept)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="intervision-bench-"))
    missed: list[str] = []
    try:
        for modules in args.sizes:
            results = bench_size(modules, max(1, args.repeat), workdir)
            ratio = report(modules, results)
            if modules == RATIO_GOAL_MODULES and ratio > RATIO_GOAL:
                missed.append(f"{ratio:.2f}x bare at {modules} modules (goal <= {RATIO_GOAL}x)")
            if modules == PAGE_SIZE_GOAL_MODULES and results["ours"].max_kb >= PAGE_SIZE_GOAL_KB:
                max_kb = results["ours"].max_kb
                missed.append(f"largest page {max_kb:.1f} KB at {modules} modules (goal < 80 KB)")
    finally:
        if args.keep:
            print(f"\nsites kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for goal in missed:
        print(f"GOAL MISSED: {goal}")
    return 1 if (missed and args.check) else 0


if __name__ == "__main__":
    raise SystemExit(main())
