"""What a bundle's card.json carries for publishing, from the project: the studio's verdict and the
marketplace listing the user set. Both engines and the studio's export write it the same way."""

from __future__ import annotations

from typing import Any

from app.project import Product, Project


def bundle_fields(project: Project, product: Product) -> dict[str, Any]:
    from app.studio.flags import product_approved  # app.studio imports this module: no cycle at import

    fields: dict[str, Any] = {"approved": product_approved(project, product)}
    listing = project.product(product.key).wb
    if listing:
        fields["wb"] = dict(listing)
    return fields
