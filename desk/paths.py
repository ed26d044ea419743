"""Where things live: the default desk (platformdirs' user data folder), the seeds, and the
crash log (platformdirs' user log folder, inside the user's state folder on Linux)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desk.version import __version__

if TYPE_CHECKING:
    from types import TracebackType

    from desk.facade import Desk

APP_NAME = "claims-desk"
DEFAULT_DESK_NAME = "newsroom.desk"
CRASH_LOG_NAME = "crash.log"
#: The crash log is cut back to its newest half when it grows past this.
CRASH_LOG_LIMIT = 1_000_000


def default_desk_path() -> Path:
    """The desk that ``python main.py`` opens: ``<user data dir>/claims-desk/newsroom.desk``."""
    import platformdirs  # not on a start-up that names its desk

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DESK_NAME


def seeds_dir() -> Path:
    """The sample articles a fresh default desk is filled with.

    ``seeds/`` sits beside ``desk/`` in a checkout, in an installed wheel (site-packages) and
    in the standalone bundle alike.
    """
    return Path(__file__).resolve().parent.parent / "seeds"


def crash_log_path() -> Path:
    """Where unexpected errors are written: ``~/.local/state/claims-desk/log/crash.log``."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / CRASH_LOG_NAME


def write_crash_log(kind: type[BaseException], error: BaseException,
                    trace: TracebackType | None, *, where: str = "") -> Path | None:
    """Append an unexpected error with its traceback to the crash log; its path, or None.

    Never raises: a crash log that cannot be written (a read-only home) must not hide the
    error being reported. The log is cut back to its newest half past ``CRASH_LOG_LIMIT``.
    """
    import platform  # only when something went wrong (``platform`` compiles 10 patterns)
    import traceback
    from datetime import datetime, timezone

    path = crash_log_path()
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entry = (f"=== {stamp} claims-desk {__version__} ({where or 'app'}) Python "
             f"{platform.python_version()} on {platform.platform()}\n"
             f"argv: {sys.argv!r}\n"
             + "".join(traceback.format_exception(kind, error, trace)) + "\n")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > CRASH_LOG_LIMIT:
            kept = path.read_bytes()[-CRASH_LOG_LIMIT // 2:]
            path.write_bytes(kept[kept.find(b"\n=== ") + 1:] if b"\n=== " in kept else b"")
        with path.open("a", encoding="utf-8", errors="replace") as log:
            log.write(entry)
    except OSError:
        return None
    return path


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
