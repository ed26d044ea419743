"""Where things live: the default desk (platformdirs' user data folder) and the seeds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from desk.facade import Desk

APP_NAME = "claims-desk"
DEFAULT_DESK_NAME = "newsroom.desk"


def default_desk_path() -> Path:
    """The desk that ``python main.py`` opens: ``<user data dir>/claims-desk/newsroom.desk``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DESK_NAME


def seeds_dir() -> Path:
    """The sample articles a fresh default desk is filled with."""
    return Path(__file__).resolve().parent.parent / "seeds"


def open_desk(path: str | Path, *, read_only: bool = False, seed: bool = False,
              editor: str | None = None) -> Desk:
    """Open (or create) a desk; with ``seed``, a desk file that is new is filled from seeds.

    ``python main.py`` opens the default desk this way, so that a first run shows the
    sample articles and the sample claims (:mod:`desk.reports.sample`: checked, tagged,
    grouped, one figure that disagrees). An existing desk, even an empty one, is never
    re-seeded.
    """
    from desk.facade import Desk
    from desk.store.connection import is_new_file

    path = Path(path).expanduser()
    fresh = seed and not read_only and is_new_file(path)
    if fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
    desk = Desk.open(path, read_only=read_only, editor=editor)
    if fresh:
        from desk.reports.sample import add_sample

        desk.import_path(seeds_dir())
        add_sample(desk)
    return desk
