"""Which models the first run offers to download: sizes and licences straight from the registries.

Three roles: the segmentation model (cuts the product out), the describer (reads the photo for the
card text) and, optionally, a local writer (card text without GigaChat). A role set to a model
folder on disk needs no download. Cache checks read the hub cache only, never the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.cardtext.local_writer import WRITER_MODELS
from app.describe import registry as describers
from app.errors import ModelError
from app.i18n import _
from app.segment import VARIANTS, cached_path, validate_layout
from app.settings import Settings

MB = 1_000_000  # the registries give decimal megabytes and gigabytes, as the hub shows them
SEGMENTATION, DESCRIBER, WRITER = "segmentation", "describer", "writer"
_VLM_FAMILIES = ("qwen3_vl", "internvl")


@dataclass(frozen=True)
class ModelItem:
    role: str  # SEGMENTATION | DESCRIBER | WRITER
    name: str  # the registry name, or the folder's name
    repo: str
    size_bytes: int
    licence: str
    optional: bool  # offered unticked: only needed for card text without GigaChat
    cached: bool  # complete in the hub cache (or a folder on disk): nothing to download
    folder: str = ""  # the model folder the user chose instead of a download
    same_as: str = ""  # another role with the very same files (nothing extra to download)

    @property
    def needs_download(self) -> bool:
        return not (self.cached or self.folder or self.same_as)


def needs_welcome(settings: Settings) -> bool:
    """First run: never answered, no model folder chosen and no segmentation model in the cache."""
    if settings.welcome or settings.seg_folders or settings.seg_model not in VARIANTS:
        return False
    return not any(cached_path(v) for v in VARIANTS.values() if v.revision)


def plan(settings: Settings) -> list[ModelItem]:
    """The three roles for these settings, each with its size, licence and whether it is on disk."""
    return [_segmentation(settings.seg_model), _describer(settings.vlm_model), _writer(settings)]


def _segmentation(name: str) -> ModelItem:
    variant = VARIANTS.get(name)
    if variant is None:
        return folder_item(SEGMENTATION, name)
    return ModelItem(SEGMENTATION, name, variant.repo, variant.download_mb * MB, variant.licence,
                     optional=False, cached=cached_path(variant) is not None)


def _describer(name: str) -> ModelItem:
    spec = describers.DESCRIBERS.get(name)
    if spec is None:
        return folder_item(DESCRIBER, name)
    return ModelItem(DESCRIBER, name, spec.repo, int(spec.size_gb * 1000 * MB), spec.licence,
                     optional=False, cached=describers.cached_path(spec) is not None)


def default_writer(vlm_model: str = "") -> str:
    """The local writer used when none is chosen: the describer's own model when it can write
    (nothing more to download), else the pinned Qwen3-VL-2B."""
    from app.cardtext.local_writer import default_writer_model

    return default_writer_model(vlm_model)


def _writer(settings: Settings) -> ModelItem:
    name = settings.writer_model or default_writer(settings.vlm_model)
    spec = WRITER_MODELS.get(name)
    if spec is None:
        return folder_item(WRITER, name, optional=True)
    same = DESCRIBER if name == settings.vlm_model else ""
    return ModelItem(WRITER, name, spec.repo, int(spec.size_gb * 1000 * MB), spec.licence, optional=True,
                     cached=describers.cached_path(spec) is not None, same_as=same)


def folder_item(role: str, folder: str, *, optional: bool = False) -> ModelItem:
    return ModelItem(role, Path(folder).name, "", 0, "", optional=optional, cached=True, folder=folder)


def classify_folder(folder: Path) -> str:
    """Which role a folder of model files can fill (SEGMENTATION or DESCRIBER), checked now.

    Raises ModelError naming what is missing, so the user can fix the folder in one go.
    """
    try:
        validate_layout(folder)
        return SEGMENTATION
    except ModelError as seg_err:
        try:
            family = describers.family_of(folder)
        except ModelError:
            raise seg_err from None  # no config.json at all: the segmentation message says so
        if family in _VLM_FAMILIES:
            return DESCRIBER
        raise ModelError(_("{error} It is not a describer either (a {family!r} model).").format(
            error=seg_err, family=family)) from None


def download_bytes(items: list[ModelItem], roles: set[str]) -> int:
    return sum(i.size_bytes for i in items if i.role in roles and i.needs_download)
