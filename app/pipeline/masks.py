"""What every run needs to get masks: the model key, safe loading, mask reuse, a lazily loaded model.

Shared by ``vitrina batch`` (app/pipeline/batch.py) and the studio (app/studio/process.py), so
both apply the same rules: a mask is reused while the file and the model are unchanged, an edited
mask fits every model, and a photo that is already a cut-out keeps its own transparency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app import imaging
from app.errors import ModelError, VitrinaError
from app.events import Event, EventSink, Notice, Progress
from app.i18n import _
from app.project import Project
from app.segment import Segmenter, resolve


def model_key(seg_model: str) -> str:
    """``id@revision`` recorded with a model-made mask; refuses a model without a pinned commit."""
    from app.segment.download import require_pin

    spec = resolve(seg_model)
    return f"{spec.model_id}@{require_pin(spec) if spec.revision is None else spec.revision}"


@dataclass
class Loaded:
    rel: str
    photo: imaging.Photo | None = None
    content_hash: str = ""
    error: str = ""
    file_key: str = ""  # imaging.file_key, taken before the file was read


def load(project: Project, rel: str, max_pixels: int | None = None) -> Loaded:
    """Decode one photo; any problem becomes that photo's message, never an exception."""
    return load_path(project.photo_path(rel), rel, max_pixels)


def load_path(path: Path, rel: str, max_pixels: int | None = None, *, content_hash: str = "") -> Loaded:
    """``load`` for a photo's path alone (a Ray worker has the path, not the project);
    ``content_hash`` when it is known already (the Ray engine hashed every photo first)."""
    key = imaging.file_key(path)  # before reading: a file replaced meanwhile is read again next time
    try:
        photo = imaging.load_photo(path, max_pixels=max_pixels)
        return Loaded(rel, photo, content_hash or imaging.content_hash(path), file_key=key)
    except VitrinaError as exc:
        return Loaded(rel, error=str(exc))
    except OSError as exc:
        return Loaded(rel, error=_("cannot be read: {why}").format(why=exc.strerror or exc))


def current_mask(project: Project, loaded: Loaded, key: str) -> np.ndarray | None:
    """The saved mask while it still fits the file and the model, or the photo's own alpha."""
    assert loaded.photo is not None
    project.note_file(loaded.rel, loaded.content_hash, loaded.file_key)
    if project.has_current_mask(loaded.rel, loaded.content_hash, key):
        mask = project.load_mask(loaded.rel)
        if mask is not None and mask.shape == loaded.photo.rgb.shape[:2]:
            return mask
    alpha = loaded.photo.alpha
    if alpha is not None and alpha.min() < 255:
        # The photo is already a cut-out: its own transparency is the mask.
        project.save_mask(loaded.rel, alpha, source="file")
        return alpha
    return None


# Photos handed to a GPU model per call; it splits them further to fit its memory, so this only
# needs to be at least its usual batch (8 fits a 12-24 GB card at 1024²).
GPU_CALL = 8


class LazySegmenter:
    """Loads the model on the first photo that needs it; a load failure is said once and then
    fails every later batch with the same reason (no reload attempt per photo)."""

    def __init__(self, factory: Callable[[], Segmenter], events: EventSink) -> None:
        self._factory = factory
        self._events = events
        self._segmenter: Segmenter | None = None
        self._error = ""

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        self.load()
        if self._error:
            raise ModelError(self._error)
        assert self._segmenter is not None
        return self._segmenter.segment(images)

    def load(self) -> None:
        """Load the model now if it is not yet; a failure is said once and kept for ``segment``."""
        if self._segmenter is not None or self._error:
            return
        try:
            self._segmenter = self._factory()
        except ModelError as exc:
            self._error = str(exc)
            self._events(Notice(_("The segmentation model could not be loaded: {error}").format(error=exc)))

    def call_size(self, requested: int | None) -> int:
        """How many photos to hand the model per call: ``requested`` when the user set one, else one
        at a time until the model is loaded and on the CPU (a photo there takes seconds: a call of
        eight would hold back the first result, the progress and cancel for eight of them), and
        ``GPU_CALL`` on a GPU, where a batch keeps it busy."""
        if requested:
            return max(1, requested)
        device = getattr(self._segmenter, "device", "") if self._segmenter is not None else ""
        return GPU_CALL if device.startswith("cuda") else 1

    def close(self) -> None:
        if self._segmenter is not None:
            self._segmenter.close()
            self._segmenter = None


def without_inner_progress(events: EventSink) -> EventSink:
    """The segmenter counts its own chunks; a run already counts photos, so those are dropped."""

    def sink(event: Event) -> None:
        if isinstance(event, Progress) and event.stage == "segment":
            return
        events(event)

    return sink
