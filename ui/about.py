"""Help → About: the version, and every model Vitrina can use with its licence."""

from __future__ import annotations

from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app import __version__
from app.describe.registry import DESCRIBERS
from app.segment import VARIANTS


def _tr(text: str) -> str:
    return QCoreApplication.translate("about", text)


def about_html() -> str:
    rows = []
    for v in VARIANTS.values():
        warning = "" if v.commercial_use else f" <b style='color:#c62828'>{_tr('non-commercial')}</b>"
        rows.append(f"<tr><td>{escape(v.name)}</td><td>{escape(v.repo)}</td>"
                    f"<td>{escape(v.licence)}{warning}</td></tr>")
    describers = [f"<tr><td>{escape(s.name)}</td><td>{escape(s.repo)}</td><td>{escape(s.licence)}</td></tr>"
                  for s in DESCRIBERS.values()]
    gigachat = _tr("GigaChat (Sber): used under your own account and its terms; the key stays in the "
                   "system keyring.")
    weights = _tr("The weights are downloaded from the Hugging Face hub at pinned commits and keep their "
                  "own licences. You are responsible for using each model within its licence.")
    return (
        f"<h2>Vitrina {escape(__version__)}</h2>"
        f"<p>{_tr('Product photos in, marketplace cards out.')}</p>"
        f"<h3>{_tr('Segmentation models')}</h3><table cellpadding='3'>{''.join(rows)}</table>"
        f"<h3>{_tr('Describer models')}</h3><table cellpadding='3'>{''.join(describers)}</table>"
        f"<h3>{_tr('Card text')}</h3><p>{gigachat}</p><p>{weights}</p>"
        f"<p>Qt for Python (PySide6 {escape(pyside_version)}), LGPL-3.0.</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Vitrina"))
        self.resize(640, 560)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
