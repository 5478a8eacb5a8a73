""""This computer": the GPU found (name, memory) or the CPU, how fast cutting out will be, and the
models picked for it. The check itself runs on a worker thread (it imports torch)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from app import formats
from app.firstrun.hardware import GIB, Hardware, Recommendation, cpu_seconds_per_photo
from app.settings import Settings
from ui.welcome import units


class HardwareBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("This computer"), parent)
        self.summary = QLabel(self.tr("Checking the graphics card…"))
        self.speed = QLabel()
        self.picked = QLabel()
        layout = QVBoxLayout(self)
        for label in (self.summary, self.speed, self.picked):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.speed.hide()
        self.picked.hide()

    def show_result(self, hardware: Hardware, rec: Recommendation, settings: Settings) -> None:
        if hardware.has_gpu:
            self.summary.setText(self.tr("Graphics card: {0}, {1}\u00a0GB of video memory.").format(
                hardware.gpu_name, formats.integer(hardware.vram_bytes / GIB)))
            self.speed.setText(self.tr("Cutting out takes a fraction of a second per photo.")
                               if rec.reason == "gpu" else
                               self.tr("The card has little memory, so the lighter models are used; "
                                       "cutting out still takes well under a second per photo."))
        else:
            why = self.tr("No usable NVIDIA graphics card found ({0}).").format(hardware.problem) \
                if hardware.problem else self.tr("No NVIDIA graphics card found.")
            self.summary.setText(why + " " + self.tr("Vitrina will run on the processor ({0} cores).").format(
                hardware.cpu_cores))
            lite = units.duration(cpu_seconds_per_photo("birefnet-lite", hardware.cpu_cores))
            full = units.duration(cpu_seconds_per_photo("birefnet", hardware.cpu_cores))
            self.speed.setText(self.tr("That is slow: about {0} per photo with the light model ({1} with the "
                                       "full one), so 100 photos take about {2}.").format(
                lite, full, units.duration(100 * cpu_seconds_per_photo("birefnet-lite", hardware.cpu_cores))))
        kept = [f for f in ("seg_model", "vlm_model") if f in settings.user_set]
        text = self.tr("Picked for this computer: {0} to cut out, {1} to describe.").format(
            Path(settings.seg_model).name, Path(settings.vlm_model).name)
        if kept:
            text += " " + self.tr("Models you chose yourself are kept.")
        self.picked.setText(text + " " + self.tr("Change them any time in Settings."))
        self.speed.show()
        self.picked.show()
