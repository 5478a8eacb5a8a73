"""Export from the GUI: one click to the folder this photo folder exported to last time (Export),
or pick the folder and options first (Export to…); the export runs as a task on the window's worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import VitrinaError
from app.project import Product, Project
from app.project.state import EXPORT_SCOPES
from app.studio import (
    EDITED,
    REJECTED,
    REVIEW,
    ExportResult,
    approved_products,
    export_products,
    export_target,
    flag_of,
    photo_status,
    remember_export_target,
)
from ui.export_dialog import ExportDialog
from ui.export_done import export_finished
from ui.task_run import TaskRun

if TYPE_CHECKING:
    from ui.window_parts import ExportHost

TASK = "export"
_EXPORTABLE = ("done", REVIEW, EDITED)  # photos with a mask


class ExportRun(TaskRun):
    host: ExportHost

    def __init__(self, host: ExportHost) -> None:
        super().__init__(host)
        self._left_out = ""  # "12 product(s) not approved yet": said again when the export ends

    def folder(self) -> str:
        """Where one-click Export writes ("" until a folder was chosen for this photo folder)."""
        project = self.host.project
        return export_target(project).folder if project is not None else ""

    def scope(self) -> str:
        """Which products one-click Export writes: one of EXPORT_SCOPES."""
        project = self.host.project
        return export_target(project).scope if project is not None else "all"

    def export(self) -> bool:
        """Export to the remembered folder with the remembered options; the first time, ask."""
        project = self.host.project
        if project is None or self.host.runner.busy:
            return False
        target = export_target(project)
        if not target.folder or not Path(target.folder).parent.is_dir():
            # First time, or the place is gone (an unplugged disk): ask rather than write elsewhere.
            return self.choose()
        return self.export_to(target.folder, overwrite=target.replace, fix=target.fix, scope=target.scope)

    def scoped(self, scope: str) -> tuple[list[str], str]:
        """The products an export of ``scope`` writes now, and what it leaves out and why ("" if none)."""
        project = self.host.project
        if project is None:
            return [], ""
        processed = [p for p in project.products
                     if any(photo_status(project, rel) in _EXPORTABLE for rel in p.photos)]
        keys = [p.key for p in processed if _has_unrejected(project, p)]
        reasons = []
        if len(keys) < len(processed):
            reasons.append(self.tr("%n product(s) with every processed photo rejected", "",
                                   len(processed) - len(keys)))
        if scope in ("approved", "selected"):
            wanted = set(approved_products(project) if scope == "approved"
                         else self.host.selected_products())
            chosen = [key for key in keys if key in wanted]
            if len(chosen) < len(keys):
                text = (self.tr("%n product(s) not approved yet", "", len(keys) - len(chosen))
                        if scope == "approved"
                        else self.tr("%n product(s) not selected", "", len(keys) - len(chosen)))
                reasons.append(text)
            keys = chosen
        return keys, "; ".join(reasons)

    def choose(self) -> bool:
        """Open Export to…; the export starts when the user confirms it."""
        w = self.host
        if w.project is None or w.runner.busy:
            return False
        counts = {scope: len(self.scoped(scope)[0]) for scope in EXPORT_SCOPES}
        dialog = ExportDialog(w.project.root, export_target(w.project), w.window(), counts=counts)
        dialog.accepted.connect(lambda: self._chosen(dialog))
        w.dialog = dialog  # closed with the window
        dialog.open()
        return True

    def _chosen(self, dialog: ExportDialog) -> None:
        w = self.host
        if w.project is None:
            return
        target = dialog.target()
        try:
            remember_export_target(w.project, target)
        except VitrinaError as exc:  # the state folder is not writable: export anyway, say why
            w.log.add(str(exc), error=True)
        self.export_to(target.folder, overwrite=target.replace, fix=target.fix, scope=target.scope)

    def export_to(self, output: Path | str, *, overwrite: bool = False, fix: bool = False,
                  scope: str = "all") -> bool:
        """Export the products of ``scope`` (all / approved / selected) that have a processed photo."""
        w = self.host
        project = w.project
        if project is None or w.runner.busy:
            return False
        keys, left_out = self.scoped(scope)
        if not keys:
            nothing = {"approved": self.tr("Nothing exported: no product is approved yet (approve every "
                                           "photo of a product with P or reject it with X), or choose All "
                                           "products in Export to…"),
                       "selected": self.tr("Nothing exported: no processed product is selected in the "
                                           "gallery.")}
            why = nothing.get(scope, self.tr("Nothing to export yet: process the photos first."))
            w.log.add(why, error=True)
            if left_out:
                w.log.add(self.tr("Left out: {0}").format(left_out))
            return False
        self._left_out = left_out
        if left_out:
            w.log.add(self.tr("Left out: {0}").format(left_out))
        w.card.flush()  # a pending edit is the user's text: it goes into the bundle
        w.progress.start(self.tr("Exporting"), self.tr("products"))
        w.runner.start(TASK, lambda events, cancel: export_products(
            project, keys, Path(output), overwrite=overwrite, fix=fix, events=events, cancel=cancel))
        w.update_actions()
        return True

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        if stage == TASK:
            self.host.progress.update_count(done, total)

    def _on_finished(self, name: str, result: object) -> None:
        w = self.host
        if name != TASK or not isinstance(result, ExportResult) or w.closing:
            return
        text = self.tr("Exported {0} product(s); {1} photo(s) failed (see the log).").format(
            len(result.bundles), result.failed + result.needs_review)  # the log says which need review
        if result.existing:
            text += " " + self.tr("{0} bundle(s) were already there and kept.").format(len(result.existing))
        if self._left_out:
            text += " " + self.tr("Left out: {0}.").format(self._left_out)
        if result.cancelled:
            text = self.tr("Stopped. ") + text
        w.statusBar().showMessage(text, 10000)
        if result.report_path is not None:
            w.export_box = export_finished(w.window(), text, result.report_path.parent)


def _has_unrejected(project: Project, product: Product) -> bool:
    """The product has a processed photo the user has not rejected (else its bundle would be empty)."""
    return any(photo_status(project, rel) in _EXPORTABLE and flag_of(project, rel) != REJECTED
               for rel in product.photos)
