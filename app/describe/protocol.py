"""What a describer is: photos of one product in, factual English description out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Description:
    """Facts about one product, as seen in its photos (English, nothing guessed)."""

    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    model_id: str = ""
    revision: str = ""


class Describer(Protocol):
    model_id: str
    revision: str

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        """Describe several products at once (batched); each is a list of RGB uint8 photos."""
        ...

    def close(self) -> None: ...
