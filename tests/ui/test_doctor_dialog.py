"""Help → Check this computer… shows the doctor's findings with what to do, and copies the report."""

from __future__ import annotations

import json

from PySide6.QtGui import QGuiApplication

from app.doctor import OK, PROBLEM, WARNING, Finding
from ui import doctor_dialog
from ui.doctor_dialog import DoctorDialog

FOUND = [Finding("gpu", PROBLEM, "NVIDIA RTX 4090: driver 535 is older than CUDA 13.0 needs.",
                 "Update the NVIDIA driver.", {"driver": "535"}),
         Finding("keyring", WARNING, "No password store.", "The key comes from GIGACHAT_CREDENTIALS."),
         Finding("folders", OK, "The folders are writable.")]


def test_the_menu_shows_every_finding_with_its_advice_and_copies_the_details(qtbot, window,
                                                                             monkeypatch) -> None:
    monkeypatch.setattr(doctor_dialog, "run_checks", lambda: FOUND)
    assert window.acts.doctor.isEnabled()
    window.acts.doctor.trigger()
    dialog = window.dialog
    assert isinstance(dialog, DoctorDialog)
    if not dialog.findings:
        with qtbot.waitSignal(dialog.checked, timeout=10_000):
            pass
    text = dialog.report.toPlainText()
    for finding in FOUND:
        assert finding.summary in text and finding.advice in text
    assert "1 problem(s)" in dialog.status.text()
    dialog.copy_button.click()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied[0]["details"] == {"driver": "535"} and len(copied) == 3
    dialog.close()
