"""Build time of the same synthetic course on Zensical against Material, in the same run.

    .venv/bin/python -m benchmarks.engine_bench            # 50 / 200 / 1000 modules
    .venv/bin/python -m benchmarks.engine_bench --tiny     # smoke run: 5 modules, one build

Each build is `intervision build --engine E` in a fresh interpreter (startup included), so
the Zensical figure includes what the adapter adds: loading the course, staging the docs
folder with the generated pages, and catalogue.json. Best of --repeat; figures in
docs/testing.md.
"""

from __future__ import annotations

import argparse
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

import yaml

from benchmarks.build_bench import PROJECT_CONFIG, REPO_ROOT, ours_config
from benchmarks.synthetic_course import write_course

ENGINES = ("material", "zensical")


@dataclass(frozen=True)
class EngineRun:
    engine: str
    seconds: float
    cpu_seconds: float
    pages: int
    median_kb: float


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(engine: str, config_file: Path, site: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `intervision build --engine engine`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "site_builder", "build", "-q", "--engine", engine]
    command += ["-f", str(config_file), "-d", str(site)]
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0 or not (site / "catalogue.json").is_file():
        raise SystemExit(f"build failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return wall, _children_cpu_seconds() - cpu_before


def bench_size(modules: int, repeat: int, workdir: Path) -> dict[str, EngineRun]:
    content = workdir / f"content-{modules}"
    write_course(content, modules, REPO_ROOT / "content" / "methods")
    shutil.copytree(REPO_ROOT / "content" / "assets", content / "assets")
    base = yaml.safe_load(PROJECT_CONFIG.read_text(encoding="utf-8"))
    config = ours_config(base, content, workdir / f"site-{modules}")
    config_file = workdir / f"mkdocs-{modules}.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    runs: dict[str, list[tuple[float, float]]] = {engine: [] for engine in ENGINES}
    for _ in range(repeat):
        for engine in ENGINES:  # interleaved, so machine load hits both engines alike
            site = workdir / f"site-{modules}-{engine}"
            runs[engine].append(run_build(engine, config_file, site))
    results = {}
    for engine, timings in runs.items():
        sizes = [
            p.stat().st_size / 1024 for p in (workdir / f"site-{modules}-{engine}").rglob("*.html")
        ]
        results[engine] = EngineRun(
            engine,
            min(t[0] for t in timings),
            min(t[1] for t in timings),
            len(sizes),
            statistics.median(sizes),
        )
    return results


def report(modules: int, results: dict[str, EngineRun]) -> None:
    print(f"\n{modules} modules")
    header = ("engine", "pages", "wall s", "cpu s", "ms/page", "median KB")
    print("  {:<10}{:>7}{:>9}{:>9}{:>9}{:>11}".format(*header))
    for run in results.values():
        per_page = 1000 * run.seconds / run.pages
        print(
            f"  {run.engine:<10}{run.pages:>7}{run.seconds:>9.2f}"
            f"{run.cpu_seconds:>9.2f}{per_page:>9.1f}{run.median_kb:>11.1f}"
        )
    zensical, material = results["zensical"], results["material"]
    print(
        f"  zensical/material: wall {zensical.seconds / material.seconds:.2f}x, "
        f"cpu {zensical.cpu_seconds / material.cpu_seconds:.2f}x"
    )
    if zensical.pages != material.pages:
        print(f"  PAGES DIFFER: zensical {zensical.pages}, material {material.pages}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--repeat", type=int, default=2, help="builds per engine (best kept)")
    parser.add_argument("--tiny", action="store_true", help="smoke run: 5 modules, one build")
    args = parser.parse_args(argv)
    sizes, repeat = ([5], 1) if args.tiny else (args.sizes, max(1, args.repeat))
    workdir = Path(tempfile.mkdtemp(prefix="intervision-engine-bench-"))
    try:
        for modules in sizes:
            report(modules, bench_size(modules, repeat, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
