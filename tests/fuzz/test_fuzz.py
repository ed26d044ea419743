"""Fuzzing every parser of outside input (a few hundred inputs each; ``scripts/fuzz.py`` runs
thousands): each input gives a result or a DeskError, never a traceback."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import TARGETS, Target, classics, run_one


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzzed_inputs_never_give_a_traceback(target: Target) -> None:
    with tempfile.TemporaryDirectory() as folder:
        @settings(max_examples=target.suite_inputs, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        @given(target.inputs())
        def feed(value: object) -> None:
            run_one(target, value, Path(folder))

        feed()


@pytest.mark.parametrize("name, feed, data", classics(0.05), ids=[c[0] for c in classics(0.05)])
def test_classic_hostile_inputs_are_answered_in_bounded_time(name, feed, data,
                                                             tmp_path: Path) -> None:
    started = time.perf_counter()
    run_one(Target(name, lambda: None, feed), data, tmp_path)  # type: ignore[arg-type]
    assert time.perf_counter() - started <= 2 + 2 * len(data) / 1048576


def test_an_entity_bomb_in_xhtml_is_not_expanded(tmp_path: Path) -> None:
    from desk.text.importers import parse_html
    from desk.text.textio import decode
    from tests.fuzz.targets import BILLION_LAUGHS

    draft = parse_html(decode(BILLION_LAUGHS, "laughs.html", html=True), "laughs.html")
    assert "5 million people" in draft.body and len(draft.body) < 1000
