"""process_photos says which photos go to the model, batch by batch, so the GUI can show them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.events import Event, ItemDone, ItemFailed, ItemStarted
from app.project import Project
from app.studio import all_photos, process_photos
from tests.ui.shoot import BROKEN, LOOSE, draw_product, fake_mask, make_shoot


class _RecordingSegmenter:
    """Writes its calls into the same timeline as the run's events."""

    model_id, revision, device = "fake", "0", "cpu"

    def __init__(self, timeline: list[tuple[str, str]]) -> None:
        self.timeline = timeline

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        self.timeline.append(("model", str(len(images))))
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass


def _run(project: Project, model: Path) -> list[tuple[str, str]]:
    timeline: list[tuple[str, str]] = []

    def events(event: Event) -> None:
        if isinstance(event, ItemStarted):
            timeline.append(("started", event.item))
        elif isinstance(event, ItemDone):
            timeline.append(("done", event.item))
        elif isinstance(event, ItemFailed):
            timeline.append(("failed", event.item))

    process_photos(project, all_photos(project), seg_model=str(model), device="cpu", batch_size=2,
                   events=events, segmenter_factory=lambda *_: _RecordingSegmenter(timeline))
    return timeline


def test_each_batch_is_announced_photo_by_photo_just_before_the_model_runs(tmp_path, tiny_seg_model) -> None:
    timeline = _run(Project(make_shoot(tmp_path, extra=3)), tiny_seg_model)
    segmented = [item for kind, item in timeline if kind == "done"]
    assert len(segmented) == 6 and ("failed", BROKEN) in timeline
    assert ("started", BROKEN) not in timeline  # it never reached the model
    expected = []
    for i in range(0, len(segmented), 2):
        batch = segmented[i:i + 2]
        expected += [("started", rel) for rel in batch] + [("model", "2")] + [("done", rel) for rel in batch]
    assert [step for step in timeline if step[0] != "failed"] == expected


def test_photos_whose_mask_is_reused_are_not_announced(tmp_path, tiny_seg_model) -> None:
    shoot = make_shoot(tmp_path)
    _run(Project(shoot), tiny_seg_model)
    draw_product(shoot / LOOSE, (10, 10, 10))  # the photographer replaced this one file
    timeline = _run(Project(shoot), tiny_seg_model)
    model_side = [step for step in timeline if step[0] in ("started", "model")]
    assert model_side == [("started", LOOSE), ("model", "1")]
    assert len([step for step in timeline if step[0] == "done"]) == 3  # the two others were reused
