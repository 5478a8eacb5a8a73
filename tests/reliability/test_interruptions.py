"""Crashes and interruptions: `kill -9` mid-batch, a second instance, the app killed after edits,
and damaged sidecars. Nothing the user made or the run finished is lost or half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from app.project import Project
from app.project.lock import LOCK_FILE
from tests.reliability.conftest import (
    ROOT,
    SEG_CALLS_ENV,
    SEG_DELAY_ENV,
    assert_complete_bundle,
    bundles,
    images_only,
    leftovers,
    model_calls,
    read_report,
    snapshot,
    write_products,
)

PHOTOS = [f"p{i:02d}.png" for i in range(1, 9)]


def _wait_for(condition, timeout: float, proc: subprocess.Popen, what: str, log: Path) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"vitrina exited ({proc.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def _cached_masks(state_dir: Path) -> set[str]:
    """Photos whose model mask the saved sidecar records (what a resume may reuse)."""
    try:
        state = json.loads((state_dir / "state.json").read_text("utf-8"))
    except FileNotFoundError:
        return set()
    return {rel for rel, photo in state["photos"].items() if photo.get("mask_source") == "model"}


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_9_mid_batch_then_the_same_command_resumes(tmp_path, counting_seg_model, vitrina,
                                                        monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    write_products(src, PHOTOS)
    before = snapshot(src)
    argv = images_only(src, out, counting_seg_model, "--batch-size", "1")
    first_calls = tmp_path / "calls-first.txt"
    env = {**os.environ, SEG_DELAY_ENV: "0.5", SEG_CALLS_ENV: str(first_calls)}
    log_path = tmp_path / "first.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app", *argv], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: out.is_dir() and len(bundles(out)) >= 2, 120, proc, "two bundles", log_path)

        # A second instance on the same folder is refused while the first one runs.
        second = vitrina(*argv)
        assert second.code == 2
        assert f"is in use by a `vitrina batch` run (process {proc.pid} on this computer" in second.err
        assert "Traceback" not in second.text

        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    state_dir = src / ".vitrina"
    assert (state_dir / LOCK_FILE).exists()  # the killed run could not clean up its lock
    exported = {p.name for p in bundles(out)}
    reusable = _cached_masks(state_dir)
    assert 2 <= len(exported) < len(PHOTOS)

    # The same command again: it takes over the dead run's lock and finishes the rest.
    again_calls = tmp_path / "calls-again.txt"
    monkeypatch.setenv(SEG_CALLS_ENV, str(again_calls))
    monkeypatch.setenv(SEG_DELAY_ENV, "0")
    again = vitrina(*argv)
    assert again.code == 0, again.err
    assert "Traceback" not in again.text

    still_to_segment = {p for p in PHOTOS if Path(p).stem not in exported and p not in reusable}
    assert model_calls(again_calls) == len(still_to_segment)  # finished photos are not redone
    report = read_report(out)
    assert {f for f, r in report.items() if r["status"] == "exists"} == {f"{name}.png" for name in exported}
    redone = {f for f, r in report.items() if r["status"] == "done"}
    assert redone == set(PHOTOS) - {f"{name}.png" for name in exported}
    assert not leftovers(out)  # no half-written bundle survives
    assert [p.name for p in bundles(out)] == [Path(p).stem for p in PHOTOS]
    for folder in bundles(out):
        assert_complete_bundle(folder)
    assert not (state_dir / LOCK_FILE).exists()
    assert snapshot(src) == before


_EDIT_THEN_DIE = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    from app.compose.backgrounds import parse_background
    from app.cardtext.card import Card
    from app.project import Project
    from app.studio import set_card, set_product_background

    project = Project(sys.argv[1])
    alpha = np.zeros((48, 64), np.uint8)
    alpha[10:30, 20:40] = 255
    project.save_mask("Кружка/1.png", alpha, source="edited")  # a brush stroke
    set_card(project, "Кружка", Card(title="Кружка «Утро», 350 мл", description="Белая кружка."))
    set_product_background(project, ["vase.png"], parse_background("solid:#336699"))
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_9_right_after_edits_keeps_all_three(shoot) -> None:
    proc = subprocess.run([sys.executable, "-c", _EDIT_THEN_DIE, str(shoot)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr

    project = Project(shoot)
    assert project.messages == []  # the sidecar was written whole
    stroke = project.load_mask("Кружка/1.png")
    assert stroke is not None and stroke[20, 30] == 255 and stroke[0, 0] == 0
    assert project.photo("Кружка/1.png").mask_source == "edited"
    product = project.product("Кружка")
    assert product.card_edited and product.card["title"] == "Кружка «Утро», 350 мл"
    assert project.product("vase.png").background["kind"] == "solid"


@pytest.mark.parametrize("damage", [b'{"schema_version": 1, "photos": {"a.jpg": ', b'{"schema_version": 99}'])
def test_a_damaged_or_future_sidecar_is_kept_aside_and_the_batch_runs(
        shoot, tmp_path, tiny_seg_model, vitrina, damage) -> None:
    state = shoot / ".vitrina" / "state.json"
    state.parent.mkdir()
    state.write_bytes(damage)

    run = vitrina(*images_only(shoot, tmp_path / "cards", tiny_seg_model))

    assert run.code == 0 and "Traceback" not in run.text
    [aside] = list(state.parent.glob("state.json.unreadable-*"))
    assert aside.read_bytes() == damage  # never silently discarded
    assert f"it was kept as {aside.name}" in run.err
    assert json.loads(state.read_text("utf-8"))["schema_version"] == 1
    assert np.all([p.exists() for p in (tmp_path / "cards" / "vase", tmp_path / "cards" / "Кружка")])
