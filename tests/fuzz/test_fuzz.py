"""Fuzzing every parser of outside input (a few hundred inputs each; ``scripts/fuzz.py`` runs
thousands): each input gives a result or a DeskError, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import TARGETS, Target, run_one


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzzed_inputs_never_give_a_traceback(target: Target) -> None:
    with tempfile.TemporaryDirectory() as folder:
        @settings(max_examples=target.suite_inputs, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        @given(target.inputs())
        def feed(value: object) -> None:
            run_one(target, value, Path(folder))

        feed()
