"""Run a benchmark command the way a developer does (``python -m benchmarks.<name> ...``), tiny,
so the benchmarks cannot rot: the command must exit 0 and print its ratio lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 240


@dataclass(frozen=True)
class BenchmarkRun:
    command: list[str]
    returncode: int
    output: str

    def lines_matching(self, pattern: str) -> list[str]:
        return [line for line in self.output.splitlines() if re.search(pattern, line)]

    def explain(self) -> str:
        return f"{' '.join(self.command)} exited {self.returncode}:\n{self.output[-6000:]}"


def run_benchmark(name: str, *arguments: str) -> BenchmarkRun:
    """The benchmark module in a fresh interpreter from the repository root (stdout + stderr)."""
    command = [sys.executable, "-m", f"benchmarks.{name}", *arguments]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        command,
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    return BenchmarkRun(command, result.returncode, result.stdout + result.stderr)
