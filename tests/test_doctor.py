"""`vitrina doctor`: each check with faked input gives the verdict and the advice a user needs, and
the command on this machine finishes with a valid report and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.doctor import environment, gpu, packages, qt
from app.doctor.findings import OK, PROBLEM, VERDICTS, WARNING, exit_status
from app.firstrun.plan import ModelItem

ROOT = Path(__file__).resolve().parents[1]
H200 = gpu.NvidiaGpu("NVIDIA H200", "570.124.06", 141 * 1024**3, "9.0")
CUDA13 = gpu.TorchBuild("2.14.1+cu130", "13.0", True, ("sm_80", "sm_90", "sm_100"))


def test_no_nvidia_device_says_so_in_one_line_with_the_cpu_speed() -> None:
    found = gpu.check(gpu.GpuProbe(gpus=[], source="", torch=gpu.TorchBuild("2.14.1", "13.0"), cpu_cores=8))
    assert found.verdict == WARNING and "CPU" in found.summary
    assert "s a photo" in found.advice and "8 CPU cores" in found.advice


def test_a_card_torch_cannot_use_because_the_driver_is_too_old_names_the_fix() -> None:
    old = gpu.NvidiaGpu("NVIDIA RTX 4090", "535.104.05", 24 * 1024**3, "8.9")
    found = gpu.check(gpu.GpuProbe(gpus=[old], source="nvml", windows=False,
                                   torch=gpu.TorchBuild("2.14.1+cu130", "13.0", available=False)))
    assert found.verdict == PROBLEM
    assert "driver 535.104.05 is older than CUDA 13.0 needs" in found.summary
    assert "Update the NVIDIA driver" in found.advice and "whl/cu126" in found.advice  # 535 runs CUDA 12


def test_a_cpu_only_torch_beside_a_gpu_gives_the_install_command() -> None:
    cpu_only = gpu.TorchBuild("2.14.1+cpu", None)
    found = gpu.check(gpu.GpuProbe(gpus=[H200], source="nvidia-smi", torch=cpu_only))
    assert found.verdict == PROBLEM and "CPU-only" in found.summary
    assert "pip install" in found.advice and "download.pytorch.org/whl/cu" in found.advice


def test_a_working_gpu_is_ok_and_names_the_card() -> None:
    found = gpu.check(gpu.GpuProbe(gpus=[H200], source="nvml", torch=CUDA13))
    assert found.verdict == OK and "H200" in found.summary and "570.124.06" in found.summary


def test_nvidia_smi_output_is_read() -> None:
    (card,) = gpu.parse_nvidia_smi("NVIDIA H200, 570.124.06, 143771, 9.0\n")
    assert card.name == "NVIDIA H200" and card.compute == "9.0" and card.vram_bytes == 143771 * 1024**2


def test_torch_and_torchvision_from_different_builds_are_a_problem() -> None:
    versions = {"torch": "2.14.1+cu130", "torchvision": "0.28.0+cpu", "transformers": "5.0", "timm": "1.0.3",
                "gigachat": "0.2.3"}
    found = packages.check(versions.get, ranges={}, ops_work=lambda: "")
    assert found.verdict == PROBLEM and "not from the same build" in found.summary
    assert "--force-reinstall torch torchvision" in found.advice
    matched = {**versions, "torchvision": "0.29.1+cu130"}
    assert packages.check(matched.get, ranges={"timm": ">=1.0"}, ops_work=lambda: "").verdict == OK
    too_old = packages.check(matched.get, ranges={"transformers": ">=5.1"}, ops_work=lambda: "")
    assert too_old.verdict == WARNING and "transformers 5.0" in too_old.summary


def _item(role: str, cached: bool) -> ModelItem:
    return ModelItem(role, f"{role}-model", "org/repo", 885_000_000, "MIT", optional=role == "writer",
                     cached=cached)


def test_a_missing_cut_out_model_is_a_problem_with_the_download_command(tmp_path: Path) -> None:
    items = [_item("segmentation", False), _item("describer", True), _item("writer", False)]
    found = environment.models(items, tmp_path, free_bytes=lambda _p: 50 * 1000**3)
    assert found.verdict == PROBLEM and "segmentation-model" in found.summary
    assert "vitrina models download segmentation-model" in found.advice
    assert "writer-model" not in found.advice  # optional: not asked for
    only_describer = environment.models([_item("segmentation", True), _item("describer", False)], tmp_path,
                                        free_bytes=lambda _p: 50 * 1000**3)
    assert only_describer.verdict == WARNING  # cut-outs still work
    low = environment.models([_item("segmentation", True)], tmp_path, free_bytes=lambda _p: 10**9)
    assert low.verdict == WARNING and "free" in low.summary


def test_no_keyring_backend_says_where_the_key_comes_from() -> None:
    from keyring.backends import fail

    found = environment.keyring_backend(fail.Keyring)
    assert found.verdict == WARNING
    assert "GIGACHAT_CREDENTIALS" in found.advice and "nothing is stored" in found.advice


def test_gigachat_key_clock_and_tls() -> None:
    import datetime as dt

    assert environment.gigachat("", now=dt.datetime(2026, 12, 3, tzinfo=dt.UTC)).verdict == WARNING
    wrong_clock = environment.gigachat("keyring", now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert wrong_clock.verdict == PROBLEM and "clock" in wrong_clock.summary
    bad_tls = environment.gigachat("keyring", online=True, handshake=lambda: "certificate verify failed")
    assert bad_tls.verdict == PROBLEM and "certificate verify failed" in bad_tls.summary
    assert environment.gigachat("environment", online=True, handshake=lambda: "").verdict == OK


def test_a_missing_qt_library_is_named_with_the_apt_line(tmp_path: Path) -> None:
    def runner(command: list[str]) -> tuple[int, str]:
        if command[0] == "ldd":
            return 0, ("\tlibxcb-cursor.so.0 => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6\n"
                       "\tlibxkbcommon-x11.so.0 => not found\n")
        return 134, "qt.qpa.plugin: Could not load the Qt platform plugin \"xcb\"\nAborted"

    found = qt.check(runner, linux=True, display=True, plugin=tmp_path / "libqxcb.so")
    assert found.verdict == PROBLEM
    assert "libxcb-cursor.so.0" in found.summary and "libxkbcommon-x11.so.0" in found.summary
    assert found.advice == "Install them: sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0"
    headless = qt.check(lambda c: (1, "could not connect to display") if c[0] != "ldd" else (0, ""),
                        linux=True, display=False, plugin=tmp_path / "libqxcb.so")
    assert headless.verdict == WARNING and "command line" in headless.summary


def test_an_unwritable_cache_folder_is_a_problem(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    found = environment.folders({"data": tmp_path / "data", "cache": blocked / "cache"})
    assert found.verdict == PROBLEM and str(blocked / "cache") in found.summary
    assert environment.folders({"data": tmp_path / "data"}).verdict == OK


def test_exit_status_follows_the_worst_verdict() -> None:
    from app.doctor import Finding

    assert exit_status([Finding("a", OK, "")]) == 0
    assert exit_status([Finding("a", OK, ""), Finding("b", WARNING, "")]) == 1
    assert exit_status([Finding("a", WARNING, ""), Finding("b", PROBLEM, "")]) == 2


def _valid(report: dict) -> None:
    """The --json schema: status 0..2 and findings with these fields and types."""
    assert set(report) == {"status", "findings"} and report["status"] in (0, 1, 2)
    assert {f["check"] for f in report["findings"]} == {"gpu", "packages", "models", "qt", "keyring",
                                                       "gigachat", "folders"}
    for finding in report["findings"]:
        assert set(finding) == {"check", "verdict", "summary", "advice", "details"}
        assert finding["verdict"] in VERDICTS and isinstance(finding["summary"], str) and finding["summary"]
        assert isinstance(finding["advice"], str) and isinstance(finding["details"], dict)
    assert report["status"] == exit_status([_as_finding(f) for f in report["findings"]])


def _as_finding(raw: dict):  # noqa: ANN202
    from app.doctor import Finding

    return Finding(**raw)


def test_vitrina_doctor_on_this_machine_reports_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "VITRINA_LANG": "en", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-m", "app", "doctor", "--json"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=300)
    assert "Traceback" not in out.stderr, out.stderr
    report = json.loads(out.stdout)
    _valid(report)
    assert out.returncode == report["status"]
    text = subprocess.run([sys.executable, "-m", "app", "doctor"], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)
    assert "Traceback" not in text.stderr and text.returncode == report["status"]
    assert len(text.stdout.strip().splitlines()) >= len(report["findings"])
