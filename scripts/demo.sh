#!/usr/bin/env bash
# Quick start: install into .venv, build the courseware, start the LTI tool on SQLite together
# with a local demo LMS, and print the URLs. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/intervision demo "$@"
