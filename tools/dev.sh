#!/usr/bin/env bash
# One entry point that sets up everything on a fresh machine, then launches the app or runs the
# whole test suite.   bash tools/dev.sh app [ARGS...]   |   bash tools/dev.sh test [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}

log() { printf '\033[1;34m[nebula]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[nebula] %s\033[0m\n' "$*" >&2; exit 1; }

# Debian packages: what Qt needs to open a window on X11, fonts for CJK and emoji, and (for the
# tests) a virtual X server, a real Secret Service and image tools.
APP_DEBS=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
          libxcb-shape0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
          fonts-noto-color-emoji fonts-noto-cjk)
TEST_DEBS=(xvfb xauth x11-utils xdotool imagemagick gnome-keyring libsecret-tools dbus dbus-x11
           desktop-file-utils appstream)

install_debs() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "Please install: ${missing[*]}"
    sudo="sudo"
  fi
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null || die "apt-get install failed for: ${missing[*]}"
}

ensure_venv() {
  local extras=$1 stamp want
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment in .venv"
    "$PY" -m venv "$VENV" || die "could not create a virtual environment (is python3-venv installed?)"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null || die "pip upgrade failed"
  fi
  stamp="$VENV/.nebula-installed"
  want="$extras $(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
    log "installing Python packages ($extras)"
    local spec="."
    [ "$extras" = "test" ] && spec=".[test]"
    "$VENV/bin/python" -m pip install -q -e "$spec" || die "pip install failed"
    echo "$want" > "$stamp"
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  app)
    if [ "$(uname -s)" = "Linux" ]; then install_debs "${APP_DEBS[@]}"; fi
    ensure_venv app
    exec "$VENV/bin/nebula-desktop" "$@"
    ;;
  test)
    if [ "$(uname -s)" = "Linux" ]; then install_debs "${APP_DEBS[@]}" "${TEST_DEBS[@]}"; fi
    ensure_venv test
    export PATH="$VENV/bin:$PATH"
    log "ruff"
    ruff check nebula_desktop tests benchmarks build_scripts tools || die "ruff found problems"
    log "mypy --strict on the whole package (core and ui/)"
    mypy nebula_desktop \
      || die "mypy found problems"
    log "real third-party server for the realserver tests (llama.cpp + SmolLM2-135M)"
    NEBULA_LLAMA_PYTHON=$(bash tools/setup_realserver.sh | tail -n1) || die "could not set up the llama.cpp server"
    export NEBULA_LLAMA_PYTHON
    log "real MCP server for the tools tests (mcp-server-time in build/mcp-time-venv)"
    NEBULA_MCP_TIME=$(bash tools/setup_mcp_time.sh | tail -n1) || die "could not set up mcp-server-time"
    export NEBULA_MCP_TIME
    log "pytest (real Secret Service on a private D-Bus session)"
    set +e
    QT_QPA_PLATFORM=offscreen dbus-run-session -- bash tools/with-keyring.sh \
      python -m pytest "$@"
    rc=$?
    set -e
    [ $rc -eq 0 ] || die "tests failed (pytest exit $rc)"
    log "all tests passed"
    ;;
  *)
    echo "usage: bash tools/dev.sh app [ARGS...] | bash tools/dev.sh test [PYTEST ARGS...]" >&2
    exit 2
    ;;
esac
