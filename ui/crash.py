"""The window's last resort for a bug: the traceback goes to the crash log, a sentence on screen.

Installed as ``sys.excepthook`` by :func:`ui.app.run`. An editor sees what happened, that the
desk still holds what was saved, and where the details are (to send to whoever looks after the
app); never a raw traceback. A developer running from a terminal still gets it on stderr.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from desk import DeskError
from desk.errors import StorageError, readable
from desk.paths import crash_log_path, write_crash_log


def crash_message(error: BaseException, log: Path | None) -> str:
    """What the editor reads about an unexpected error written (or not) to ``log``."""
    where = (f"The details were written to {log}." if log else
             f"The details could not be written to {crash_log_path()}.")
    return (f"Something went wrong: {error or type(error).__name__}.\n\nYour work so far is "
            f"saved in the desk file. {where} Please send that file to whoever looks after "
            "Claims Desk.")


def report_unexpected(kind: type[BaseException], error: BaseException,
                      trace: TracebackType | None) -> None:
    """``sys.excepthook``: log a bug with its traceback and say so in a dialog."""
    traceback.print_exception(kind, error, trace)
    if isinstance(error, KeyboardInterrupt):
        QApplication.quit()
        return
    if isinstance(error, DeskError):  # a person's error that escaped a slot: no crash
        message = str(error)
    elif isinstance(error, StorageError):
        write_crash_log(kind, error, trace, where="window")
        message = (f"The desk file could not be read: {readable(error)}.\n\nWhat was saved "
                   "before is in the file and its backups: File › Restore from Backup… brings one "
                   "back, and `claims-desk check` tells what is damaged.")
    else:
        message = crash_message(error, write_crash_log(kind, error, trace, where="window"))
    show_message(message)


def show_message(message: str) -> None:
    """A warning box over the active window; skipped when no display can show one."""
    if QApplication.instance() is None or QApplication.platformName() == "offscreen":
        print(message, file=sys.stderr)  # tests and smoke runs: nobody could close a dialog
        return
    QMessageBox.warning(QApplication.activeWindow(), "Claims Desk", message)
