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
    QLabel,
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
from ui.connection_check import ConnectionCheck
from ui.connection_test import ConnectionTest
from ui.gigachat_scopes import fill_scopes
from ui.layout_pieces import with_button
from ui.secret_field import WARN, SecretField, SecretStore, SecretTexts
from ui.wb_settings import WBSettings

GIGACHAT_KEY = SecretStore(source=credentials.key_source, save=credentials.set_key,
                           delete=credentials.delete_key, normalize=credentials.normalize)


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
        self.seg_warning.setStyleSheet(WARN)
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
        models.addRow(self.tr("Segmentation model:"), with_button(self.seg_model, seg_folder))
        models.addRow("", self.seg_warning)
        models.addRow(self.tr("Describer model:"), with_button(self.vlm_model, vlm_folder))
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
        environment_in_use = self.tr("The key in use comes from the GIGACHAT_CREDENTIALS "
                                     "environment variable: unset it to stop using that key.")
        texts = SecretTexts(
            from_environment=self.tr("The key in use comes from the GIGACHAT_CREDENTIALS environment "
                                     "variable; type one here to keep it in the system keyring "
                                     "instead."),
            environment_placeholder=self.tr("from the GIGACHAT_CREDENTIALS environment variable"),
            stored=self.tr("A key is stored; type a new one to replace it."),
            stored_placeholder=self.tr("stored in the system keyring"),
            none_yet=self.tr("No key yet: paste the authorization key from the GigaChat "
                             "studio."),
            forgotten_but_environment=self.tr("No key is stored in the system keyring.") + " "
            + environment_in_use,
            environment_in_use=environment_in_use)
        self.secret = SecretField(GIGACHAT_KEY, texts, self.tr("Forget key"),
                                  self.tr("Remove the key from the system keyring (a key in the "
                                          "GIGACHAT_CREDENTIALS environment variable stays)"))
        self.key, self.key_state, self.key_details = self.secret.field, self.secret.state, self.secret.details
        self.scope = QComboBox()
        fill_scopes(self.scope)
        _select(self.scope, settings.gigachat_scope)
        self.gigachat_model = QComboBox()
        self.gigachat_model.setEditable(True)
        self.gigachat_model.setToolTip(self.tr("Test the connection to list the models your key can use"))
        _select(self.gigachat_model, settings.gigachat_model)
        self.check = ConnectionCheck(self.tr("Test connection"), self.tr(
            "Sign in with this key and scope and list the models"), self.test_connection)
        self.test_button, self.test_result = self.check.button, self.check.result
        self.tester = ConnectionTest(self)
        self.tester.finished.connect(self._on_tested)
        form = QFormLayout()
        form.addRow(self.tr("Authorization key:"), with_button(self.key, self.secret.forget_button))
        form.addRow("", with_button(self.key_state, self.key_details))
        form.addRow(self.tr("Scope:"), self.scope)
        form.addRow(self.tr("Model:"), with_button(self.gigachat_model, self.test_button))
        self.concurrency = settings_models.concurrency_box(settings)
        form.addRow(self.tr("Requests at once:"), self.concurrency)
        form.addRow("", self.test_result)
        self.gigachat_box = QGroupBox("GigaChat")
        self.gigachat_box.setLayout(form)
        return self.gigachat_box

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

    def test_connection(self) -> None:
        self.check.testing(self.tr("Connecting…"))
        self.tester.start(self.secret.typed(), self.scope.currentData())

    def _on_tested(self, models: list[str], error: str) -> None:
        self.check.answered(error, self.tr("Connected. Models: {0}").format(", ".join(models)))
        if error:
            return
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
        if not self.secret.save() or not self.wb.save():
            return  # the dialog stays open with the key or token typed: it says why it was not stored
        self.settings = self.values()
        save_settings(self.settings)
        super().accept()
