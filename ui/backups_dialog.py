"""The "Restore from Backup…" dialog: a desk's backups, newest first, one to bring back.

Used by the window (File ▸ Restore from Backup…) and when a desk cannot be opened because
its file is damaged (:func:`offer_restore`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import Desk, DeskError
from desk.trust.backup import KEEP_BACKUPS, BackupInfo, backup_dir, list_backups

#: How the reasons in backup file names read in the list.
REASONS = {"open": "Opened in the window", "migrate": "Before a format upgrade",
           "merge": "Before a merge", "restore": "Before a restore",
           "update": "Before an article update", "manual": "Made by hand"}


class BackupsDialog(QDialog):
    """Lists backups (when, why, size); :attr:`chosen` is the one to restore after accept."""

    def __init__(self, backups: list[BackupInfo], desk_name: str, folder: Path,
                 parent: QWidget | None = None, *, intro: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Restore from Backup")
        self.backups = backups
        self.chosen: Path | None = None
        text = intro or (f"Choose a backup of {desk_name} to bring back. The desk as it is "
                         "now is backed up first, so a restore can itself be undone.")
        label = QLabel(f"{text}\n\nBackups are kept in {folder} (the newest {KEEP_BACKUPS}).")
        label.setWordWrap(True)
        self.table = QTableWidget(len(backups), 3, objectName="backupsTable")
        self.table.setHorizontalHeaderLabels(["Made", "Why", "Size"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setStyleSheet("QTableWidget::item { padding: 0px 10px; }")
        for row, info in enumerate(backups):
            for column, value in enumerate((_when(info.created_at),
                                            REASONS.get(info.reason, info.reason),
                                            _size(info.size))):
                item = QTableWidgetItem(value)
                item.setToolTip(str(info.path))
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        if backups:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.chosen = self.backups[rows[0].row()].path if rows else None
        self.restore_button.setEnabled(self.chosen is not None)

    def accept(self) -> None:
        """Close with the selected backup as :attr:`chosen` (nothing when none is selected)."""
        if self.chosen is not None:
            super().accept()


def _when(created_at: str) -> str:
    """A backup's UTC time stamp as local time people read."""
    try:
        moment = datetime.fromisoformat(created_at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return created_at
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def offer_restore(parent: QWidget | None, desk_path: Path, problem: str) -> bool:
    """For a desk that cannot be opened: offer its backups; True once one was restored.

    The damaged file is moved aside (never deleted) by :func:`desk.backup.restore_file`.
    """
    backups = list_backups(desk_path)
    if not backups:
        return False
    dialog = BackupsDialog(backups, desk_path.name, backup_dir(desk_path), parent,
                           intro=f"{problem}\n\nIt can be restored from one of its backups; "
                                 "the damaged file is kept beside it.")
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
        return False
    try:
        Desk.restore_file(desk_path, dialog.chosen)
    except DeskError as exc:
        QMessageBox.critical(parent, "Cannot restore desk", str(exc))
        return False
    return True
