"""Bar charts drawn with QPainter: stacked by review status, clickable, readable without colour.

Qt's own chart classes (QtCharts) are not in the PySide6-Essentials wheel the app ships, so
the dashboard draws its bars itself. Each segment has its status's colour from the desk's
colour-blind-safe palette *and* its pattern (:mod:`desk.reports.palette`); a legend names
them, every bar carries its count, a tooltip tells a segment's numbers, and the widget's
accessible description says in words what the chart shows (the same text as the SVG's).
Clicking a segment emits :attr:`BarChart.barClicked` with the bar's label and the status.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desk.model import STATUSES
from desk.reports.aggregates import Bar
from desk.reports.palette import COLOURS, LABELS, PATTERNS
from desk.reports.svg import describe_bars, ticks, week_label

#: Palette pattern name -> the Qt brush style drawn over the colour.
BRUSHES = {
    "dots": Qt.BrushStyle.Dense6Pattern,
    "diagonal": Qt.BrushStyle.BDiagPattern,
    "cross": Qt.BrushStyle.DiagCrossPattern,
    "horizontal": Qt.BrushStyle.HorPattern,
    "vertical": Qt.BrushStyle.VerPattern,
}


def fill_segment(painter: QPainter, rect: QRectF, status: str) -> None:
    """Paint one segment: the status's colour, then its pattern in translucent black."""
    painter.fillRect(rect, QColor(COLOURS[status]))
    style = BRUSHES.get(PATTERNS[status])
    if style is not None:
        painter.fillRect(rect, QBrush(QColor(0, 0, 0, 120), style))


class BarChart(QWidget):
    """A stacked bar chart: horizontal rows (sources, outlets, editors) or columns (weeks)."""

    #: (bar label, status) of the segment clicked.
    barClicked = Signal(str, str)

    def __init__(self, title: str, *, columns: bool = False, legend: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.columns = columns
        self.legend = legend
        self.bars: list[Bar] = []
        self.message = "Counting…"
        self._hits: list[tuple[QRectF, str, str, int]] = []
        self.setMouseTracking(True)
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        """Show these bars (none: "No claims")."""
        self.bars = list(bars)
        self.message = "" if self.bars else "No claims match."
        self.setAccessibleDescription(describe_bars(self.title, self.bars))
        self.setToolTip("" if self.bars else self.message)
        self.update()

    def set_message(self, text: str) -> None:
        """Show a line of text instead of bars (while counting, or on a failure)."""
        self.bars, self.message = [], text
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's API
        return QSize(460, 300)

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), self.palette().base())
        text = self.palette().text().color()
        painter.setPen(text)
        title_font = painter.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        metrics = QFontMetricsF(title_font)
        painter.drawText(QPointF(8, 6 + metrics.ascent()), self.title)
        painter.setFont(self.font())
        top = 12 + metrics.height()
        self._hits = []
        if not self.bars:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(QRectF(8, top, self.width() - 16, 24),
                             Qt.AlignmentFlag.AlignLeft, self.message)
            return
        legend_h = self._paint_legend(painter, self.height() - 6) if self.legend else 0.0
        area = QRectF(8, top, self.width() - 16, self.height() - top - legend_h - 12)
        if self.columns:
            self._paint_columns(painter, area)
        else:
            self._paint_rows(painter, area)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().highlight().color(), 1, Qt.PenStyle.DotLine))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def _used(self) -> list[str]:
        return [s for s in STATUSES if any(b.counts.get(s) for b in self.bars)]

    def _paint_legend(self, painter: QPainter, bottom: float) -> float:
        """Swatches and names of the statuses shown, in rows from the bottom; their height."""
        metrics = QFontMetricsF(self.font())
        row_h = metrics.height() + 4
        rows: list[list[tuple[str, float]]] = [[]]
        x = 0.0
        for status in self._used():
            step = 22 + metrics.horizontalAdvance(LABELS[status]) + 10
            if x + step > self.width() - 16 and rows[-1]:
                rows.append([])
                x = 0.0
            rows[-1].append((status, x))
            x += step
        y = bottom - row_h * len(rows)
        for row in rows:
            for status, x in row:
                swatch = QRectF(8 + x, y + 3, 16, row_h - 6)
                fill_segment(painter, swatch, status)
                painter.setPen(QPen(self.palette().text().color(), 0.6))
                painter.drawRect(swatch)
                painter.drawText(QPointF(8 + x + 21, y + metrics.ascent() + 2), LABELS[status])
            y += row_h
        return row_h * len(rows)

    def _paint_rows(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetricsF(self.font())
        label_w = min(area.width() * 0.38, max(metrics.horizontalAdvance(b.label)
                                                for b in self.bars) + 8)
        count_w = metrics.horizontalAdvance(f"{max(b.total for b in self.bars):,}") + 8
        row_h = min(26.0, area.height() / len(self.bars))
        biggest = max(b.total for b in self.bars) or 1
        room = area.width() - label_w - count_w
        for i, bar in enumerate(self.bars):
            y = area.top() + i * row_h
            painter.setPen(self.palette().text().color())
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w - 8)
            painter.drawText(QRectF(area.left(), y, label_w - 6, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            x = area.left() + label_w
            for status in STATUSES:
                n = bar.counts.get(status, 0)
                if n:
                    rect = QRectF(x, y + 2, max(1.0, room * n / biggest), row_h - 5)
                    fill_segment(painter, rect, status)
                    self._hits.append((rect, bar.label, status, n))
                    x = rect.right()
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 4, y, count_w, row_h), Qt.AlignmentFlag.AlignVCenter,
                             f"{bar.total:,}")

    def _paint_columns(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetricsF(self.font())
        biggest = max(b.total for b in self.bars) or 1
        axis_w = metrics.horizontalAdvance(f"{biggest:,}") + 8
        plot = QRectF(area.left() + axis_w, area.top() + 4, area.width() - axis_w,
                      area.height() - metrics.height() - 8)
        painter.setPen(QPen(self.palette().mid().color(), 0.6))
        for tick in ticks(biggest):
            y = plot.bottom() - plot.height() * tick / biggest
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(QRectF(area.left(), y - metrics.height() / 2, axis_w - 4,
                                    metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{tick:,}")
        step = plot.width() / len(self.bars)
        bar_w = max(2.0, min(40.0, step * 0.7))
        every = max(1, int(metrics.horizontalAdvance("00 Mmm ") // step) + 1)
        for i, bar in enumerate(self.bars):
            x = plot.left() + i * step + (step - bar_w) / 2
            y = plot.bottom()
            for status in STATUSES:
                n = bar.counts.get(status, 0)
                if n:
                    h = plot.height() * n / biggest
                    rect = QRectF(x, y - h, bar_w, h)
                    fill_segment(painter, rect, status)
                    self._hits.append((rect, bar.label, status, n))
                    y -= h
            if i % every == 0:
                painter.setPen(self.palette().text().color())
                painter.drawText(QRectF(x - step, plot.bottom() + 2, bar_w + 2 * step,
                                        metrics.height()), Qt.AlignmentFlag.AlignHCenter,
                                 week_label(bar.label))

    # -- interaction ---------------------------------------------------------------------

    def _hit(self, point: QPointF) -> tuple[str, str, int] | None:
        for rect, label, status, n in self._hits:
            if rect.adjusted(-1, -1, 1, 1).contains(point):
                return label, status, n
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's API
        hit = self._hit(event.position())
        if hit:
            label, status, n = hit
            name = f"week of {label}" if self.columns else label
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{name}: {n:,} {LABELS[status].lower()} — click to list them",
                              self)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            QToolTip.hideText()
            self.unsetCursor()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's API
        hit = self._hit(event.position())
        if hit and event.button() == Qt.MouseButton.LeftButton:
            self.barClicked.emit(hit[0], hit[1])
        super().mousePressEvent(event)


class Legend(QWidget):
    """One row naming every status with its colour and pattern (shared by the charts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        metrics = QFontMetricsF(self.font())
        self.setMinimumHeight(int(metrics.height() + 8))
        self.setAccessibleName("Legend: " + ", ".join(LABELS[s] for s in STATUSES))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's API
        painter = QPainter(self)
        metrics = QFontMetricsF(self.font())
        x, h = 2.0, metrics.height()
        for status in STATUSES:
            swatch = QRectF(x, 4, 18, h - 2)
            fill_segment(painter, swatch, status)
            painter.setPen(QPen(self.palette().text().color(), 0.6))
            painter.drawRect(swatch)
            painter.drawText(QPointF(x + 24, 3 + metrics.ascent()), LABELS[status])
            x += 24 + metrics.horizontalAdvance(LABELS[status]) + 18
