"""The mask brush: a reusable widget for touching up a cut-out mask (core in ``app.maskedit``)."""

from ui.brush.editor import MaskEditor
from ui.brush.toolbar import BrushToolbar

__all__ = ["BrushToolbar", "MaskEditor"]
