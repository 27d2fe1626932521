#!/usr/bin/env bash
# Prepare a Debian machine (CI runs this as root on a clean clone) for the whole test suite.
# Idempotent: installs system packages only when missing, so a second run costs seconds.
#   - chromium:   real browser for tests/e2e (Playwright drives the Debian binary, no download)
#   - postgresql: server binaries; tests start their own throw-away cluster, none runs here
#   - redis-server: binary for the Redis LTI state store tests (own throw-away server per run)
#   - nginx:      reverse proxy for the several-app-servers test (own config, own port; the
#                 package's default site is never started here)
#   - npm:        fetches axe-core (MPL-2.0, not vendored) into a cache outside git
#   - .venv:      the project in editable mode with its dev and redis extras
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# Keep in sync with tests/e2e/conftest.py (AXE_VERSION, default axe location).
axe_version="4.14.1"
axe_prefix="${INTERVISION_AXE_PREFIX:-$repo_root/.venv/npm}"

log() { printf 'setup-system: %s\n' "$*" >&2; }

missing_packages=()
[ -x /usr/bin/chromium ] || missing_packages+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing_packages+=(postgresql)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing_packages+=(redis-server)
[ -x /usr/sbin/nginx ] || missing_packages+=(nginx-light)
command -v npm >/dev/null || missing_packages+=(npm)
# WeasyPrint (trainer kit PDFs) renders text with Pango
compgen -G '/usr/lib/*/libpango-1.0.so.0' >/dev/null || missing_packages+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v python3 >/dev/null || missing_packages+=(python3)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing_packages+=(python3-venv)

if ((${#missing_packages[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing system packages: ${missing_packages[*]}"
    log "run this script as root (or: sudo apt-get install ${missing_packages[*]})"
    exit 1
  fi
  log "installing ${missing_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing_packages[@]}" </dev/null
else
  log "system packages present (chromium, postgresql, redis-server, npm, python3-venv)"
fi

python3 - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup-system: Python 3.11+ is required, found {sys.version.split()[0]}")
PY

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
log "installing the project: pip install -e '.[dev,redis]'"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,redis]'
# Zensical for `intervision build --engine zensical` (and its CI tests). 0.0.73 declares
# pymdown-extensions>=11 while Material's build is pinned <11; it runs on 10.x (the same-site
# tests prove it), so it is installed without its own pins (docs/authoring.md, Zensical).
log "installing zensical 0.0.73 (without its pymdown-extensions pin)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
  'zensical==0.0.73' 'deepmerge>=2,<5' 'tomli>=2.4,<3'

axe_js="$axe_prefix/node_modules/axe-core/axe.min.js"
installed_axe="$(node -p "require('$axe_prefix/node_modules/axe-core/package.json').version" 2>/dev/null || true)"
if [ "$installed_axe" != "$axe_version" ]; then
  log "fetching axe-core@$axe_version into $axe_prefix"
  mkdir -p "$axe_prefix"
  npm install --prefix "$axe_prefix" --no-audit --no-fund --no-save --loglevel=error \
    "axe-core@$axe_version" </dev/null
fi
[ -s "$axe_js" ] || { log "axe-core was not installed at $axe_js"; exit 1; }

# scorm-again (MIT): a real SCORM 1.2 / 2004 runtime for tests/e2e/test_scorm_runtime.py.
# Keep in sync with tests/support/scorm_runtime.py (SCORM_AGAIN_VERSION).
scorm_again_version="3.4.3"
installed_scorm_again="$(node -p "require('$axe_prefix/node_modules/scorm-again/package.json').version" 2>/dev/null || true)"
if [ "$installed_scorm_again" != "$scorm_again_version" ]; then
  log "fetching scorm-again@$scorm_again_version into $axe_prefix"
  npm install --prefix "$axe_prefix" --no-audit --no-fund --no-save --loglevel=error \
    "axe-core@$axe_version" "scorm-again@$scorm_again_version" </dev/null
fi
[ -d "$axe_prefix/node_modules/scorm-again/dist" ] || { log "scorm-again was not installed"; exit 1; }
log "ready: $(/usr/bin/chromium --version 2>/dev/null || echo chromium), axe-core $axe_version, scorm-again $scorm_again_version"
