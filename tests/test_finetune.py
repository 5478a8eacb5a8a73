"""`vitrina finetune` end to end on CPU: a trainable tiny BiRefNet whose base rule is wrong for
light-grey products learns from the user's corrected masks, through the production loader."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from app.errors import ModelError, VitrinaError
from app.events import Notice, TrainingStep
from app.finetune import output
from app.finetune.metrics import iou
from app.finetune.pairs import collect
from app.finetune.split import split_by_product
from app.finetune.trainer import RESUME_FILE, Settings, finetune
from tests.tiny_trainable_birefnet import make_corrected_project, make_trainable_birefnet, product_shot

# Fast and steady on the tiny model: a high learning rate, a few epochs, no early stop.
TRAIN = ["--epochs", "6", "--lr", "0.01", "--device", "cpu"]


def _settings(**overrides) -> Settings:
    return Settings(**{"epochs": 5, "lr": 0.01, "device": "cpu", "patience": 5, **overrides})


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_trainable_birefnet(tmp_path_factory.mktemp("models") / "base")


@pytest.fixture(scope="module")
def project(tmp_path_factory, base) -> Path:
    return make_corrected_project(tmp_path_factory.mktemp("shoot") / "shoot", base)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, base, project) -> Path:
    out = tmp_path_factory.mktemp("tuned") / "my-model"
    assert main(["finetune", "--project", str(project), "--base", str(base), "-o", str(out), *TRAIN]) == 0
    return out


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_finetune_raises_held_out_iou_and_reports_it(trained) -> None:
    made = json.loads((trained / output.REPORT_FILE).read_text("utf-8"))
    assert made["overall"]["base"]["iou"] < 0.2  # the base calls light grey background
    assert made["overall"]["tuned"]["iou"] > made["overall"]["base"]["iou"] + 0.5
    assert made["overall"]["tuned"]["boundary_f"] > made["overall"]["base"]["boundary_f"] + 0.5
    assert made["got_worse"] is False and made["stopped"] == "finished"
    assert made["data"]["pairs"] == 24 and made["data"]["val_photos"] + made["data"]["train_photos"] == 24
    assert made["base"]["id"].startswith("local:") and len(made["base"]["revision"]) == 64
    assert made["settings"]["precision"] == "fp32" and made["settings"]["size"] == 64
    changes = [row["change"]["iou"] for row in made["photos"]]
    assert len(changes) == made["data"]["val_photos"] and changes == sorted(changes)  # worst first
    assert {"iou", "boundary_f"} <= set(made["photos"][0]["base"])
    assert not output.work_folder(trained).exists()  # finished: nothing left to resume


def test_the_output_is_a_model_folder_batch_uses_with_better_masks(trained, base, tmp_path) -> None:
    shoot = tmp_path / "new-shoot"
    shoot.mkdir()
    rng = np.random.default_rng(99)
    truths = {}
    for n in range(3):
        photo, truth = product_shot(64, rng)
        Image.fromarray(photo).save(shoot / f"item-{n}.png")
        truths[f"item-{n}"] = truth
    def run(model: Path, name: str) -> int:
        return main(["batch", str(shoot), "-o", str(tmp_path / name), "--seg-model", str(model),
                     "--device", "cpu", "--no-text", "--background", "white"])

    assert run(base, "cards-base") == 2  # the base model sees no product in any of them
    assert run(trained, "cards-tuned") == 0
    for item, truth in truths.items():
        mask = np.asarray(Image.open(tmp_path / "cards-tuned" / item / "mask.png").convert("L"))
        assert iou(mask, truth) > 0.8


def test_training_never_changes_the_base_and_refuses_to_write_into_it(base, project, tmp_path) -> None:
    before = _tree_digest(base)
    found = collect([project])
    with pytest.raises(VitrinaError, match="base model's folder"):
        finetune(found, base, base, _settings())
    with pytest.raises(VitrinaError, match="base model's folder"):
        finetune(found, base, base / "inside", _settings())
    stranger = tmp_path / "photos"
    stranger.mkdir()
    (stranger / "holiday.jpg").write_bytes(b"not ours")
    with pytest.raises(VitrinaError, match="not a fine-tuned model"):
        finetune(found, base, stranger, _settings())
    finetune(found, base, tmp_path / "out", _settings(epochs=1))
    assert _tree_digest(base) == before
    assert (stranger / "holiday.jpg").read_bytes() == b"not ours"


def test_cancel_mid_epoch_keeps_the_best_epoch_then_the_same_command_resumes(base, project, tmp_path) -> None:
    found = collect([project])
    out = tmp_path / "model"
    steps: list[TrainingStep] = []

    def events(event) -> None:
        if isinstance(event, TrainingStep):
            steps.append(event)

    per_epoch = 10  # 20 training photos, batch 2
    stop_after = per_epoch + 4  # in the middle of the second epoch
    first = finetune(found, base, out, _settings(), events=events,
                     should_stop=lambda: len(steps) >= stop_after)
    assert first.cancelled and first.out_dir == out.resolve()
    made = json.loads((out / output.REPORT_FILE).read_text("utf-8"))
    assert made["stopped"] == "cancelled" and made["epochs_done"] == 1 and made["best_epoch"] == 1
    assert (output.work_folder(out) / RESUME_FILE).is_file()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(output.STAGING_PREFIX)]

    notices: list[str] = []
    steps.clear()
    second = finetune(found, base, out, _settings(),
                      events=lambda e: notices.append(e.message) if isinstance(e, Notice) else events(e))
    assert second.resumed and not second.cancelled
    assert any("epoch 2, step 5" in n for n in notices)
    assert steps[0].step == stop_after + 1  # carries on from the next step, not from the start
    made = json.loads((out / output.REPORT_FILE).read_text("utf-8"))
    assert [h["epoch"] for h in made["history"]] == [1, 2, 3, 4, 5]
    assert made["stopped"] == "finished" and not output.work_folder(out).exists()


def test_cancel_before_the_first_validation_writes_no_model(base, project, tmp_path) -> None:
    out = tmp_path / "model"
    result = finetune(collect([project]), base, out, _settings(), should_stop=lambda: True)
    assert result.cancelled and result.out_dir is None and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(output.STAGING_PREFIX)]


def test_bad_pairs_are_reported_one_by_one_and_the_rest_go_on(base, tmp_path, capsys) -> None:
    from app.project import Project

    shoot = make_corrected_project(tmp_path / "shoot", base, products=10, shots=1)
    project = Project(shoot)
    (shoot / "product-00" / "shot-0.png").unlink()  # a missing photo
    Image.fromarray(np.full((32, 48), 255, np.uint8)).save(project.mask_path("product-01/shot-0.png"))
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(project.mask_path("product-02/shot-0.png"))
    # The model got this one right, and the user's "edit" left its mask as it was: nothing corrected.
    rel = "product-03/shot-0.png"
    shutil.copyfile(project.mask_path(rel), project.model_mask_path(rel))
    dis = tmp_path / "extra"
    (dis / "im").mkdir(parents=True)
    (dis / "gt").mkdir()
    photo, truth = product_shot(64, np.random.default_rng(5))
    Image.fromarray(photo).save(dis / "im" / "good.jpg")
    Image.fromarray(truth).save(dis / "gt" / "good.png")
    Image.fromarray(truth).save(dis / "gt" / "orphan.png")
    Image.fromarray(photo).save(dis / "im" / "lonely.png")
    Image.fromarray(truth[:32]).save(dis / "gt" / "small.png")
    Image.fromarray(photo).save(dis / "im" / "small.png")

    found = collect([shoot], [dis])
    reasons = {bad.label: bad.reason for bad in found.bad}
    assert "no longer in the folder" in reasons["shoot/product-00/shot-0.png"]
    assert "48x32" in reasons["shoot/product-01/shot-0.png"]
    assert "64x64" in reasons["shoot/product-01/shot-0.png"]
    assert "empty" in reasons["shoot/product-02/shot-0.png"]
    assert "nothing was corrected" in reasons["shoot/product-03/shot-0.png"]
    assert "no photo" in reasons["extra/orphan"] and "no mask" in reasons["extra/lonely"]
    assert "64x32" in reasons["extra/small"]
    assert len(found.pairs) == 7  # 6 of the project + extra/good

    code = main(["finetune", "--project", str(shoot), "--data", str(dis), "--base", str(base),
                 "-o", str(tmp_path / "m"), *TRAIN])
    err = capsys.readouterr().err
    assert code == 1 and "at least 8 corrected photos; 7 usable" in err  # too few left: refused clearly
    for label in reasons:
        assert f"✗ {label}:" in err


def test_fewer_than_eight_pairs_is_refused_before_any_work(base, tmp_path, capsys) -> None:
    shoot = make_corrected_project(tmp_path / "shoot", base, products=7, shots=1)
    code = main(["finetune", "--project", str(shoot), "--base", str(base), "-o", str(tmp_path / "m"), *TRAIN])
    assert code == 1
    assert "at least 8 corrected photos; 7 usable found" in capsys.readouterr().err
    assert not (tmp_path / "m").exists() and not output.work_folder(tmp_path / "m").exists()


def test_validation_is_split_by_product_and_never_leaks(base, tmp_path) -> None:
    shoot = make_corrected_project(tmp_path / "shoot", base, products=15, shots=3)
    pairs = collect([shoot]).pairs
    train, val = split_by_product(pairs, 0.2)
    assert {p.product for p in train}.isdisjoint({p.product for p in val})
    assert len({p.product for p in val}) == 3 and len(train) + len(val) == 45
    again_train, again_val = split_by_product(list(reversed(pairs)), 0.2)
    assert {p.label for p in again_val} == {p.label for p in val}  # the same on every run
    with pytest.raises(VitrinaError, match="one product"):
        split_by_product([p for p in pairs if p.product == pairs[0].product], 0.2)


def test_exported_corrections_train_from_the_dis_layout_with_products_kept_apart(project, base, tmp_path,
                                                                                 capsys) -> None:
    dis = tmp_path / "dis"
    assert main(["corrections", "export", str(project), "-o", str(dis)]) == 0
    assert "24 pair(s) written" in capsys.readouterr().out
    names = sorted(p.stem for p in (dis / "im").iterdir())
    assert names == sorted(p.stem for p in (dis / "gt").iterdir()) and len(names) == 24
    assert names[0] == "product-00--shot-0"
    found = collect([], [dis])
    assert not found.bad and found.products == 12  # two shots per product, as in the project
    train, val = split_by_product(found.pairs, 0.2)
    assert {p.product for p in train}.isdisjoint({p.product for p in val})


def test_a_model_that_ignores_the_training_contract_is_refused_clearly(base, project, tmp_path) -> None:
    broken = tmp_path / "eval-only"
    shutil.copytree(base, broken)
    code = (broken / "birefnet.py").read_text("utf-8")
    (broken / "birefnet.py").write_text(code.replace("        if not self.training:\n", "        if True:\n"))
    with pytest.raises(ModelError, match="not BiRefNet's"):
        finetune(collect([project]), broken, tmp_path / "out", _settings(epochs=1))


def test_out_ref_gradient_supervision_and_checkpointing_train(project, tmp_path) -> None:
    base = make_trainable_birefnet(tmp_path / "base-out-ref", out_ref=True)
    out = tmp_path / "out"
    result = finetune(collect([project]), base, out, _settings(epochs=2, checkpointing="on"))
    assert result.report["settings"]["gradient_checkpointing"] == "use_checkpoint"
    assert result.report["history"][-1]["loss"] > 0
    from app.segment.birefnet import load_segmenter

    white = np.full((64, 64, 3), 255, np.uint8)
    assert load_segmenter(str(out), device="cpu").segment([white])[0].shape == (64, 64)


def test_the_command_line_shows_progress_the_result_and_where_the_model_is(base, project, tmp_path,
                                                                           capsys) -> None:
    out = tmp_path / "m"
    assert main(["finetune", "--project", str(project), "--base", str(base), "-o", str(out),
                 "--epochs", "2", "--lr", "0.01", "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    assert "24 corrected photo(s) of 12 product(s) to learn from; 0 left out." in captured.err
    assert "epoch 2/2  step 20/20" in captured.err and "validation IoU" in captured.err
    assert "Validation on 4 held-out photo(s): IoU 0% →" in captured.err
    assert f"--seg-model {out.resolve()}" in captured.out


def test_a_worse_model_is_said_plainly(capsys) -> None:
    from app.cli.finetune import _summary

    made = {"overall": {"base": {"iou": 0.9, "boundary_f": 0.8}, "tuned": {"iou": 0.7, "boundary_f": 0.6}},
            "photos": [{}], "best_epoch": 1, "got_worse": True}
    _summary(made, Path("/models/m"))
    assert "WORSE than the base" in capsys.readouterr().err
