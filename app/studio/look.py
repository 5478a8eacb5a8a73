"""What a photo's exported images depend on in the studio, as one digest.

The studio's export records it per photo (card.json ``files[].look``); a later export or publish
redoes a bundle whose photos no longer look like that: the mask was brushed, the background,
shadow, canvas or hand placement changed, or the describer's pose that picks the layout. Without
it a kept bundle went on showing — and publishing — the pictures as they were at the export.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from app.project import Project
from app.studio.choices import background_for, canvas_for, card_of
from app.studio.placement import placement_for


def look_of(project: Project, rel: str, key: str) -> str:
    digest = hashlib.sha256()
    try:
        digest.update(project.mask_path(rel).read_bytes())
    except OSError:
        digest.update(b"no mask")
    canvas = canvas_for(project, key)
    placement = placement_for(project, rel) if canvas is not None else None
    card = card_of(project, key)
    inputs = {
        "photo": project.photo(rel).content_hash,
        "background": background_for(project, rel).to_json(),
        "canvas": asdict(canvas) if canvas is not None else None,
        "placement": placement.to_json() if placement is not None else None,
        "pose": card.provenance.get("shape") if card is not None else None,
    }
    digest.update(json.dumps(inputs, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()[:32]
