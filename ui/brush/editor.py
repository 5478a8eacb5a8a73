"""MaskEditor: touch up a cut-out mask over its photo; every finished edit is reported at once."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.maskedit import DEFAULT_HISTORY_BYTES, Brush, MaskDocument
from ui.brush.canvas import MaskCanvas
from ui.brush.toolbar import RADIUS_MAX, RADIUS_MIN, BrushToolbar

_RESIZE_STEP = 1.2  # [ and ] scale the brush by this, and by at least one pixel


def _as_rgb(rgb: np.ndarray) -> np.ndarray:
    array = np.asarray(rgb)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(f"a photo is an H×W×3 uint8 array, not {array.dtype} of shape {array.shape}")
    return array[:, :, :3]


class MaskEditor(QWidget):
    """The host connects :attr:`maskChanged` to ``Project.save_mask(rel, mask, source="edited")``.

    ``maskChanged`` carries a copy of the whole mask and fires once per finished stroke, undo,
    redo or reset, never during a drag.
    """

    maskChanged = Signal(np.ndarray)

    def __init__(self, parent: QWidget | None = None, *, history_bytes: int = DEFAULT_HISTORY_BYTES) -> None:
        super().__init__(parent)
        self._history_bytes = history_bytes
        self._doc: MaskDocument | None = None
        self._model_alpha: np.ndarray | None = None
        self._brush = Brush()
        self._show_mask, self._show_band = True, False

        self.canvas = MaskCanvas(self)
        self.toolbar = BrushToolbar(self)
        self.undo_action = self._action(self.tr("Undo"), self.undo, [QKeySequence("Ctrl+Z")])
        self.redo_action = self._action(
            self.tr("Redo"), self.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        self.reset_action = self._action(self.tr("Reset"), self.reset_to_model, [])
        self.reset_action.setToolTip(self.tr("Reset to the model's mask (undoable)"))
        self.fit_action = self._action(self.tr("Fit"), self.fit_to_window, [QKeySequence("Ctrl+0")])
        self.toolbar.add_editor_actions(
            [self.undo_action, self.redo_action, self.reset_action, self.fit_action]
        )
        # The size keys work whenever the editor is on screen, not only once the canvas has focus
        # (after a click in the gallery, say): a hidden editor's shortcuts are off, and a text field
        # with focus still takes "[" and "]" as typing. X stays with the canvas: the gallery uses it.
        window_wide = Qt.ShortcutContext.WindowShortcut
        self._action(self.tr("Smaller brush"), lambda: self._resize_brush(1 / _RESIZE_STEP),
                     [QKeySequence("[")], window_wide)
        self._action(self.tr("Larger brush"), lambda: self._resize_brush(_RESIZE_STEP),
                     [QKeySequence("]")], window_wide)
        self._action(self.tr("Restore / erase"), self.toggle_mode, [QKeySequence("X")])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.toolbar.view_row)
        layout.addWidget(self.toolbar.actions_row)
        layout.addWidget(self.canvas, 1)
        self.setFocusProxy(self.canvas)

        self.canvas.strokeBegan.connect(self._on_stroke_began)
        self.canvas.strokeMoved.connect(self._on_stroke_moved)
        self.canvas.strokeEnded.connect(self._on_stroke_ended)
        self.toolbar.modeChanged.connect(lambda mode: self.set_brush(mode=mode))
        self.toolbar.radiusChanged.connect(lambda radius: self.set_brush(radius=radius))
        self.toolbar.hardnessChanged.connect(lambda hardness: self.set_brush(hardness=hardness))
        self.toolbar.layersChanged.connect(self.set_layers)
        self.set_brush()
        self._update_actions()

    # -- content --------------------------------------------------------------------------------
    def set_image(self, rgb: np.ndarray, alpha: np.ndarray, model_alpha: np.ndarray | None = None) -> None:
        """Edit ``alpha`` over ``rgb``; ``model_alpha`` (the segmenter's mask) enables reset.

        A drag still in progress is dropped, not reported: its mask belongs to the previous photo.
        The undo history starts empty.
        """
        photo = _as_rgb(rgb)
        if np.shape(alpha) != photo.shape[:2] or (
            model_alpha is not None and np.shape(model_alpha) != photo.shape[:2]
        ):
            raise ValueError(f"masks must match the photo's {photo.shape[1]}×{photo.shape[0]} size")
        if self._doc is not None and self._doc.stroking:
            self._doc.cancel_stroke()
        self._doc = MaskDocument(alpha, history_bytes=self._history_bytes)
        self._model_alpha = None if model_alpha is None else np.array(model_alpha, dtype=np.uint8, copy=True)
        self.canvas.set_content(photo, self._doc.alpha)
        self.canvas.set_layers(show_mask=self._show_mask, show_band=self._show_band)
        self._update_actions()

    def clear(self) -> None:
        self._doc = self._model_alpha = None
        self.canvas.clear()
        self._update_actions()

    def has_image(self) -> bool:
        return self._doc is not None

    def mask(self) -> np.ndarray:
        """A copy of the current mask."""
        if self._doc is None:
            raise RuntimeError("MaskEditor has no image: call set_image() first")
        return self._doc.alpha.copy()

    # -- brush ----------------------------------------------------------------------------------
    def brush(self) -> Brush:
        return self._brush

    def set_brush(
        self,
        mode: str | None = None,
        radius: float | None = None,
        hardness: float | None = None,
        strength: float | None = None,
    ) -> None:
        """Change any of the brush's settings; the rest stay. Applies from the next stroke."""
        changes: dict[str, object] = {"mode": mode, "hardness": hardness, "strength": strength}
        if radius is not None:
            changes["radius"] = min(RADIUS_MAX, max(RADIUS_MIN, float(radius)))
        self._brush = replace(self._brush, **{k: v for k, v in changes.items() if v is not None})
        self.toolbar.show_brush(self._brush)
        self.canvas.set_brush_radius(self._brush.radius)

    def toggle_mode(self) -> None:
        self.set_brush(mode="erase" if self._brush.mode == "restore" else "restore")

    def _resize_brush(self, factor: float) -> None:
        r = self._brush.radius
        self.set_brush(radius=max(r * factor, r + 1) if factor > 1 else min(r * factor, r - 1))

    # -- view -----------------------------------------------------------------------------------
    def fit_to_window(self) -> None:
        self.canvas.fit_to_window()

    def set_layers(self, show_mask: bool, show_band: bool) -> None:
        """Show the tinted-background overlay and/or the uncertain band (partly transparent pixels)."""
        self._show_mask, self._show_band = show_mask, show_band
        self.canvas.set_layers(show_mask=show_mask, show_band=show_band)

    # -- edits ----------------------------------------------------------------------------------
    def undo(self) -> None:
        if self._doc is not None and not self._doc.stroking:
            self._after_edit(self._doc.undo())

    def redo(self) -> None:
        if self._doc is not None and not self._doc.stroking:
            self._after_edit(self._doc.redo())

    def reset_to_model(self) -> None:
        if self._doc is not None and self._model_alpha is not None and not self._doc.stroking:
            self._after_edit(self._doc.reset(self._model_alpha))

    def _on_stroke_began(self, x: float, y: float) -> None:
        if self._doc is None:
            return
        b = self._brush
        self._doc.begin_stroke(b.mode, b.radius, b.hardness, b.strength)
        self._doc.stroke_to(x, y)
        self.canvas.refresh(self._doc.changed_bbox)

    def _on_stroke_moved(self, x: float, y: float) -> None:
        if self._doc is not None and self._doc.stroking:
            self._doc.stroke_to(x, y)
            self.canvas.refresh(self._doc.changed_bbox)

    def _on_stroke_ended(self) -> None:
        if self._doc is not None and self._doc.stroking:
            self._after_edit(self._doc.end_stroke())

    def _after_edit(self, changed: bool) -> None:
        assert self._doc is not None
        self.canvas.refresh(self._doc.changed_bbox)
        self._update_actions()
        if changed:
            self.maskChanged.emit(self._doc.alpha.copy())

    def _update_actions(self) -> None:
        doc = self._doc
        self.undo_action.setEnabled(doc is not None and doc.can_undo)
        self.redo_action.setEnabled(doc is not None and doc.can_redo)
        self.reset_action.setEnabled(doc is not None and self._model_alpha is not None)
        self.fit_action.setEnabled(doc is not None)

    def _action(self, text: str, slot: object, keys: list[QKeySequence],
                context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(keys)
        # By default only while focus is inside the editor: the host's window binds Ctrl+Z elsewhere.
        action.setShortcutContext(context)
        action.triggered.connect(slot)
        self.addAction(action)
        return action
