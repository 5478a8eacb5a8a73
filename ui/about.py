"""Help → About: the version, and every model Vitrina can use with its licence."""

from __future__ import annotations

from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app import __version__
from app.describe.registry import DESCRIBERS
from app.segment import VARIANTS

# Called by this name with literal strings so that pyside6-lupdate finds them (context "about").
translate = QCoreApplication.translate


def about_html() -> str:
    rows = []
    non_commercial = translate("about", "non-commercial")
    for v in VARIANTS.values():
        warning = "" if v.commercial_use else f" <b style='color:#c62828'>{non_commercial}</b>"
        rows.append(f"<tr><td>{escape(v.name)}</td><td>{escape(v.repo)}</td>"
                    f"<td>{escape(v.licence)}{warning}</td></tr>")
    describers = [f"<tr><td>{escape(s.name)}</td><td>{escape(s.repo)}</td><td>{escape(s.licence)}</td></tr>"
                  for s in DESCRIBERS.values()]
    gigachat = translate("about", "GigaChat (Sber): used under your own account and its terms; the key "
                                  "stays in the system keyring.")
    weights = translate("about", "The weights are downloaded from the Hugging Face hub at pinned commits and "
                                 "keep their own licences. You are responsible for using each model within "
                                 "its licence.")
    tagline = translate("about", "Product photos in, marketplace cards out.")
    seg_title = translate("about", "Segmentation models")
    vlm_title = translate("about", "Describer models")
    text_title = translate("about", "Card text")
    return (
        f"<h2>Vitrina {escape(__version__)}</h2>"
        f"<p>{tagline}</p>"
        f"<h3>{seg_title}</h3><table cellpadding='3'>{''.join(rows)}</table>"
        f"<h3>{vlm_title}</h3><table cellpadding='3'>{''.join(describers)}</table>"
        f"<h3>{text_title}</h3><p>{gigachat}</p><p>{weights}</p>"
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
