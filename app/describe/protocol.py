"""What a describer is: photos of one product in, factual English description out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from app.errors import VitrinaError
from app.i18n import _


@dataclass(frozen=True)
class Description:
    """Facts about one product, as seen in its photos (English, nothing guessed)."""

    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    model_id: str = ""
    revision: str = ""


class PartlyDescribed(VitrinaError):
    """A batch in which some products were described and some not: ``results`` holds, in order,
    each product's Description or the error that product alone met."""

    def __init__(self, results: Sequence[Description | VitrinaError]) -> None:
        failed = [r for r in results if isinstance(r, VitrinaError)]
        super().__init__(_("{failed} of {total} products could not be described: {error}").format(
            failed=len(failed), total=len(results), error=failed[0] if failed else ""))
        self.results = list(results)


class Describer(Protocol):
    model_id: str
    revision: str

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        """Describe several products at once (batched); each is a list of RGB uint8 photos. A product
        that fails on its own, in a batch where others did not, raises ``PartlyDescribed``."""
        ...

    def close(self) -> None: ...
