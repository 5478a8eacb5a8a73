"""What a segmenter is: product photos in, soft alpha masks out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Segmenter(Protocol):
    model_id: str  # hub repo id, or "local:<absolute dir>"
    revision: str  # pinned commit sha, or sha256 of a local folder's model.safetensors
    device: str  # "cuda" or "cpu"; may change to "cpu" mid-run after a GPU out-of-memory fallback

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        """RGB uint8 HxWx3 photos of any sizes → soft alpha uint8 HxW, each at its photo's size.

        Batching is internal; masks come back in input order, one per photo.
        """
        ...

    def close(self) -> None:
        """Release the model (and GPU memory); the segmenter cannot be used afterwards."""
        ...
