"""What the desktop studio does to a project, without Qt: process, preview, choose, export.

Every function here takes a :class:`app.project.Project` and saves what the user chose the moment
it is chosen; the GUI only calls these and shows the results.
"""

from app.studio.choices import (
    DEFAULT_BACKGROUND,
    ORIGINAL_SIZE,
    Defaults,
    background_for,
    background_named,
    canvas_for,
    card_of,
    defaults,
    marketplace_of,
    photos_with_own_background,
    set_all_backgrounds,
    set_card,
    set_defaults,
    set_marketplace,
    set_photo_background,
    set_product_background,
    text_marketplace,
)
from app.studio.export import ExportResult, export_products, export_target, remember_export_target
from app.studio.flags import APPROVED, REJECTED, UNFLAGGED, approved_products, flag_of, set_flag
from app.studio.history import History, history_of
from app.studio.items import EDITED, ERROR, REVIEW, all_photos, photo_status, product_of
from app.studio.placement import placement_for, set_fill, set_placement
from app.studio.preview import Preview, auto_placement, render_preview
from app.studio.process import ProcessResult, process_photos
from app.studio.text import TextResult, needs_card, text_options, write_cards
from app.studio.thumbs import cached_result_thumbnail, cached_thumbnail, has_result

__all__ = [
    "APPROVED", "REJECTED", "UNFLAGGED", "approved_products", "flag_of", "set_flag",
    "auto_placement", "placement_for", "set_fill", "set_placement",
    "DEFAULT_BACKGROUND", "EDITED", "ERROR", "ORIGINAL_SIZE", "REVIEW", "Defaults", "ExportResult",
    "History", "Preview", "ProcessResult", "TextResult", "all_photos", "background_for", "background_named",
    "cached_result_thumbnail", "cached_thumbnail", "canvas_for", "card_of", "defaults", "export_products",
    "export_target", "has_result", "history_of", "marketplace_of", "needs_card", "photo_status",
    "photos_with_own_background",
    "process_photos", "product_of", "remember_export_target", "render_preview", "set_all_backgrounds",
    "set_card", "set_defaults", "set_marketplace", "set_photo_background", "set_product_background",
    "text_marketplace", "text_options", "write_cards",
]
