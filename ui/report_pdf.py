"""Reports on paper: the report's HTML laid out by Qt's rich text and written as PDF.

Qt's rich text draws images, not inline SVG, so each chart's SVG is drawn into an image
(twice the page's pixels per point, sharp in print) and handed to the document as a
resource under the name the report's ``<img src="chart:NAME">`` uses. The same document is
what File ▸ Print sends to a printer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import (QImage, QPageLayout, QPageSize, QPagedPaintDevice, QPainter,
                           QPdfWriter, QTextDocument)
from PySide6.QtSvg import QSvgRenderer

if TYPE_CHECKING:
    from desk.reports.html_report import Report

#: Page sizes a report can be laid out on.
PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
#: How many image pixels a chart gets per SVG unit.
CHART_SCALE = 3


def chart_image(svg: str, scale: int = CHART_SCALE) -> QImage:
    """One chart's SVG drawn into an image ``scale`` times its size, on white."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    image = QImage(size.width() * scale, size.height() * scale, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    image.setDevicePixelRatio(scale)
    return image


def report_document(report: Report) -> QTextDocument:
    """The report as a Qt rich-text document, its charts as image resources."""
    document = QTextDocument()
    html = report.html
    for name, svg in report.charts.items():
        image = chart_image(svg)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"),
                             image)
        width = re.search(r'width="(\d+)"', svg)
        if width:
            html = html.replace(f'src="chart:{name}"',
                                f'src="chart:{name}" width="{int(width.group(1))}"')
    document.setHtml(html)
    return document


def print_document(document: QTextDocument, device: QPagedPaintDevice,
                   page: str = "a4") -> None:
    """Lay the document out on ``page`` (A4 or Letter) with print margins and paint it."""
    device.setPageSize(QPageSize(PAGE_SIZES[page]))
    device.setPageMargins(QMarginsF(16, 18, 16, 18), QPageLayout.Unit.Millimeter)
    document.setPageSize(QSizeF())  # let print_ paginate to the device's page
    document.print_(device)


def write_pdf(report: Report, path: str | Path, page: str = "a4") -> Path:
    """Write the report as a PDF on A4 or Letter pages; returns the path."""
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setTitle(report.title)
    writer.setCreator("Claims Desk")
    writer.setResolution(300)
    print_document(report_document(report), writer, page)
    return target
