"""`vitrina batch --marketplace …` checks each bundle against that marketplace and can fix it."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

from app.cli import main


def _shoot(tmp_path: Path) -> Path:
    folder = tmp_path / "shoot"
    folder.mkdir()
    im = Image.new("RGB", (900, 1200), (250, 250, 250))
    ImageDraw.Draw(im).rounded_rectangle((250, 150, 650, 1050), 40, fill=(190, 30, 40))
    im.save(folder / "ваза.jpg", quality=95)
    return folder


def _compliance(out: Path) -> dict:
    return json.loads((out / "ваза" / "compliance.json").read_text("utf-8"))


def test_transparent_output_fails_yandex_market_and_fix_flattens_it(tmp_path, tiny_seg_model, capsys) -> None:
    shoot = _shoot(tmp_path)
    args = ["batch", str(shoot), "--seg-model", str(tiny_seg_model), "--device", "cpu", "--no-text",
            "--marketplace", "ym", "--background", "transparent"]
    assert main([*args, "-o", str(tmp_path / "as-is")]) == 0
    report = _compliance(tmp_path / "as-is")
    assert report["status"] == "fail"
    assert any(r["status"] == "fail" and "transparen" in r["message"].lower() for r in report["results"])
    assert "Яндекс Маркет: fail" in capsys.readouterr().err

    assert main([*args, "-o", str(tmp_path / "fixed"), "--fix"]) == 0
    fixed = _compliance(tmp_path / "fixed")
    assert not any("transparen" in r["message"].lower() and r["status"] == "fail" for r in fixed["results"])
    assert fixed["fixes"] and "flattened" in " ".join(fixed["fixes"])
    card = json.loads((tmp_path / "fixed" / "ваза" / "card.json").read_text("utf-8"))
    image = card["files"][0]["image"]
    assert "flattened" in " ".join(card["files"][0]["notes"])
    with Image.open(tmp_path / "fixed" / "ваза" / image) as im:
        assert im.mode == "RGB"  # no alpha left for a marketplace that shows none


def test_no_marketplace_means_no_compliance_file(tmp_path, tiny_seg_model) -> None:
    shoot = _shoot(tmp_path)
    assert main(["batch", str(shoot), "-o", str(tmp_path / "o"), "--seg-model", str(tiny_seg_model),
                 "--device", "cpu", "--no-text"]) == 0
    assert not (tmp_path / "o" / "ваза" / "compliance.json").exists()
