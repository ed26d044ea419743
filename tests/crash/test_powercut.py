"""Power cuts (simulated from a traced run of real edits): every image opens, is sound, and
holds every acknowledged edit. ``scripts/powercut.py`` runs 500 images and more."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.crash.powercut import record, run_images

pytestmark = pytest.mark.skipif(shutil.which("strace") is None,
                                reason="strace is not installed (.ci/run installs it)")


def test_power_cuts_lose_no_acknowledged_edit(tmp_path: Path) -> None:
    recording = record(tmp_path, seed=7, edits=16)
    assert recording.acks == 16
    kinds = {event[0] for event in recording.events}
    assert {"write", "sync", "ack", "create", "unlink"} <= kinds
    outcome = run_images(recording, images=60, seed=7, where=tmp_path)
    assert (outcome.images, outcome.losses, outcome.unopenable, outcome.unsound) == (
        60, 0, 0, 0), outcome.notes[:5]


def test_the_simulator_finds_losses_when_edits_are_not_flushed(tmp_path: Path) -> None:
    """With synchronous=OFF nothing is flushed: a cut loses acknowledged edits or damages
    the desk, and the simulator must say so (else it could not fail)."""
    recording = record(tmp_path, seed=7, edits=10, synchronous="OFF")
    outcome = run_images(recording, images=40, seed=7, where=tmp_path)
    assert outcome.losses + outcome.unopenable + outcome.unsound > 0


def test_power_cuts_during_background_checkpoints_lose_nothing(tmp_path: Path) -> None:
    """The window's desk checkpoints on a background thread (here after every commit, racing
    the next edits): a cut in the middle of one loses nothing either."""
    recording = record(tmp_path, seed=3, edits=16, prompt=True)
    assert recording.acks == 16
    desk_file = str(recording.folder / "newsroom.desk")
    last_ack = max(i for i, e in enumerate(recording.events) if e[0] == "ack")
    # Without them the desk file is written only when it is closed, after the last edit.
    assert sum(1 for e in recording.events[:last_ack]
               if e[0] == "write" and e[1] == desk_file) > 50
    outcome = run_images(recording, images=40, seed=3, where=tmp_path)
    assert (outcome.images, outcome.losses, outcome.unopenable, outcome.unsound) == (
        40, 0, 0, 0), outcome.notes[:5]
