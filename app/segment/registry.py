"""Which segmentation models exist, pinned, and how a local model directory must look.

Importable without torch: the GUI lists variants (size, licence) before any model is loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from app.errors import ModelError
from app.i18n import N_, _

DEFAULT_SIZE = (1024, 1024)
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
MODEL_AUTO_CLASS = "AutoModelForImageSegmentation"
CONFIG_AUTO_CLASS = "AutoConfig"
# A local directory may state its native input size (our tiny test models do); hub snapshots don't.
SIZE_HINT_KEY = "vitrina_input_size"

_MIT = "MIT"


@dataclass(frozen=True)
class Variant:
    """One hub model. ``revision`` is a full commit sha, or None when we have not pinned one yet."""

    name: str
    repo: str
    revision: str | None
    input_size: tuple[int, int]  # (height, width) the model was trained at
    download_mb: int
    licence: str
    commercial_use: bool
    note: str
    # Models trained on several sizes accept any (multiple of 32) size inside this range.
    dynamic_range: tuple[int, int] | None = None

    @property
    def model_id(self) -> str:
        return self.repo


@dataclass(frozen=True)
class LocalModel:
    """A model directory the user gave us (hub layout). Identified by the hash of its weights."""

    path: Path
    revision: str  # sha256 of model.safetensors
    input_size: tuple[int, int]

    @property
    def model_id(self) -> str:
        return f"local:{self.path}"

    @property
    def name(self) -> str:
        return self.path.name


ModelSpec = Variant | LocalModel

VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            name="birefnet", repo="ZhengPeng7/BiRefNet",
            revision="e2bf8e4460fc8fa32bba5ea4d94b3233d367b0e4",
            input_size=DEFAULT_SIZE, download_mb=885, licence=_MIT, commercial_use=True,
            note=N_("Swin-L, 220 M params; best quality (default)."),
        ),
        Variant(
            name="birefnet-lite", repo="ZhengPeng7/BiRefNet_lite",
            revision="7838f1c3472f827cd8ce13ab5ccc2ce48077360f",
            input_size=DEFAULT_SIZE, download_mb=178, licence=_MIT, commercial_use=True,
            note=N_("Swin-T, 44 M params; ~3x faster, for CPU or small GPUs."),
        ),
        Variant(
            name="birefnet-hr", repo="ZhengPeng7/BiRefNet_HR", revision=None,
            input_size=(2048, 2048), download_mb=885, licence=_MIT, commercial_use=True,
            note=N_("High resolution (2048²) for fine edges on large photos; ~4x the memory and time."),
        ),
        Variant(
            name="birefnet-lite-2k", repo="ZhengPeng7/BiRefNet_lite-2K", revision=None,
            input_size=(1440, 2560), download_mb=178, licence=_MIT, commercial_use=True,
            note=N_("Swin-T trained at 2560x1440 (landscape photos)."),
        ),
        Variant(
            name="birefnet-dynamic", repo="ZhengPeng7/BiRefNet_dynamic", revision=None,
            input_size=DEFAULT_SIZE, download_mb=885, licence=_MIT, commercial_use=True,
            note=N_("Trained on sizes 256-2304; any multiple of 32 in that range works."),
            dynamic_range=(256, 2304),
        ),
        Variant(
            name="birefnet-matting", repo="ZhengPeng7/BiRefNet-matting", revision=None,
            input_size=DEFAULT_SIZE, download_mb=885, licence=_MIT, commercial_use=True,
            note=N_("Trained for matting: softer alpha for hair, fur, glass."),
        ),
        Variant(
            name="rmbg-2.0", repo="briaai/RMBG-2.0", revision=None,
            input_size=DEFAULT_SIZE, download_mb=885, licence="CC BY-NC 4.0", commercial_use=False,
            note=N_("BiRefNet architecture by BRIA. NON-COMMERCIAL licence: selling with its cut-outs "
                    "needs a commercial agreement with BRIA. Gated on the hub (accept its terms first)."),
        ),
    )
}


def resolve(name_or_dir: str | Path, input_size: int | tuple[int, int] | None = None) -> ModelSpec:
    """A registry name (``"birefnet"``), ``"local:<dir>"`` or an existing directory → a model spec.

    A ``Path`` is always a directory; a string is a registry name first, then a directory.
    ``input_size`` overrides the size for a local directory (hub variants carry their own).
    """
    if isinstance(name_or_dir, str):
        if name_or_dir in VARIANTS:
            return with_pin(VARIANTS[name_or_dir])
        text = name_or_dir.removeprefix("local:")
        if not Path(text).expanduser().exists():
            known = ", ".join(VARIANTS)
            raise ModelError(_(
                "Unknown segmentation model {name!r}. Choose one of: {known}, "
                "or pass the path of a downloaded model folder."
            ).format(name=name_or_dir, known=known))
        name_or_dir = Path(text)
    return local_model(Path(name_or_dir), input_size)


def with_pin(variant: Variant) -> Variant:
    """``variant`` at the commit the user accepted on first use, when the code pins none."""
    if variant.revision is not None:
        return variant
    from app.models import pins

    revision = pins.revision_for(variant.repo)
    return replace(variant, revision=revision) if revision else variant


def local_model(path: Path, input_size: int | tuple[int, int] | None = None) -> LocalModel:
    path = path.expanduser().resolve()
    config = validate_layout(path)
    size = as_size(input_size) if input_size is not None else _size_hint(config)
    return LocalModel(path=path, revision=_sha256(path / WEIGHTS_FILE), input_size=size)


def validate_layout(path: Path) -> dict:
    """Check a model folder has everything the loader needs; returns the parsed config.json.

    Every missing piece is named at once, so the user can fix the folder in one go.
    """
    if not path.is_dir():
        raise ModelError(_("Model folder {path} does not exist or is not a folder.").format(path=path))
    config_path = path / CONFIG_FILE
    if not config_path.is_file():
        raise ModelError(_("Model folder {path} has no {file}; it is not a hub model snapshot.").format(
            path=path, file=CONFIG_FILE))
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        message = _("{path} cannot be read as JSON: {error}")
        raise ModelError(message.format(path=config_path, error=err)) from err
    auto_map = config.get("auto_map") if isinstance(config, dict) else None
    if not isinstance(auto_map, dict) or not isinstance(auto_map.get(MODEL_AUTO_CLASS), str):
        raise ModelError(_(
            "{path} has no auto_map entry for {auto_class}; this folder does not hold a BiRefNet-style model."
        ).format(path=config_path, auto_class=MODEL_AUTO_CLASS))
    missing = [
        f"{module}.py"
        for module in sorted({class_module(ref) for ref in code_refs(config).values()})
        if not (path / f"{module}.py").is_file()
    ]
    if not (path / WEIGHTS_FILE).is_file():
        missing.append(WEIGHTS_FILE)
    if missing:
        raise ModelError(_("Model folder {path} is incomplete: missing {files}.").format(
            path=path, files=", ".join(missing)))
    return config


def code_refs(config: dict) -> dict[str, str]:
    """auto_map class references ("module.Class") for the model and, if present, its config.

    A ``"other/repo--module.Class"`` reference would pull code from another (unpinned) repo; we
    drop the repo part so only the files inside the folder are ever run.
    """
    auto_map = config.get("auto_map", {})
    keys = (MODEL_AUTO_CLASS, CONFIG_AUTO_CLASS)
    return {key: auto_map[key].split("--")[-1] for key in keys if isinstance(auto_map.get(key), str)}


def class_module(ref: str) -> str:
    return ref.rsplit(".", 1)[0]


def _size_hint(config: dict) -> tuple[int, int]:
    hint = config.get(SIZE_HINT_KEY)
    return as_size(hint) if hint is not None else DEFAULT_SIZE


def as_size(size: int | tuple[int, int] | list[int]) -> tuple[int, int]:
    height, width = (size, size) if isinstance(size, int) else tuple(size)
    if height <= 0 or width <= 0 or height % 32 or width % 32:
        raise ModelError(_("Model input size {height}x{width} must be positive multiples of 32.").format(
            height=height, width=width))
    return int(height), int(width)


def _sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256_of(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _sha256_of(path: Path, _size: int, _mtime_ns: int) -> str:
    # Keyed by size and mtime so a replaced file is hashed again; resolving twice reads ~1 GB once.
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
