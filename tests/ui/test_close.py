"""Closing the window during a run: it asks; "no" keeps working, "yes" stops cleanly and loses nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import numpy as np
from PySide6.QtWidgets import QMessageBox

from app.project import Project
from app.studio import photo_status
from app.studio import process as process_module
from tests.ui.answer import answer_next_question
from tests.ui.shoot import fake_mask, make_shoot
from ui.main_window import MainWindow
from ui.worker import running_threads


class _SlowSegmenter:
    model_id, revision, device = "slow", "0", "cpu"

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        time.sleep(0.25)
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass


def test_closing_during_a_run_asks_and_stops_cleanly(qtbot, window: MainWindow, tmp_path, tiny_seg_model,
                                                     monkeypatch) -> None:
    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: _SlowSegmenter())
    shoot = make_shoot(tmp_path, extra=30)
    assert window.open_folder(shoot)
    window.set_seg_model(str(tiny_seg_model))
    done: list[str] = []
    window.runner.item_done.connect(lambda item, _stage: done.append(item))
    assert window.process(None)
    qtbot.waitUntil(lambda: len(done) >= 4, timeout=30_000)

    # "No": the window stays and the run goes on.
    asked = answer_next_question(QMessageBox.StandardButton.No)
    window.close()
    assert asked and "running" in asked[0]
    assert window.isVisible() and window.runner.busy

    # "Yes": the run stops at its next safe point, then the window closes by itself.
    answer_next_question(QMessageBox.StandardButton.Yes)
    window.close()
    assert window.isVisible()  # not frozen waiting: it closes once the worker has stopped
    assert window.progress.cancel_button.text() == "Stopping…"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert not window.runner.busy and running_threads() == []

    # Nothing lost: every photo reported done has its mask and status on disk.
    state = json.loads((shoot / ".vitrina" / "state.json").read_text("utf-8"))
    assert len(done) < 34  # it really stopped early
    reopened = Project(shoot)
    for rel in done:
        assert state["photos"][rel]["mask_source"] == "model"
        assert photo_status(reopened, rel) == "done" and reopened.load_mask(rel) is not None
