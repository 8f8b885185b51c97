#!/usr/bin/env bash
# Prepare the real third-party MCP server used by the tools tests: the reference server
# mcp-server-time from the package index, in its own virtualenv (build/mcp-time-venv), because it
# pins its own `mcp` and must never mix with the app's. Idempotent: a venv that already holds the
# wanted version is reused. Prints the venv's python on its last line (tools/dev.sh exports it as
# NEBULA_MCP_TIME; the server is <venv>/bin/mcp-server-time next to it).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=build/mcp-time-venv
VERSION=${MCP_SERVER_TIME_VERSION:-2026.10.19}
PY=${PYTHON:-python3}
log() { printf '\033[1;34m[mcp-time]\033[0m %s\n' "$*" >&2; }
installed() {
  "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp-server-time') != '$VERSION')" 2>/dev/null \
    && [ -x "$VENV/bin/mcp-server-time" ]
}
if [ ! -x "$VENV/bin/python" ] || ! installed; then
  mkdir -p build
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  log "installing mcp-server-time $VERSION into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
  "$VENV/bin/python" -m pip install -q "mcp-server-time==$VERSION" >&2
  installed || { log "mcp-server-time $VERSION did not install"; exit 1; }
fi
echo "$(pwd)/$VENV/bin/python"
