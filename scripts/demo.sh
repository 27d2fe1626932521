#!/usr/bin/env bash
# Quick start: install into .venv, build the courseware, start the LTI tool on SQLite together
# with a local demo LMS, and print the URLs. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build prints the trainer kit's phase cards as PDFs with WeasyPrint, which needs Pango;
# python3-venv makes the .venv. Both are the only system packages the demo needs.
missing=()
compgen -G '/usr/lib/*/libpango-1.0.so.0' >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "demo.sh: missing system packages: ${missing[*]}" >&2
    echo "demo.sh: run it as root, or first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "demo.sh: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/intervision demo "$@"
