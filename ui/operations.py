"""Trust and fieldwork in the window: backups, article updates, merges, interchange exports.

:class:`DeskOperations` is a controller handed the window's context (not the window) and the
reader (re-attaching anchors a claim to its selection). It builds its own actions and menu
entries, and runs the long work (merge, update, exports, the on-open backup) on worker threads
with their own desk connection (:mod:`ui.workers`). It also keeps the "another window has this
desk open" notice and the "Needs Attention" dock.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox

from desk import META_ORGANISATION, Change, Desk, DeskError, ImportResult
from desk.trust.backup import backup_dir

from .attention import AttentionDock, ReattachCommand
from .files import ARTICLE_FILTER, DESK_FILTER
from .workers import DeskJob

if TYPE_CHECKING:
    from desk.fieldwork.merge import MergeSummary

    from .conflicts_dialog import ConflictsDialog
    from .controller import WindowContext
    from .desk_settings import SettingsDialog
    from .reader import Reader

JSON_FILTER = "JSON (*.json *.jsonld)"
#: (object name, text, status tip, shortcut, edits the desk)
SPECS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("actionUpdateArticle", "&Update Articles…",
     "Re-import changed article files: their claims are re-anchored", "Ctrl+Shift+U", True),
    ("actionMergeDesk", "&Merge Desks…", "Merge other desk files (from laptops) into this one",
     "Ctrl+Shift+M", True),
    ("actionMergeConflicts", "Merge &Conflicts…", "Review values a merge overruled", "", False),
    ("actionRestoreBackup", "Restore from &Backup…", "Bring back an earlier copy of this desk",
     "", True),
    ("actionExportJson", "Export &JSON (Web Annotations)…",
     "Write every claim as a W3C Web Annotation", "", False),
    ("actionExportClaimReview", "Export Claim&Review…",
     "Write claims with a verdict as schema.org ClaimReview", "", False),
    ("actionSettings", "&Settings…", "Your name, and this desk's organisation", "Ctrl+,",
     False),
    ("actionReattachClaim", "&Re-attach Claim to Selection",
     "Anchor the claim chosen under Needs Attention to the selected text", "Ctrl+Shift+T", True),
    ("actionAcceptAnchor", "Accept Claim's New &Place",
     "Confirm where an update moved the chosen claim", "", True),
)
#: The Needs Attention dock's first height (pixels): a few rows under the panes.
ATTENTION_HEIGHT = 190
#: How often the window looks again for other windows on its desk (milliseconds).
INSTANCE_POLL_MS = 5000


class DeskOperations(QObject):
    """The window's backups, updates, merges, interchange exports and attention list."""

    def __init__(self, context: WindowContext, reader: Reader) -> None:
        super().__init__(context.parent)
        self.context, self.reader = context, reader
        self.parent_ = context.parent
        self.desk: Desk = context.desk
        self.backup_job: DeskJob | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.last_summary: MergeSummary | None = None
        self._add_actions()
        self.attention = AttentionDock(self.desk, self.parent_)
        self.attention.hide()
        self.parent_.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.attention)
        self._add_menus()
        self.attention.claimChosen.connect(context.selection.show_claim)
        self.attention.reattachRequested.connect(self.reattach)
        self.attention.acceptRequested.connect(self.accept_anchor)
        self._unsubscribe = self.desk.subscribe(self._on_change)

        self.others_label = QLabel(objectName="otherInstancesLabel")
        self.others_label.hide()
        self.parent_.statusBar().addPermanentWidget(self.others_label)
        self.desk.announce()
        self.check_other_instances()
        self.instance_timer = QTimer(self, interval=INSTANCE_POLL_MS)
        self.instance_timer.timeout.connect(self.check_other_instances)
        self.instance_timer.start()
        if self.desk.needs_attention():
            self.show_attention()

    # -- actions and menus ---------------------------------------------------------------

    def _add_actions(self) -> None:
        registry, read_only = self.context.registry, self.desk.read_only
        for name, text, tip, keys, edits in SPECS:
            action = QAction(text, self.parent_)
            action.setObjectName(name)
            action.setStatusTip(tip)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setProperty("edits", edits)
            action.setEnabled(not (edits and read_only))
            self.context.add_action(action)
        a = registry
        a.actionUpdateArticle.triggered.connect(self.update_articles)
        a.actionMergeDesk.triggered.connect(self.merge_desks)
        a.actionMergeConflicts.triggered.connect(self.show_conflicts)
        a.actionRestoreBackup.triggered.connect(self.restore_backup)
        a.actionExportJson.triggered.connect(lambda: self.export_format("json"))
        a.actionExportClaimReview.triggered.connect(lambda: self.export_format("claimreview"))
        a.actionSettings.triggered.connect(self.edit_settings)
        a.actionReattachClaim.triggered.connect(lambda: self.reattach(self.attention.current_id()))
        a.actionAcceptAnchor.triggered.connect(
            lambda: self.accept_anchor(self.attention.current_id()))

    def _add_menus(self) -> None:
        a = self.context.registry
        file_menu, edit_menu, view_menu = (self._menu(t) for t in ("File", "Edit", "View"))
        if file_menu is not None:
            file_menu.insertActions(a.actionExportCsv, [a.actionUpdateArticle,
                                                        a.actionMergeDesk])
            file_menu.insertSeparator(a.actionExportCsv)
            after_csv = _next_action(file_menu, a.actionExportCsv)
            file_menu.insertActions(after_csv, [a.actionExportJson, a.actionExportClaimReview])
            file_menu.insertSeparator(after_csv)
            file_menu.insertActions(after_csv, [a.actionRestoreBackup, a.actionSettings])
        if edit_menu is not None:
            edit_menu.addSeparator()
            edit_menu.addActions([a.actionReattachClaim, a.actionAcceptAnchor,
                                  a.actionMergeConflicts])
        if view_menu is not None:
            toggle = self.attention.toggleViewAction()
            toggle.setObjectName("actionNeedsAttention")
            toggle.setShortcut(QKeySequence("Ctrl+3"))
            toggle.setStatusTip("Claims an article update could not place exactly")
            view_menu.addSeparator()
            view_menu.addAction(toggle)
            self.context.registry.add(toggle)

    def show_attention(self) -> None:
        """Show the Needs Attention dock at a modest height."""
        self.attention.show()
        self.parent_.resizeDocks([self.attention], [ATTENTION_HEIGHT], Qt.Orientation.Vertical)

    def _menu(self, title: str) -> QMenu | None:
        for action in self.parent_.menuBar().actions():
            if action.text().replace("&", "") == title and action.menu() is not None:
                return action.menu()  # type: ignore[return-value]
        return None

    # -- following the desk ---------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        self.attention.on_change(change)
        if change.kind == "desk_restored":
            self.reload_all()

    def reload_all(self) -> None:
        """Re-read everything (after a restore or a merge) and show the same article again."""
        self.context.reload_all()
        self.attention.model.reload()

    def check_other_instances(self) -> int:
        """Show (or hide) the notice that another window has this desk open; how many."""
        if self.context.closed():
            return 0
        others = self.desk.other_instances()
        if others:
            self.others_label.setText(
                "Another window has this desk open" if others == 1
                else f"{others} other windows have this desk open")
            self.others_label.setToolTip(
                "Edits from each window are saved safely; the other window shows them after "
                "it reloads (re-open the desk).")
        self.others_label.setVisible(bool(others))
        return others

    def stop(self) -> None:
        """The window is closing: stop polling and wait for the on-open backup."""
        self.instance_timer.stop()
        self._unsubscribe()
        if self.backup_job is not None:
            self.backup_job.wait(30000)

    # -- backups -------------------------------------------------------------------------

    def start_open_backup(self) -> DeskJob | None:
        """Back the desk up on a worker thread (after the window shows, never delaying it)."""
        if self.context.closed() or self.desk.read_only or self.backup_job is not None:
            return None
        job = DeskJob(self.desk.path, self.desk.editor, lambda d, p, c: d.backup("open"), self)
        job.succeeded.connect(self._backed_up)
        job.failed.connect(self._backup_failed)
        self.backup_job = job
        job.start()
        return job

    @Slot(object)
    def _backed_up(self, path: Any) -> None:
        bar = self.parent_.statusBar()
        if not self.context.closed() and not bar.currentMessage():  # never over news
            bar.showMessage(f"Backed up to {Path(path).name}", 5000)

    @Slot(str)
    def _backup_failed(self, message: str) -> None:
        if not self.context.closed():
            self.context.status(f"No backup was made: {message}", 15000)

    def restore_backup(self) -> None:
        """Offer the desk's backups; restore the chosen one and reload everything."""
        backups = self.desk.backups()
        if not backups:
            self.context.report(f"{self.desk.path.name} has no backups yet (they are made in "
                               f"{backup_dir(self.desk.path)}).", "Restore from Backup")
            return
        from .backups_dialog import BackupsDialog  # dialogs load when first opened

        dialog = BackupsDialog(backups, self.desk.path.name, backup_dir(self.desk.path),
                               self.parent_)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.restore_from(dialog.chosen))
        self.context.keep_dialog(dialog)
        dialog.open()

    def restore_from(self, path: Path | None) -> bool:
        """Replace the desk's content with the backup at ``path``; False (and a message) if not."""
        if path is None:
            return False
        self.context.commit_pending()
        try:
            safety = self.desk.restore_backup(path)
        except DeskError as exc:
            self.context.report(str(exc), "Cannot restore")
            return False
        self.context.status(
            f"Restored {Path(path).name}; the desk as it was is in {Path(safety).name}", 15000)
        return True

    # -- updating articles ---------------------------------------------------------------

    def update_articles(self) -> None:
        """Ask for changed article files and update the desk's articles from them."""
        names, _ = QFileDialog.getOpenFileNames(self.parent_, "Update Articles",
                                                str(self.desk.path.parent), ARTICLE_FILTER)
        if names:
            self.update_from(names)

    def update_from(self, paths: list[str]) -> DeskJob | None:
        """Update articles from files on a worker thread; then say what changed."""
        if self.desk.read_only:
            self.context.report("This desk is open read-only: nothing can be updated.")
            return None
        self.context.commit_pending()

        def work(desk: Desk, progress: Any, cancelled: Any) -> tuple[list[ImportResult],
                                                                      dict[str, list[str]]]:
            from desk.across.stealth import latest_changes

            results = desk.import_paths(paths, progress, cancelled, update=True)
            lines = {r.article_id: [c.message for c in latest_changes(desk, r.article_id)]
                     for r in results if r.status == "updated" and r.article_id}
            return results, lines

        return self.context.run_job("Updating articles…", work, self._updated)

    def _updated(self, outcome: tuple[list[ImportResult], dict[str, list[str]]]) -> None:
        results, stealth = outcome
        self.reload_all()
        counts = {kind: sum(r.status == kind for r in results)
                  for kind in ("updated", "skipped", "imported", "failed")}
        summary = (f"{counts['updated']} updated, {counts['skipped']} unchanged, "
                   f"{counts['imported']} imported as new, {counts['failed']} failed.")
        details = []
        for r in results:
            if r.status == "passed over":
                continue
            name = Path(r.path).name
            details.append(f"• {name}: {r.status}" + (f" — {r.message}" if r.message else ""))
            details.extend(f"    ⚠ {line}" for line in stealth.get(r.article_id or "", []))
        self.context.status(summary, 10000)
        if self.desk.needs_attention():
            self.show_attention()
        self.inform("Update Articles", f"{summary}\n\n" + "\n".join(details[:40]),
                    warning=bool(counts["failed"]))

    # -- merging -------------------------------------------------------------------------

    def merge_desks(self) -> None:
        """Ask for other desk files and merge them into this desk."""
        names, _ = QFileDialog.getOpenFileNames(self.parent_, "Merge Desks",
                                                str(self.desk.path.parent), DESK_FILTER)
        if names:
            self.merge_from(names)

    def merge_from(self, paths: list[str]) -> DeskJob | None:
        """Merge desk files on a worker thread (one transaction, Cancel leaves it as it was)."""
        from desk.fieldwork.merge import (
            merge_desks,  # loaded when first used: start-up stays quick
        )

        if self.desk.read_only:
            self.context.report("This desk is open read-only: nothing can be merged into it.")
            return None
        self.context.commit_pending()
        return self.context.run_job(
            "Merging desks…",
            lambda desk, progress, cancelled:
            merge_desks(desk, paths, progress=progress, cancelled=cancelled),
            self._merged)

    def _merged(self, summary: MergeSummary) -> None:
        self.last_summary = summary
        self.reload_all()
        lines = [line for line in summary.lines() if not line.startswith("merged ")]
        names = "\n".join(f"• {Path(p).name} (in {Path(p).parent})" for p in summary.merged)
        text = f"Merged into {self.desk.path.name}:\n{names}\n\n" + "\n".join(
            line[0].upper() + line[1:] for line in lines)
        if summary.conflicts:
            text += "\n\nReview the overruled values under Edit ▸ Merge Conflicts…"
        if summary.orphaned:
            self.show_attention()
        self.context.status(
            f"Merged: {summary.claims_added} claims added, {summary.claims_updated} updated, "
            f"{summary.conflicts} conflict{'' if summary.conflicts == 1 else 's'}", 10000)
        box = self.inform("Merge Desks", text)
        if summary.conflicts:
            review = box.addButton("Review Conflicts…", QMessageBox.ButtonRole.ActionRole)
            review.clicked.connect(self.show_conflicts)

    def show_conflicts(self) -> ConflictsDialog:
        """Show the merge conflicts to review (a window beside the desk's)."""
        if self.conflicts_dialog is None:
            from .conflicts_dialog import ConflictsDialog

            self.conflicts_dialog = ConflictsDialog(self.desk, self.parent_)
            self.conflicts_dialog.claimChosen.connect(self.context.selection.show_claim)
        else:
            self.conflicts_dialog.model.reload()
            self.conflicts_dialog._update()  # noqa: SLF001
        self.conflicts_dialog.show()
        self.conflicts_dialog.raise_()
        return self.conflicts_dialog

    # -- interchange exports -------------------------------------------------------------

    def export_format(self, fmt: str) -> None:
        """Ask where to write a JSON (W3C) or ClaimReview export, then write it."""
        suffix = "annotations" if fmt == "json" else "claimreview"
        default = self.desk.path.parent / f"{self.desk.path.stem}-{suffix}.json"
        title = "Export Web Annotations" if fmt == "json" else "Export ClaimReview"
        name, _ = QFileDialog.getSaveFileName(self.parent_, title, str(default), JSON_FILTER)
        if name:
            self.export_to(Path(name), fmt)

    def export_to(self, path: Path, fmt: str) -> DeskJob:
        """Write the ``json`` or ``claimreview`` export to ``path`` on a worker thread."""
        from desk.formats.interchange import write_json

        def work(desk: Desk, progress: Any, cancelled: Any) -> int:
            progress(0, 1, path.name)
            if cancelled():
                raise DeskError("The export was cancelled; nothing was written.")
            count = write_json(desk, path, fmt)
            progress(1, 1, "")
            return count

        what = "annotation" if fmt == "json" else "claim review"

        def done(count: int) -> None:
            """Say what was written; a ClaimReview without its author gets a hint."""
            self.context.status(
                f"Exported {count} {what}{'' if count == 1 else 's'} to {path}", 10000)
            if fmt == "claimreview" and not self.desk.setting(META_ORGANISATION):
                self.inform("Export ClaimReview", f"Exported {count} {what}"
                            f"{'' if count == 1 else 's'} to {path.name}, without an author: "
                            "fact-check readers (and search engines) expect the organisation "
                            "that reviewed the claims. Set it under File ▸ Settings… and "
                            "export again.", warning=True)

        return self.context.run_job("Exporting claims…", work, done)

    # -- needs attention -----------------------------------------------------------------

    def reattach(self, claim_id: str | None) -> bool:
        """Anchor a claim to the reader's selection (undoable); False with a hint if not."""
        selection = self.context.selection
        if not claim_id or self.desk.read_only:
            return False
        claim = self.desk.claim(claim_id)
        span = self.reader.selected_span()
        if selection.article_id != claim.article_id or span is None or span[0] >= span[1]:
            if selection.article_id != claim.article_id:
                selection.show_claim(claim_id)
            self.context.status("Select the claim's new text in the article, then Re-attach.",
                                6000)
            return False
        if not self.context.push(ReattachCommand(self.desk, claim, *span, self.context.report)):
            return False
        selection.show_claim(claim_id, scroll=False)
        return True

    def accept_anchor(self, claim_id: str | None) -> bool:
        """Confirm where an update moved a fuzzy claim."""
        if not claim_id:
            return False
        try:
            self.desk.accept_anchor(claim_id)
        except DeskError as exc:
            self.context.report(str(exc))
            return False
        return True

    # -- settings and messages -----------------------------------------------------------

    def edit_settings(self) -> SettingsDialog:
        """Show the Settings dialog (your name; the desk's organisation and default editor)."""
        from .desk_settings import SettingsDialog

        dialog = SettingsDialog(self.desk, self.parent_)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:
            problem = dialog.save()
            if problem:
                self.context.report(problem, "Settings")

        dialog.accepted.connect(save)
        self.context.keep_dialog(dialog)
        dialog.open()
        return dialog

    def inform(self, title: str, text: str, *, warning: bool = False) -> QMessageBox:
        """A window-modal message that does not block (kept as ``window.last_message``)."""
        return self.context.inform(title, text, warning=warning)


def _next_action(menu: QMenu, action: QAction) -> QAction | None:
    """The menu entry after ``action`` (None at the end)."""
    entries = menu.actions()
    at = entries.index(action)
    return entries[at + 1] if at + 1 < len(entries) else None
