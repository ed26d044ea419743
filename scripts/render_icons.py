"""Render the app icon (resources/icons/app.svg) for the desktop: hicolor PNGs, .ico and .icns.

    python scripts/render_icons.py OUT_DIR

writes ``OUT_DIR/hicolor/<N>x<N>/apps/claims-desk.png`` for the hicolor sizes,
``OUT_DIR/hicolor/scalable/apps/claims-desk.svg``, ``OUT_DIR/hicolor/<N>x<N>/mimetypes/
application-x-claims-desk.png`` (the desk file's icon), ``OUT_DIR/claims-desk.ico`` (Windows)
and ``OUT_DIR/claims-desk.icns`` (macOS), drawn with Qt's own SVG renderer (offscreen).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_SVG = ROOT / "resources" / "icons" / "app.svg"
NAME = "claims-desk"
MIME_ICON = "application-x-claims-desk"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(out: Path) -> list[Path]:
    """Write every icon file under ``out``; the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841
    renderer = QSvgRenderer(str(APP_SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {APP_SVG}")
    written: list[Path] = []

    def image(size: int) -> QImage:
        picture = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return picture

    def save(picture: QImage, path: Path, kind: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not picture.save(str(path), kind):
            raise SystemExit(f"Qt could not write {path} ({kind})")
        written.append(path)

    for size in SIZES:
        picture = image(size)
        save(picture, out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png", "PNG")
        save(picture, out / "hicolor" / f"{size}x{size}" / "mimetypes" / f"{MIME_ICON}.png",
             "PNG")
    for folder, name in (("apps", NAME), ("mimetypes", MIME_ICON)):
        target = out / "hicolor" / "scalable" / folder / f"{name}.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(APP_SVG, target)
        written.append(target)
    save(image(256), out / f"{NAME}.ico", "ICO")
    save(image(512), out / f"{NAME}.icns", "ICNS")
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for path in render(Path(sys.argv[1])):
        print(path)
