"""The claim panel: the selected claim's quote, source, figure, status, tags, note and review URL.

Nothing here writes to the desk: a field that is left (or Enter pressed) emits
:attr:`ClaimPanel.edited` with the field and new value when it really changed, and the window
turns that into an undoable command. There is no Save button.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk import STATUSES, Claim, DeskError
from desk.text.figures import parse_figure

from . import status as status_look
from .claims_model import figure_summary

EMPTY_HINT = ("No claim selected.\n\nSelect a sentence in the article and press "
              "Ctrl+Enter to tag it as a claim, or click a highlight.")


#: Lines of the quote shown before it scrolls.
QUOTE_LINES = 4

class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        """Complete only the tag after the last comma."""
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:  # noqa: N802 - Qt's name
        """Keep the tags already typed, replace the last one."""
        typed = self.widget().text() if self.widget() else ""
        head = [t.strip() for t in typed.split(",")[:-1] if t.strip()]
        return ", ".join(head + [str(index.data())])


class ClaimPanel(QWidget):
    """Shows one claim and reports edits; :meth:`show_claim` fills it."""

    edited = Signal(str, str, object)  # claim id, field, new value
    finished = Signal()  # Escape: the editor is done with the panel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claimPanel")
        self.claim: Claim | None = None
        self.read_only = False
        self._build()
        self.show_claim(None)

    def _build(self) -> None:
        self.heading = QLabel("Claim")
        self.heading.setObjectName("paneHeading")
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setObjectName("panelHint")
        self.hint.setWordWrap(True)

        self.quoteView = QLabel()
        self.quoteView.setObjectName("quoteView")
        self.quoteView.setWordWrap(True)
        self.quoteView.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quoteView.setFrameShape(QFrame.Shape.StyledPanel)
        self.quoteView.setAccessibleName("Quote")
        # The quote sits in a box of QUOTE_LINES lines (longer ones scroll): a quote of
        # another length then moves none of the fields below, which the window would repaint.
        self.quoteBox = QScrollArea(objectName="quoteBox")
        self.quoteBox.setWidget(self.quoteView)
        self.quoteBox.setWidgetResizable(True)
        self.quoteBox.setFrameShape(QFrame.Shape.NoFrame)
        self.quoteBox.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.quoteView.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.quoteView.ensurePolished()  # the stylesheet's font and padding
        self.quoteView.setText("\n".join("Quote" for _ in range(QUOTE_LINES)))
        self.quoteBox.setFixedHeight(self.quoteView.sizeHint().height())
        self.quoteView.setText("")

        self.sourceEdit = QLineEdit(objectName="sourceEdit",
                                    placeholderText="Who says so? e.g. UN human rights office")
        self._sources = QStringListModel(self)
        completer = QCompleter(self._sources, self.sourceEdit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.sourceEdit.setCompleter(completer)

        self.figureEdit = QLineEdit(objectName="figureEdit",
                                    placeholderText="The number, as written: 249 civilians")
        self.figureParsed = QLabel(objectName="figureParsed")
        self.figureParsed.setWordWrap(True)

        self.statusCombo = QComboBox(objectName="statusCombo")
        for name in STATUSES:
            self.statusCombo.addItem(status_look.badge(name), status_look.LABELS[name], name)

        self.tagsEdit = QLineEdit(objectName="tagsEdit", placeholderText="comma, separated")
        self._tags = QStringListModel(self)
        tag_completer = TagCompleter(self._tags, self.tagsEdit)
        tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tagsEdit.setCompleter(tag_completer)

        self.noteEdit = QPlainTextEdit(objectName="noteEdit")
        self.noteEdit.setPlaceholderText("Notes for the desk: what was checked, with whom…")
        self.noteEdit.setTabChangesFocus(True)
        self.noteEdit.setMinimumHeight(90)
        self.noteEdit.setMaximumHeight(200)
        self.noteEdit.installEventFilter(self)

        self.reviewUrlEdit = QLineEdit(objectName="reviewUrlEdit", placeholderText=(
            "The newsroom's published check of this claim, https://… (else the desk's)"))
        self.reviewUrlHint = QLabel(objectName="reviewUrlHint")
        self.reviewUrlHint.setWordWrap(True)

        self.metaLabel = QLabel(objectName="claimMeta")
        self.metaLabel.setWordWrap(True)

        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("&Quote", self.quoteBox)
        self.form.addRow("&Source", self.sourceEdit)
        self.form.addRow("&Figure", self.figureEdit)
        self.form.addRow("", self.figureParsed)
        self.form.addRow("S&tatus", self.statusCombo)
        self.form.addRow("Ta&gs", self.tagsEdit)
        self.form.addRow("&Note", self.noteEdit)
        self.form.addRow("Revie&w URL", self.reviewUrlEdit)
        self.form.addRow("", self.reviewUrlHint)
        self.fields = QWidget()
        self.fields.setLayout(self.form)
        self.form.setContentsMargins(0, 0, 0, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.fields)
        layout.addWidget(self.metaLabel)
        layout.addStretch(1)

        self.sourceEdit.editingFinished.connect(lambda: self._commit("source"))
        self.sourceEdit.returnPressed.connect(self._to_figure)
        self.figureEdit.editingFinished.connect(lambda: self._commit("figure"))
        self.figureEdit.textChanged.connect(self._show_parsed)
        self.figureEdit.returnPressed.connect(self.finished)
        self.statusCombo.activated.connect(lambda _: self._commit("status"))
        self.tagsEdit.editingFinished.connect(lambda: self._commit("tags"))
        self.tagsEdit.returnPressed.connect(self.finished)
        self.reviewUrlEdit.editingFinished.connect(lambda: self._commit("review_url"))
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._escape)

    # -- showing -------------------------------------------------------------------------

    def show_claim(self, claim: Claim | None) -> None:
        """Show a claim (None: the hint). Unsaved typing in the old claim is saved first."""
        if self.claim is not None and (claim is None or claim.id != self.claim.id):
            self.commit_pending()
        self.claim = claim
        has = claim is not None
        self.hint.setVisible(not has)
        self.fields.setVisible(has)
        self.metaLabel.setVisible(has)
        if claim is None:
            return
        self.quoteView.setText(claim.quote)
        _set_text(self.sourceEdit, claim.source)
        _set_text(self.figureEdit, claim.figure)
        self._show_parsed()
        self.statusCombo.setCurrentIndex(STATUSES.index(claim.status))
        _set_text(self.tagsEdit, ", ".join(claim.tags))
        if self.noteEdit.toPlainText() != claim.note:
            self.noteEdit.setPlainText(claim.note)
        _set_text(self.reviewUrlEdit, claim.review_url)
        self.reviewUrlHint.setText("")
        when = claim.updated_at[:16].replace("T", " ")
        self.metaLabel.setText(f"{status_look.LABELS[claim.status]} · last edited by "
                               f"{claim.editor or 'unknown'}, {when} UTC")

    def set_completions(self, sources: list[str], tags: list[str]) -> None:
        """Offer these sources and tags while typing."""
        if self._sources.stringList() != sources:
            self._sources.setStringList(sources)
        if self._tags.stringList() != tags:
            self._tags.setStringList(tags)

    def add_completions(self, sources: list[str], tags: list[str]) -> None:
        """Offer these too (after an edit), without reading the desk's lists again."""
        for model, names in ((self._sources, sources), (self._tags, tags)):
            known = model.stringList()
            fresh = [name for name in names if name not in known]
            if fresh:
                model.setStringList(known + fresh)

    def set_read_only(self, read_only: bool) -> None:
        """Show the claim without letting it be changed."""
        self.read_only = read_only
        for edit in (self.sourceEdit, self.figureEdit, self.tagsEdit, self.noteEdit,
                     self.reviewUrlEdit):
            edit.setReadOnly(read_only)
        self.statusCombo.setEnabled(not read_only)

    def _show_parsed(self) -> None:
        text = self.figureEdit.text().strip()
        if not text:
            self.figureParsed.setText("")
            return
        parsed = parse_figure(text)
        if parsed is None or parsed.value is None:
            self.figureParsed.setText("No number recognised: kept as written.")
            return
        self.figureParsed.setText(figure_summary(parsed.value, parsed.unit, parsed.qualifier))

    # -- saving --------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Report every field whose text differs from the claim (before switching claims)."""
        for field in ("source", "figure", "tags", "note", "review_url"):
            self._commit(field)

    def _value(self, field: str) -> Any:
        if field == "source":
            return self.sourceEdit.text().strip()
        if field in ("figure", "review_url"):
            return (self.figureEdit if field == "figure" else self.reviewUrlEdit).text().strip()
        if field == "status":
            return self.statusCombo.currentData()
        if field == "tags":
            return sorted({t.strip() for t in self.tagsEdit.text().split(",") if t.strip()})
        return self.noteEdit.toPlainText()

    def _commit(self, field: str) -> None:
        if self.claim is None or self.read_only:
            return
        value = self._value(field)
        if value == getattr(self.claim, field):
            return
        if field == "review_url":
            from desk.reports.review import check_review_url  # an edit only

            try:
                check_review_url(value)
            except DeskError as exc:  # said beside the field; the claim keeps its URL
                self.reviewUrlHint.setText(str(exc))
                self.reviewUrlEdit.setText(self.claim.review_url)
                return
            self.reviewUrlHint.setText("")
        self.edited.emit(self.claim.id, field, value)

    def _to_figure(self) -> None:
        """Enter in the source field moves on to the figure, selected for retyping."""
        self.figureEdit.setFocus(Qt.FocusReason.TabFocusReason)
        self.figureEdit.selectAll()

    def _escape(self) -> None:
        self.commit_pending()
        self.finished.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Save the note when it loses focus."""
        if watched is self.noteEdit and event.type() == QEvent.Type.FocusOut:
            self._commit("note")
        return super().eventFilter(watched, event)


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)

