"""Packaging time against the site build of the same content, measured in the same run.

    python -m benchmarks.package_bench                     # 200 modules, best of 3
    python -m benchmarks.package_bench --modules 50 --repeat 5 --check

For a synthetic course of N modules (benchmarks/synthetic_course.py) it builds the site with
the project's mkdocs.yml (as `intervision build` does), then writes all five LMS packages from
that site with `python -m site_builder package --site-dir ...` (as `intervision package
--site-dir` does). Both run in a fresh interpreter, startup included, alternating, best of
--repeat kept. It also times the packaging in-process (no interpreter start), and prints the
ratio packaging / site build. Goal: <= 0.5x at 200 modules.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.build_bench import PROJECT_CONFIG, REPO_ROOT, ours_config, run_build
from benchmarks.synthetic_course import write_course
from site_builder.course.loader import load_course
from site_builder.export.packages import FORMATS, PackageOptions, write_packages

RATIO_GOAL = 0.5
BASE_URL = "https://tool.example.edu"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_package(content: Path, site: Path, dist: Path) -> Timing:
    """`python -m site_builder package --site-dir site` in a fresh interpreter."""
    command = [
        sys.executable,
        "-m",
        "site_builder",
        "package",
        "--content-dir",
        str(content),
        "--site-dir",
        str(site),
        "--dist-dir",
        str(dist),
        "--base-url",
        BASE_URL,
    ]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"packaging failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return Timing(wall, _children_cpu() - cpu_before)


def package_in_process(content: Path, site: Path, dist: Path) -> float:
    course = load_course(content)
    started = time.perf_counter()
    write_packages(course, site, dist, FORMATS, PackageOptions(base_url=BASE_URL))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best kept)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

    workdir = Path(tempfile.mkdtemp(prefix="intervision-package-bench-"))
    try:
        content = workdir / "content"
        write_course(content, args.modules, REPO_ROOT / "content" / "methods")
        if (REPO_ROOT / "content" / "assets").is_dir():
            shutil.copytree(REPO_ROOT / "content" / "assets", content / "assets")
        site = workdir / "site"
        base = yaml.safe_load(PROJECT_CONFIG.read_text(encoding="utf-8"))
        config_file = workdir / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(ours_config(base, content, site)), "utf-8")

        builds: list[Timing] = []
        packagings: list[Timing] = []
        in_process: list[float] = []
        for _ in range(repeat):
            builds.append(Timing(*run_build(config_file)))
            packagings.append(run_package(content, site, workdir / "dist"))
            in_process.append(package_in_process(content, site, workdir / "dist-in-process"))
        build = min(builds, key=lambda t: t.wall)
        packaging = min(packagings, key=lambda t: t.wall)
        pages = len(list(site.rglob("*.html")))
        sizes = {p.name: p.stat().st_size / 1024 / 1024 for p in (workdir / "dist").iterdir()}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    ratio = packaging.wall / build.wall
    cpu_ratio = packaging.cpu / build.cpu if build.cpu else float("nan")
    print(f"{args.modules} modules, {pages} pages, best of {repeat}:")
    print(
        f"  site build (mkdocs, fresh interpreter):    {build.wall:6.2f} s wall, "
        f"{build.cpu:.2f} s cpu"
    )
    print(
        f"  packaging, 5 packages (fresh interpreter): {packaging.wall:6.2f} s wall, "
        f"{packaging.cpu:.2f} s cpu"
    )
    print(f"  packaging in-process (no start-up):        {min(in_process):6.2f} s")
    for name, megabytes in sorted(sizes.items()):
        print(f"    {name}: {megabytes:.1f} MiB")
    print(
        f"  packaging / site build: wall {ratio:.2f}x, cpu {cpu_ratio:.2f}x (goal <= {RATIO_GOAL}x)"
    )
    if ratio > RATIO_GOAL:
        print(f"GOAL MISSED: packaging {ratio:.2f}x the site build (goal <= {RATIO_GOAL}x)")
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
