"""Help → Check this computer…: the report of ``vitrina doctor`` (app.doctor), run on a pool thread
(it imports torch and starts a child process for Qt: seconds), shown with what to do about each
finding, and copyable for a support request."""

from __future__ import annotations

import json
import logging
from html import escape

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.doctor import OK, PROBLEM, WARNING, Finding, run_checks

log = logging.getLogger(__name__)
COLOURS = {OK: "#2e7d32", WARNING: "#e08a00", PROBLEM: "#c62828"}
MARKS = {OK: "✓", WARNING: "!", PROBLEM: "✗"}


class _Signals(QObject):
    done = Signal(list)  # [Finding]


class _Job(QRunnable):
    def __init__(self, signals: _Signals) -> None:
        super().__init__()
        self.signals = signals

    def run(self) -> None:
        try:
            findings = run_checks()
        except Exception as err:  # run_checks turns a broken check into a finding; this is a last guard
            log.exception("the computer check failed")
            findings = [Finding("doctor", PROBLEM, f"{type(err).__name__}: {err}")]
        self.signals.done.emit(findings)


def report_html(findings: list[Finding]) -> str:
    rows = []
    for f in findings:
        advice = f"<div style='margin-left:1.6em'>{escape(f.advice)}</div>" if f.advice else ""
        rows.append(f"<p><b style='color:{COLOURS.get(f.verdict, '#000')}'>{MARKS.get(f.verdict, '?')}</b> "
                    f"{escape(f.summary)}{advice}</p>")
    return "".join(rows)


class DoctorDialog(QDialog):
    checked = Signal()  # the report is shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Check this computer"))
        self.resize(720, 480)
        self.findings: list[Finding] = []
        self.status = QLabel(self.tr("Checking the GPU, libraries, models, Qt, password store and folders…"))
        self.status.setWordWrap(True)
        self.report = QTextBrowser()
        self.copy_button = QPushButton(self.tr("Copy the report"))
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addWidget(buttons)
        self._signals = _Signals()
        self._signals.done.connect(self._show)
        QThreadPool.globalInstance().start(_Job(self._signals))

    def _show(self, findings: list[Finding]) -> None:
        self.findings = findings
        problems = sum(f.verdict == PROBLEM for f in findings)
        warnings = sum(f.verdict == WARNING for f in findings)
        if problems:
            text = self.tr("%n problem(s) stop Vitrina from working fully: see what to do below.",
                           "", problems)
        elif warnings:
            text = self.tr("Vitrina works; %n thing(s) could be better.", "", warnings)
        else:
            text = self.tr("Everything Vitrina needs is in order.")
        self.status.setText(text)
        self.report.setHtml(report_html(findings))
        self.copy_button.setEnabled(True)
        self.checked.emit()

    def copy_report(self) -> None:
        """The full findings with their measured details, for a support request."""
        QGuiApplication.clipboard().setText(json.dumps([f.to_json() for f in self.findings],
                                                       ensure_ascii=False, indent=2, default=str))
