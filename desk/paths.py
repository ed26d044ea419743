"""Where things live: the default desk (platformdirs' user data folder) and the seeds."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "claims-desk"
DEFAULT_DESK_NAME = "newsroom.desk"


def default_desk_path() -> Path:
    """The desk that ``python main.py`` opens: ``<user data dir>/claims-desk/newsroom.desk``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DESK_NAME


def seeds_dir() -> Path:
    """The sample articles a fresh default desk is filled with."""
    return Path(__file__).resolve().parent.parent / "seeds"
