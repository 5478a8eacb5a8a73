"""``finetune-report.json``: how the fine-tuned model compares with its base on held-out photos.

Per validation photo and overall: IoU and boundary F at a 3 px tolerance (edges are what a
photographer corrects), for the base model and for the fine-tuned one; photos sorted worst
change first, so a regression is the first thing anyone reads. Also the base's id and revision,
the data counts and the settings, so the model can be traced and the run repeated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FORMAT = 1
METRICS = ("iou", "boundary_f")


def mean(rows: Sequence[dict[str, Any]], key: str) -> float:
    return sum(row[key] for row in rows) / len(rows) if rows else 0.0


def build(*, base: dict[str, Any], created: str, state: dict[str, Any], cancelled: bool,
          data: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    by_photo = {row["photo"]: row for row in state["best"]}
    photos = []
    for row in state["base"]:
        tuned = by_photo.get(row["photo"])
        if tuned is None:
            continue
        photos.append({
            "photo": row["photo"], "product": row["product"],
            "base": {key: row[key] for key in METRICS}, "tuned": {key: tuned[key] for key in METRICS},
            "change": {key: tuned[key] - row[key] for key in METRICS},
        })
    photos.sort(key=lambda item: (item["change"]["iou"], item["change"]["boundary_f"]))
    overall = {
        "base": {key: mean(state["base"], key) for key in METRICS},
        "tuned": {key: mean(state["best"], key) for key in METRICS},
    }
    overall["change"] = {key: overall["tuned"][key] - overall["base"][key] for key in METRICS}
    stopped = "cancelled" if cancelled else ("early" if state.get("early") else "finished")
    return {
        "format": FORMAT,
        "created": created,
        "base": base,
        "stopped": stopped,
        "epochs_done": state["epoch"],
        "best_epoch": state["best_epoch"],
        "got_worse": overall["change"]["iou"] < 0 or overall["change"]["boundary_f"] < 0,
        "overall": overall,
        "photos": photos,
        "history": state["history"],
        "data": data,
        "settings": settings,
    }


def worse_photos(made: dict[str, Any]) -> list[dict[str, Any]]:
    """The validation photos the fine-tuned model cuts out worse than the base did."""
    return [row for row in made["photos"] if row["change"]["iou"] < 0]
