"""The card value and what a card writer is."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from app.describe.protocol import Description
from app.marketplace.marketplaces import Marketplace


@dataclass(frozen=True)
class Card:
    """Russian card text for one product.

    ``flags`` lists what the rules changed or could not fix (e.g. a title trimmed at a word
    boundary), so the GUI and ``card.txt`` can show it to the user.
    """

    title: str
    description: str
    attributes: dict[str, str] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        return cls(
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            attributes={str(k): str(v) for k, v in dict(data.get("attributes") or {}).items()},
            keywords=[str(k) for k in data.get("keywords") or []],
            provenance={str(k): str(v) for k, v in dict(data.get("provenance") or {}).items()},
            flags=[str(f) for f in data.get("flags") or []],
        )


class CardWriter(Protocol):
    """Writes a card from a description. Async so HTTP writers run concurrently."""

    name: str

    async def write(
        self, description: Description, *, product_name: str, marketplace: Marketplace
    ) -> Card: ...

    async def aclose(self) -> None: ...
