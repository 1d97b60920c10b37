#!/usr/bin/env bash
# The project's two entry points (see README.md):
#   ./run.sh serve   install what the build needs, build dist/, serve it on http://127.0.0.1:8000
#   ./run.sh test    install the test dependencies (Chromium, poppler, Python packages), run every test
# Works on a fresh Debian/Ubuntu machine with python3, node and npm; installs the rest itself
# (apt packages need root or sudo). Python packages go into .venv/.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {  # apt_install CMD_OR_TEST PACKAGE...
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: installing ${missing[*]} (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

venv() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv 2>/dev/null || { apt_install python3-venv; rm -rf .venv; python3 -m venv .venv; }
  fi
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
}

case "${1:-}" in
  serve)
    venv
    exec .venv/bin/python build.py serve "${@:2}"
    ;;
  test)
    command -v chromium >/dev/null 2>&1 || apt_install chromium
    command -v pdftoppm >/dev/null 2>&1 || apt_install poppler-utils
    venv
    .venv/bin/python -m pip install -q -e ".[test]"
    exec .venv/bin/python -m pytest "${@:2}"
    ;;
  *)
    echo "usage: ./run.sh serve [--port N] | ./run.sh test [pytest args]" >&2
    exit 2
    ;;
esac
