"""How one gallery tile is drawn: the thumbnail, its name on one line (elided), a selection frame,
the status dot with the run's activity ring, and the user's flag (a rejected photo is dimmed).

The tile has a fixed size (from the font, not from whichever thumbnail Qt measured first), so
portrait and landscape thumbnails alike keep room for their name.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.studio.thumbs import THUMB_SIDE

Index = QModelIndex | QPersistentModelIndex

PAD = 5  # around the thumbnail inside the tile: the selection frame shows there
NAME_GAP = 3  # between the thumbnail and its name
SPACING = 8  # between tiles
APPROVED, REJECTED = "approved", "rejected"
QUEUED, RUNNING = "queued", "running"  # a run's activity on a photo (the model's ActivityRole)
BADGE_COLOURS = {"pending": QColor(160, 160, 160), "done": QColor(46, 160, 67),
                 "review": QColor(235, 150, 20), "edited": QColor(40, 110, 220), "error": QColor(215, 45, 45)}
# Rings around the status dot: a run's progress must not be mistaken for a photo's status.
ACTIVITY_COLOURS = {QUEUED: QColor(110, 110, 110), RUNNING: QColor(0, 150, 255)}
FLAG_COLOURS = {APPROVED: QColor(30, 150, 60), REJECTED: QColor(210, 35, 35)}
_DIM = QColor(255, 255, 255, 160)  # over a rejected photo: still recognisable, clearly set aside


def tile_size(metrics: QFontMetrics) -> QSize:
    """Every tile's size: a THUMB_SIDE square and one line of name."""
    return QSize(THUMB_SIDE + 2 * PAD, THUMB_SIDE + 2 * PAD + NAME_GAP + metrics.height())


def grid_size(metrics: QFontMetrics) -> QSize:
    return tile_size(metrics) + QSize(SPACING, SPACING)


def picture_rect(tile: QRect) -> QRect:
    """Where the thumbnail square sits in a tile."""
    return QRect(tile.left() + PAD, tile.top() + PAD, THUMB_SIDE, THUMB_SIDE)


def name_rect(tile: QRect, metrics: QFontMetrics) -> QRect:
    top = tile.top() + PAD + THUMB_SIDE + NAME_GAP
    return QRect(tile.left() + 2, top, tile.width() - 4, metrics.height())


def shown_name(name: str, metrics: QFontMetrics, width: int) -> str:
    """The name as the tile shows it: whole if it fits, else elided in the middle with "…" (the
    middle, so both the product and the file's number stay readable)."""
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width)


class TileDelegate(QStyledItemDelegate):
    """Roles come from ui.gallery (passed in, so this module does not import the model)."""

    def __init__(self, status_role: int, activity_role: int, flag_role: int, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.status_role, self.activity_role, self.flag_role = status_role, activity_role, flag_role

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 (Qt's name)
        return tile_size(option.fontMetrics)  # type: ignore[attr-defined]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        tile: QRect = opt.rect  # type: ignore[attr-defined]
        palette: QPalette = opt.palette  # type: ignore[attr-defined]
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            # The active colour even when the gallery has no focus: the photo in the preview must be
            # plain to see in the grid, not a faint inactive grey.
            painter.fillRect(tile, palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight))
        picture = picture_rect(tile)
        flag = index.data(self.flag_role) or ""
        _draw_picture(painter, picture, index.data(Qt.ItemDataRole.DecorationRole))
        if flag == REJECTED:
            painter.fillRect(picture, _DIM)
        metrics: QFontMetrics = opt.fontMetrics  # type: ignore[attr-defined]
        names = name_rect(tile, metrics)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(QPalette.ColorGroup.Active, role))
        painter.setFont(opt.font)  # type: ignore[attr-defined]
        painter.drawText(names, Qt.AlignmentFlag.AlignCenter,
                         shown_name(index.data(Qt.ItemDataRole.DisplayRole) or "", metrics, names.width()))
        _draw_status(painter, tile, index.data(self.status_role), index.data(self.activity_role))
        _draw_flag(painter, QRectF(tile.left() + 8, tile.top() + 8, 17, 17), flag)
        painter.restore()


def _draw_picture(painter: QPainter, square: QRect, pixmap: object) -> None:
    if not isinstance(pixmap, QPixmap) or pixmap.isNull():
        return
    size = pixmap.size()
    if size.width() > square.width() or size.height() > square.height():
        size.scale(square.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = square.left() + (square.width() - size.width()) // 2
    y = square.top() + (square.height() - size.height()) // 2
    painter.drawPixmap(QRect(x, y, size.width(), size.height()), pixmap)


def _draw_status(painter: QPainter, tile: QRect, status: str, activity: str) -> None:
    """A coloured dot in the corner: pending/done/edited/error; during a run a grey ring around it
    (queued) or a blue three-quarter arc (the model is on this photo)."""
    painter.setPen(QColor(255, 255, 255))
    painter.setBrush(BADGE_COLOURS.get(status, BADGE_COLOURS["pending"]))
    painter.drawEllipse(tile.right() - 20, tile.top() + 6, 13, 13)
    ring = QRectF(tile.right() - 24, tile.top() + 2, 21, 21)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if activity == RUNNING:
        painter.setPen(QPen(ACTIVITY_COLOURS[RUNNING], 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(ring, 90 * 16, 270 * 16)  # Qt angles are in 1/16 degree
    elif activity == QUEUED:
        painter.setPen(QPen(ACTIVITY_COLOURS[QUEUED], 2))
        painter.drawEllipse(ring)


def _draw_flag(painter: QPainter, box: QRectF, flag: str) -> None:
    """Approved: a white check on green; rejected: a white X on red (top-left, opposite the status)."""
    colour = FLAG_COLOURS.get(flag)
    if colour is None:
        return
    painter.setPen(QPen(QColor(255, 255, 255), 1.5))
    painter.setBrush(colour)
    painter.drawEllipse(box)
    painter.setPen(QPen(QColor(255, 255, 255), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y, s = box.left(), box.top(), box.width()
    if flag == APPROVED:
        mark = QPainterPath(QPointF(x + s * 0.27, y + s * 0.52))
        mark.lineTo(QPointF(x + s * 0.44, y + s * 0.70))
        mark.lineTo(QPointF(x + s * 0.75, y + s * 0.33))
        painter.drawPath(mark)
    else:
        painter.drawLine(QPointF(x + s * 0.32, y + s * 0.32), QPointF(x + s * 0.68, y + s * 0.68))
        painter.drawLine(QPointF(x + s * 0.68, y + s * 0.32), QPointF(x + s * 0.32, y + s * 0.68))
