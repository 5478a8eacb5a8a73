"""Local models as data: a name maps to a hub repo pinned to a commit, its size, licence and family.

A local directory works wherever a name does. Entries without a commit in the code
(``revision=None``) are pinned on first use (``app.models.trust``): the user accepts the commit the
hub shows, and later runs use only that one; until then they are refused, never fetched unpinned.
None of these families needs remote code (native transformers classes). The original InternVL2
layout is converted once into the native one (``app.describe.internvl2_convert``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from app import formats
from app.errors import ModelError
from app.events import EventSink, Notice, ignore
from app.i18n import N_, _
from app.models.trust import Candidate, NotPinned


@dataclass(frozen=True)
class ModelSpec:
    name: str
    repo: str
    revision: str | None
    size_gb: float
    licence: str
    family: str  # "qwen3_vl", "internvl" (image+text) or "causal_lm" (text only)
    note: str = ""
    commercial_use: bool = True


DEFAULT_DESCRIBER = "qwen3-vl-2b"

DESCRIBERS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen3-vl-2b",
            repo="Qwen/Qwen3-VL-2B-Instruct",
            revision="89644892e4d85e24eaac8bacfd4f463576704203",
            size_gb=4.3,
            licence="Apache-2.0",
            family="qwen3_vl",
        ),
        ModelSpec(
            name="qwen3-vl-4b",
            repo="Qwen/Qwen3-VL-4B-Instruct",
            revision="ebb281ec70b05090aa6165b016eac8ec08e71b17",
            size_gb=8.9,
            licence="Apache-2.0",
            family="qwen3_vl",
            note=N_("writes Russian well; 8-bit fits an 8 GB GPU"),
        ),
        ModelSpec("internvl3-1b", "OpenGVLab/InternVL3-1B-hf", None, 1.9, "Apache-2.0", "internvl"),
        ModelSpec("internvl3-2b", "OpenGVLab/InternVL3-2B-hf", None, 4.2, "Apache-2.0", "internvl"),
        ModelSpec("internvl3.5-2b", "OpenGVLab/InternVL3_5-2B-HF", None, 4.2, "Apache-2.0", "internvl"),
        ModelSpec("qwen3.5-2b", "Qwen/Qwen3.5-2B", None, 4.6, "Apache-2.0", "qwen3_vl",
                  N_("Qwen3.5, images and text in one model; pinned on first download")),
        ModelSpec(
            name="internvl2-2b",
            repo="OpenGVLab/InternVL2-2B",
            revision=None,
            size_gb=4.4,
            licence="MIT",
            family="internvl_chat",
            note=N_("the product's original describer; converted once to the native layout after download"),
        ),
    )
}

# Only what native loading reads: no *.py (never remote code), no duplicate *.bin weights.
ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.txt", "*.jinja", "*.model", "*.tiktoken"]

# Qwen3.5 is natively multimodal with the Qwen3-VL processor and module names ("model.visual"),
# so it shares the Qwen3-VL path: prompt, visual-token cap, modules kept out of quantisation.
_VLM_TYPES = {"qwen3_vl": "qwen3_vl", "qwen3_vl_moe": "qwen3_vl", "qwen3_5": "qwen3_vl",
              "internvl": "internvl", "internvl_chat": "internvl_chat"}


@dataclass(frozen=True)
class ResolvedModel:
    """Where the files are and what to record as provenance."""

    path: Path
    model_id: str
    revision: str
    family: str


def family_of(directory: Path) -> str:
    """The family of a model directory, read from its ``config.json``."""
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(_("{path} is not a model directory (no readable config.json): {error}").format(
            path=directory, error=err)) from None
    model_type = str(config.get("model_type", ""))
    if model_type in _VLM_TYPES:
        return _VLM_TYPES[model_type]
    if "vision_config" in config:
        return model_type or "vlm"
    return "causal_lm"


def check(name_or_dir: str | Path, table: dict[str, ModelSpec]) -> ModelSpec | None:
    """The pinned entry for a name, None for a local directory; raises for anything else.

    Cheap (no download, no torch, no network), so a caller can refuse a bad choice before any slow
    work. An entry without a commit in the code gets the one the user accepted, or is refused.
    """
    if Path(name_or_dir).expanduser().is_dir():
        return None
    name = str(name_or_dir)
    spec = table.get(name)
    if spec is None:
        known = ", ".join(sorted(table))
        raise ModelError(_("Unknown model {name!r} (not a directory either). Known models: {known}.").format(
            name=name, known=known))
    pinned = with_pin(spec)
    if pinned.revision is None:
        raise NotPinned(candidate(spec))
    return pinned


def with_pin(spec: ModelSpec) -> ModelSpec:
    """``spec`` at the commit the user accepted, when the code has none."""
    if spec.revision is not None:
        return spec
    from app.models import pins

    revision = pins.revision_for(spec.repo)
    return replace(spec, revision=revision) if revision else spec


def candidate(spec: ModelSpec) -> Candidate:
    return Candidate(spec.name, "describer", spec.repo, spec.revision, spec.licence, spec.commercial_use,
                     runs_code=False, allow_patterns=tuple(ALLOW_PATTERNS))


def resolve(
    name_or_dir: str | Path, table: dict[str, ModelSpec], *, events: EventSink = ignore
) -> ResolvedModel:
    """A local directory as is, or a pinned registry entry (downloaded once into the hub cache).

    A checkpoint in the original InternVL2 layout is converted once to the native one.
    """
    spec = check(name_or_dir, table)
    if spec is None:
        path = Path(name_or_dir).expanduser().resolve()
        model = ResolvedModel(path, str(path), "local", family_of(path))
    else:
        assert spec.revision is not None
        model = ResolvedModel(_download(spec, events), spec.repo, spec.revision, spec.family)
    if model.family == "internvl_chat":
        from app.describe.internvl2_convert import converted_folder

        folder = converted_folder(model.path, converted_root(), model.revision, events)
        model = replace(model, path=folder, family="internvl")
    return model


def converted_root() -> Path:
    """Converted checkpoints live beside the hub cache, so clearing that cache clears them too."""
    from app.segment.download import cache_dir

    return cache_dir().parent / "vitrina-converted"


def _download(spec: ModelSpec, events: EventSink) -> Path:
    cached = cached_path(spec)
    if cached is not None:  # no network round-trip once the pinned snapshot is there
        return cached
    events(Notice(_("Downloading {repo} ({size}, {licence}); this happens once.").format(
        repo=spec.repo, size=formats.size(spec.size_gb * 1e9), licence=spec.licence)))
    return download(spec, events)


def cached_path(spec: ModelSpec) -> Path | None:
    """The pinned snapshot's folder when it is complete in the hub cache, else None. No network."""
    spec = with_pin(spec)
    if spec.revision is None:
        return None
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(spec.repo, revision=spec.revision, allow_patterns=ALLOW_PATTERNS,
                                      local_files_only=True))
    except Exception:  # any cache miss (or an offline hub) means "not cached"
        return None


def download(spec: ModelSpec, events: EventSink = ignore) -> Path:
    """Download (or resume: finished files stay in the hub cache) the pinned snapshot, reporting
    bytes as ``Progress("download")`` events like the segmentation download."""
    from huggingface_hub import snapshot_download

    from app.errors import VitrinaError
    from app.hub_quiet import quiet_hub
    from app.segment.download import DownloadProgress, cache_dir

    spec = with_pin(spec)
    if spec.revision is None:
        raise NotPinned(candidate(spec))
    progress = DownloadProgress(events, spec.name)
    try:
        with quiet_hub(events, spec.name):
            folder = Path(snapshot_download(spec.repo, revision=spec.revision, allow_patterns=ALLOW_PATTERNS,
                                            tqdm_class=progress.tqdm_class))
    except VitrinaError:
        raise  # raised by the event sink (e.g. the user cancelled): not a download failure
    except Exception as err:  # network, disk, auth: all end as one user message
        raise ModelError(_(
            "Could not download {name} ({repo}@{revision}): {error}. "
            "Check the internet connection and free disk space; the download cache is {cache}. "
            "Without internet, download the model folder elsewhere and pass that local directory instead."
        ).format(name=spec.name, repo=spec.repo, revision=spec.revision[:8], error=str(err).rstrip("."),
                 cache=cache_dir())) from err
    progress.finish()
    return folder
