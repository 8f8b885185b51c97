"""The offline token estimate against the prompt tokens a real server counts (llama.cpp with
SmolLM2-135M's own tokenizer): after one calibration answer, within 10% on another prompt of
the same kind of text. The samples and the full table: benchmarks/token_estimate.py."""

from __future__ import annotations

import pytest

from benchmarks.token_estimate import SAMPLES, error, prompt, prompt_tokens
from nebula_desktop.api import ChatClient
from nebula_desktop.tokens import Calibration, estimate_tokens

from .conftest import RealServer

pytestmark = pytest.mark.realserver


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_after_one_answer_the_estimate_is_within_ten_percent_of_the_servers_count(
    real_server: RealServer, kind: str
) -> None:
    first, second = (prompt(text) for text in SAMPLES[kind])
    with ChatClient(real_server.base_url, api_key=real_server.api_key, timeout=120) as client:
        counted = [prompt_tokens(client, real_server.model, m) for m in (first, second)]
    ratios: dict[str, float] = {}
    calibration = Calibration(ratios)
    assert calibration.observe("local", real_server.model, first, counted[0])
    calibrated = calibration.estimate(second, "local", real_server.model)
    assert abs(error(calibrated, counted[1])) <= 0.10
    # Never worse than the uncalibrated estimate by more than noise.
    uncalibrated = estimate_tokens(second)
    assert abs(error(calibrated, counted[1])) <= abs(error(uncalibrated, counted[1])) + 0.03
