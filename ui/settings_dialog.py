"""Edit → Settings: device, models, card text provider, GigaChat key, Wildberries token and defaults for
new products.

The key and the token go to the OS keyring (``app.cardtext.credentials``, ``app.publish.wb.token``),
never into the settings file.
Everything else is saved in ``app.settings`` when the user presses OK.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import formats
from app.cardtext import credentials
from app.compose.background_names import background_name
from app.compose.backgrounds import presets
from app.describe import registry as describers
from app.describe.registry import DESCRIBERS
from app.errors import VitrinaError
from app.i18n import translated
from app.marketplace import marketplaces
from app.segment import VARIANTS, validate_layout
from app.segment.registry import with_pin
from app.settings import Settings
from app.settings import save as save_settings
from ui import settings_models
from ui.connection_test import ConnectionTest
from ui.error_details import DetailsButton, detail_of
from ui.gigachat_scopes import fill_scopes
from ui.logs import remember_secret
from ui.wb_settings import WBSettings

_WARN = "color: #b35900"
_ERROR = "color: #c62828"


def _select(combo: QComboBox, value: str, label: str | None = None) -> None:
    """Make ``value`` current, adding it (e.g. a folder chosen earlier) when the list lacks it."""
    index = combo.findData(value)
    if index < 0:
        combo.addItem(label or value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings
        self.device = QComboBox()
        for value, label in (("auto", self.tr("Automatic (GPU when there is one)")),
                             ("cuda", self.tr("GPU (CUDA)")), ("cpu", self.tr("CPU"))):
            self.device.addItem(label, value)
        _select(self.device, settings.device)

        self.seg_model = QComboBox()
        self.seg_model.setToolTip(self.tr("The model that cuts the product out (hub models download on "
                                          "first use)"))
        for v in VARIANTS.values():
            pinned = "" if with_pin(v).revision else self.tr(" — asks before its first download")
            size = formats.size(v.download_mb * 1e6)
            self.seg_model.addItem(f"{v.name} · {size} · {v.licence}{pinned}", v.name)
            tip = translated(v.note)
            self.seg_model.setItemData(self.seg_model.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        for folder in settings.seg_folders:
            self._select_folder(self.seg_model, folder)
        self._select_folder(self.seg_model, settings.seg_model)
        self.seg_warning = QLabel()
        self.seg_warning.setWordWrap(True)
        self.seg_warning.setStyleSheet(_WARN)
        self.seg_model.currentIndexChanged.connect(self._show_seg_warning)
        seg_folder = QPushButton(self.tr("Choose folder…"))
        seg_folder.setToolTip(self.tr("A model folder on disk (config.json, model.safetensors and its code)"))
        seg_folder.clicked.connect(self._choose_seg_folder)

        self.vlm_model = QComboBox()
        self.vlm_model.setToolTip(self.tr("The local vision model that describes the product for the "
                                          "card text"))
        for spec in DESCRIBERS.values():
            unpinned = describers.with_pin(spec).revision is None
            pinned = self.tr(" — asks before its first download") if unpinned else ""
            size = formats.size(spec.size_gb * 1e9)
            self.vlm_model.addItem(f"{spec.name} · {size} · {spec.licence}{pinned}", spec.name)
            self.vlm_model.setItemData(self.vlm_model.count() - 1, translated(spec.note) or spec.repo,
                                       Qt.ItemDataRole.ToolTipRole)
        self._select_folder(self.vlm_model, settings.vlm_model)
        vlm_folder = QPushButton(self.tr("Choose folder…"))
        vlm_folder.clicked.connect(lambda: self._choose_folder(self.vlm_model))

        self.provider = QComboBox()
        for value, label in (("gigachat", "GigaChat"), ("local", self.tr("Local model")),
                             ("none", self.tr("None (no card text)"))):
            self.provider.addItem(label, value)
        _select(self.provider, settings.text_provider)
        self.provider.currentIndexChanged.connect(self._enable_gigachat)

        self.marketplace = QComboBox()
        self.marketplace.addItem(self.tr("Photo's own size"), "")
        for key, m in marketplaces.marketplaces().items():
            self.marketplace.addItem(f"{m.name} — {m.canvas_width}×{m.canvas_height}", key)
        _select(self.marketplace, settings.marketplace)
        self.background = QComboBox()
        for name in ("plane", *presets(), "transparent"):
            self.background.addItem(background_name(name), name)
        _select(self.background, settings.background)

        self.language = QComboBox()
        # Each language in its own words, so a user who cannot read the current one finds theirs.
        for value, label in (("auto", self.tr("System language")), ("ru", "Русский"), ("en", "English")):
            self.language.addItem(label, value)
        _select(self.language, settings.language)
        self.language.setToolTip(self.tr("Applies the next time Vitrina starts"))

        models = QFormLayout()
        models.addRow(self.tr("Language:"), self.language)
        models.addRow(self.tr("Device:"), self.device)
        models.addRow(self.tr("Segmentation model:"), self._with_button(self.seg_model, seg_folder))
        models.addRow("", self.seg_warning)
        models.addRow(self.tr("Describer model:"), self._with_button(self.vlm_model, vlm_folder))
        self.describer = settings_models.describer_box(settings)
        self.precision = settings_models.precision_box(settings)
        self.keep_minutes = settings_models.keep_minutes_box(settings)
        models.addRow(self.tr("Photos described by:"), self.describer)
        models.addRow(self.tr("Describer / writer precision:"), self.precision)
        models.addRow(self.tr("Keep models loaded:"), self.keep_minutes)
        models.addRow(self.tr("Card text by:"), self.provider)
        defaults = QFormLayout()
        defaults.addRow(self.tr("Marketplace canvas:"), self.marketplace)
        defaults.addRow(self.tr("Background:"), self.background)
        default_box = QGroupBox(self.tr("For products you have not chosen for"))
        default_box.setLayout(defaults)
        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok_cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(models)
        layout.addWidget(self._gigachat_box(settings))
        self.wb = WBSettings()
        layout.addWidget(self.wb)
        layout.addWidget(default_box)
        layout.addWidget(buttons)
        self._show_seg_warning()
        self._enable_gigachat()

    def _gigachat_box(self, settings: Settings) -> QGroupBox:
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_state = QLabel()
        self.key_details = DetailsButton()  # the keyring's own words, for whoever helps the user
        self._show_key_state()
        forget = QPushButton(self.tr("Forget key"))
        forget.setToolTip(self.tr("Remove the key from the system keyring (a key in the "
                                  "GIGACHAT_CREDENTIALS environment variable stays)"))
        forget.clicked.connect(self._forget_key)
        self.scope = QComboBox()
        fill_scopes(self.scope)
        _select(self.scope, settings.gigachat_scope)
        self.gigachat_model = QComboBox()
        self.gigachat_model.setEditable(True)
        self.gigachat_model.setToolTip(self.tr("Test the connection to list the models your key can use"))
        _select(self.gigachat_model, settings.gigachat_model)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(self.tr("Sign in with this key and scope and list the models"))
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tester = ConnectionTest(self)
        self.tester.finished.connect(self._on_tested)
        form = QFormLayout()
        form.addRow(self.tr("Authorization key:"), self._with_button(self.key, forget))
        form.addRow("", self._with_button(self.key_state, self.key_details))
        form.addRow(self.tr("Scope:"), self.scope)
        form.addRow(self.tr("Model:"), self._with_button(self.gigachat_model, self.test_button))
        self.concurrency = settings_models.concurrency_box(settings)
        form.addRow(self.tr("Requests at once:"), self.concurrency)
        form.addRow("", self.test_result)
        self.gigachat_box = QGroupBox("GigaChat")
        self.gigachat_box.setLayout(form)
        return self.gigachat_box

    @staticmethod
    def _with_button(field: QWidget, button: QPushButton) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(field, 1)
        line.addWidget(button)
        return row

    # -- reactions ------------------------------------------------------------------------------
    def _show_seg_warning(self) -> None:
        variant = VARIANTS.get(self.seg_model.currentData())
        text = ""
        if variant is not None and not variant.commercial_use:
            text = self.tr("{0} is licensed {1}: not for commercial use without an agreement with its "
                           "authors.").format(variant.name, variant.licence)
        if variant is not None and with_pin(variant).revision is None:
            text += (" " if text else "") + self.tr("This model has no commit built into Vitrina: its first "
                                                    "download shows the commit the hub offers, its licence "
                                                    "and size, and asks you to accept them (loading it runs "
                                                    "code from its repository).")
        self.seg_warning.setText(text)
        self.seg_warning.setVisible(bool(text))

    def _enable_gigachat(self) -> None:
        self.gigachat_box.setEnabled(self.provider.currentData() == "gigachat")

    def _select_folder(self, combo: QComboBox, value: str) -> None:
        _select(combo, value, self.tr("Folder: {0}").format(Path(value).name))

    def _choose_seg_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Segmentation model folder"))
        if not folder:
            return
        try:
            validate_layout(Path(folder))  # say what is missing now, not at the next run
        except VitrinaError as exc:
            self.seg_warning.setText(str(exc))
            self.seg_warning.setVisible(True)
            return
        self._select_folder(self.seg_model, folder)

    def _choose_folder(self, combo: QComboBox) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Model folder"))
        if folder:
            self._select_folder(combo, folder)

    def _show_key_state(self) -> None:
        source = credentials.key_source()
        self.key_state.setStyleSheet("")
        self.key_details.set_detail("")
        if source == credentials.ENVIRONMENT:
            self.key_state.setText(self.tr("The key in use comes from the GIGACHAT_CREDENTIALS environment "
                                           "variable; type one here to keep it in the system keyring "
                                           "instead."))
            self.key.setPlaceholderText(self.tr("from the GIGACHAT_CREDENTIALS environment variable"))
        elif source:
            self.key_state.setText(self.tr("A key is stored; type a new one to replace it."))
            self.key.setPlaceholderText(self.tr("stored in the system keyring"))
        else:
            self.key_state.setText(self.tr("No key yet: paste the authorization key from the GigaChat "
                                           "studio."))
            self.key.setPlaceholderText("")

    def _forget_key(self) -> None:
        try:
            credentials.delete_key()
        except VitrinaError as exc:
            self._show_key_state()
            self.key_state.setText(self._after_forget(str(exc)))
            self.key_state.setStyleSheet(_WARN)
            self.key_details.set_detail(detail_of(exc))
            return
        self._show_key_state()
        if credentials.key_source() == credentials.ENVIRONMENT:
            self.key_state.setText(self._after_forget(self.tr("No key is stored in the system keyring.")))

    def _after_forget(self, what_happened: str) -> str:
        """What Forget did, and why a key may still be in use (the environment is not ours to clear)."""
        if credentials.key_source() != credentials.ENVIRONMENT:
            return what_happened
        return what_happened + " " + self.tr("The key in use comes from the GIGACHAT_CREDENTIALS "
                                             "environment variable: unset it to stop using that key.")

    def test_connection(self) -> None:
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Connecting…"))
        typed = credentials.normalize(self.key.text()) or None
        remember_secret(typed)  # the SDK may log the request; the key must not reach the log file
        self.tester.start(typed, self.scope.currentData())

    def _on_tested(self, models: list[str], error: str) -> None:
        self.test_button.setEnabled(True)
        if error:
            self.test_result.setStyleSheet(_ERROR)
            self.test_result.setText(error)
            return
        self.test_result.setText(self.tr("Connected. Models: {0}").format(", ".join(models)))
        current = self.gigachat_model.currentText()
        self.gigachat_model.clear()
        for name in models:
            self.gigachat_model.addItem(name, name)
        _select(self.gigachat_model, current if current in models or not models else models[0])

    # -- result ---------------------------------------------------------------------------------
    def values(self) -> Settings:
        seg = self.seg_model.currentData()
        values = replace(
            self.settings, device=self.device.currentData(), text_provider=self.provider.currentData(),
            gigachat_scope=self.scope.currentData(),
            gigachat_model=self.gigachat_model.currentText().strip() or self.settings.gigachat_model,
            marketplace=self.marketplace.currentData(), background=self.background.currentData(),
            language=self.language.currentData(), describer=self.describer.currentData(),
            precision=self.precision.currentData(), keep_models_minutes=self.keep_minutes.value(),
            gigachat_concurrency=self.concurrency.value())
        # A model changed here is the user's pick: the hardware check will not replace it.
        models = {"seg_model": seg, "vlm_model": self.vlm_model.currentData()}
        values = values.chosen(**{k: v for k, v in models.items() if v != getattr(self.settings, k)})
        return values if seg in VARIANTS else values.with_seg_folder(seg)

    def accept(self) -> None:
        typed = self.key.text()
        if typed.strip():
            remember_secret(credentials.normalize(typed))
            try:
                credentials.set_key(typed)
            except VitrinaError as exc:
                self.key_state.setText(str(exc))
                self.key_state.setStyleSheet(_ERROR)
                self.key_details.set_detail(detail_of(exc))
                return  # the dialog stays open: the key would otherwise be lost
            self.key.clear()
        if not self.wb.save():
            return  # the dialog stays open with the token typed: it says why it was not stored
        self.settings = self.values()
        save_settings(self.settings)
        super().accept()
