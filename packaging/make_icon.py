"""Render the app icon's PNG from its SVG (the SVG is the source; never edit the PNG by hand).

    python packaging/make_icon.py            # writes resources/icons/vitrina-256.png
    python packaging/make_icon.py --size 512 --out /tmp/vitrina-512.png

Qt's own SVG renderer is used so the PNG looks like the icon the app draws, with no extra tools.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "vitrina.svg"
PNG = ROOT / "resources" / "icons" / "vitrina-256.png"


def render(svg: Path, out: Path, size: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # runs on machines with no display
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QPainter needs one
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icon: {svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"make_icon: could not write {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--out", type=Path, default=PNG)
    args = parser.parse_args(argv)
    render(SVG, args.out, args.size)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
