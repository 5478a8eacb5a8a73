"""What the desktop studio does to a project, without Qt: process, preview, choose, export.

Every function here takes a :class:`app.project.Project` and saves what the user chose the moment
it is chosen; the GUI only calls these and shows the results.
"""

from app.studio.choices import (
    DEFAULT_BACKGROUND,
    background_for,
    canvas_for,
    card_of,
    marketplace_of,
    set_all_backgrounds,
    set_card,
    set_marketplace,
    set_photo_background,
    set_product_background,
    text_marketplace,
)
from app.studio.export import ExportResult, export_products
from app.studio.items import EDITED, ERROR, all_photos, photo_status, product_of
from app.studio.preview import Preview, render_preview
from app.studio.process import ProcessResult, process_photos
from app.studio.thumbs import cached_thumbnail

__all__ = [
    "DEFAULT_BACKGROUND", "EDITED", "ERROR", "ExportResult", "Preview", "ProcessResult", "all_photos",
    "background_for", "cached_thumbnail", "canvas_for", "card_of", "export_products", "marketplace_of",
    "photo_status", "process_photos", "product_of", "render_preview", "set_all_backgrounds", "set_card",
    "set_marketplace", "set_photo_background", "set_product_background", "text_marketplace",
]
