"""The per-folder state (what was computed, what the user chose and edited), as plain values.

Serialised to ``state.json`` with a ``schema_version``; unknown keys are kept out, missing keys
get defaults, so older sidecars load and newer ones are refused (moved aside) instead of misread.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from app.i18n import _

SCHEMA_VERSION = 1

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass
class PhotoState:
    content_hash: str = ""
    file_key: str = ""  # the file's size and mtime when content_hash was read (app.imaging.file_key)
    status: str = PENDING
    mask_source: str = ""  # "model" | "edited" | "" (none yet)
    mask_model: str = ""  # "repo_or_dir@revision" that made the model mask
    error: str = ""
    notes: list[str] = field(default_factory=list)
    background: dict[str, Any] | None = None  # per-photo override of the product's background
    review: float = 0.0  # how much the mask needs a person's look (app.review); 0 = none
    flag: str = ""  # "" (unflagged) | "approved" | "rejected": the user's verdict on the result (P / X / U)
    # Where the product sits on a marketplace canvas when placed by hand; None = automatic. Keys:
    # "fill" (the object's height as a share of the canvas height), "x", "y" (the object's centre as
    # shares of the canvas width and height). Relative, so it survives a change of canvas size.
    placement: dict[str, float] | None = None


@dataclass
class ProductState:
    background: dict[str, Any] | None = None
    marketplace: str = ""
    card: dict[str, Any] | None = None
    card_edited: bool = False  # the user's text wins over any later generation
    text_error: str = ""
    exported_to: str = ""
    bundle: str = ""  # its bundle folder's name, chosen once (app/pipeline/bundles.py) and kept for life
    former_keys: list[str] = field(default_factory=list)  # paths it had before a rename (its bundles say so)
    compliance: str = ""  # pass | warn | fail of the last exported bundle ("" when not checked)
    # The Wildberries listing set in the Card text tab (app/publish/wb/listing.py reads it from the
    # bundle): subject_id, subject_name, vendor_code, brand, dimensions, price, characteristics.
    wb: dict[str, Any] | None = None


EXPORT_SCOPES = ("all", "approved", "selected")


@dataclass
class ExportTarget:
    """Where and how the studio's one-click Export writes this folder's bundles."""

    folder: str = ""  # "" until the user has chosen one
    replace: bool = True  # re-exporting updates the bundles (they are made from the saved work)
    fix: bool = False  # let the marketplace check resize / flatten / re-encode what it would refuse
    scope: str = "all"  # which products: EXPORT_SCOPES ("selected" = the gallery's selection at the time)


@dataclass
class ProjectState:
    photos: dict[str, PhotoState] = field(default_factory=dict)
    products: dict[str, ProductState] = field(default_factory=dict)
    export: ExportTarget = field(default_factory=ExportTarget)

    def to_json(self) -> dict[str, Any]:
        """A copy made of plain values, safe to write from another thread while this one changes.

        Not ``dataclasses.asdict``: at 5,000 photos it takes 0.15 s of the UI thread per save,
        this 0.04 s (the fields are plain JSON values, so a JSON-shaped copy is all it takes)."""
        photo_names, product_names = _names(PhotoState), _names(ProductState)
        return {
            "schema_version": SCHEMA_VERSION,
            "photos": {k: _row(v, photo_names) for k, v in self.photos.items()},
            "products": {k: _row(v, product_names) for k, v in self.products.items()},
            "export": asdict(self.export),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProjectState:
        version = data.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION or version < 1:
            raise ValueError(_("unsupported state version {version} (this app reads ≤ {newest})").format(
                version=repr(version), newest=SCHEMA_VERSION))
        return cls(
            photos={k: _build(PhotoState, v) for k, v in dict(data.get("photos") or {}).items()},
            products={k: _build(ProductState, v) for k, v in dict(data.get("products") or {}).items()},
            # Added after version 1 shipped: older sidecars simply have no export target yet.
            export=_export_target(data.get("export")),
        )


def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def _row(item: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = item.__dict__
    return {name: _copy(values[name]) for name in names}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return value


def _build(kind: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ValueError(_("malformed entry: {entry}").format(entry=repr(raw)[:80]))
    known = kind.__dataclass_fields__
    return kind(**{k: v for k, v in raw.items() if k in known})


def _export_target(raw: Any) -> ExportTarget:
    # Added after version 1 shipped: older sidecars have none. A hand-broken one is forgotten
    # (Export asks again) rather than costing the photos' state, which is what matters.
    if not isinstance(raw, dict) or not isinstance(raw.get("folder", ""), str):
        return ExportTarget()
    target = _build(ExportTarget, raw)
    target.replace, target.fix = bool(target.replace), bool(target.fix)
    if target.scope not in EXPORT_SCOPES:
        target.scope = "all"  # a newer version's scope, or a hand edit: export everything, as before
    return target
