"""Publish to Wildberries from the GUI: the dialog's choice runs as a task on the window's worker —
bundles made or brought up to date, then checked and sent — with progress, time left and Cancel.

Cancel stops at the next request; ``publish.json`` in the folder keeps what Wildberries already
has, so the next Publish goes on from there and never makes a card twice.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from app import settings as app_settings
from app.errors import VitrinaError
from app.publish.wb import flow
from app.publish.wb.token import token_source
from app.studio import export_target, remember_export_target, text_options
from app.studio.kept_models import writer_factory
from app.studio.publish import StudioPublishResult, publish, publish_keys, unpublishable
from ui.publish_dialog import SCOPES, PublishChoice, PublishDialog, ScopeCount
from ui.publish_done import publish_finished
from ui.task_run import TaskRun

if TYPE_CHECKING:
    from ui.window_parts import PublishHost

TASK = "publish"


class PublishRun(TaskRun):
    host: PublishHost

    def __init__(self, host: PublishHost) -> None:
        super().__init__(host)
        self._names: dict[str, str] = {}  # product key -> name, for the results
        self._choice: PublishChoice | None = None

    def counts(self) -> dict[str, ScopeCount]:
        """How many products each choice of the dialog would publish, and leave out unprocessed."""
        project = self.host.project
        if project is None:
            return {}
        products = {p.key: p for p in project.products}
        out = {}
        for scope in SCOPES:
            keys = publish_keys(project, scope, self.host.selected_products())
            unready = sum(1 for key in keys if unpublishable(project, products[key]))
            out[scope] = ScopeCount(len(keys) - unready, unready)
        return out

    def choose(self) -> bool:
        """Open Publish to Wildberries…; the run starts when the user presses Check only or Publish."""
        w = self.host
        if w.project is None or w.runner.busy:
            return False
        target = export_target(w.project)
        dialog = PublishDialog(w.project.root, target.folder, self.counts(), has_token=bool(token_source()),
                               scope=target.scope, parent=w.window())
        dialog.accepted.connect(lambda: self._chosen(dialog))
        dialog.settings_requested.connect(self._open_settings)
        w.dialog = dialog  # closed with the window
        dialog.open()
        return True

    def _open_settings(self) -> None:
        settings = self.host.open_settings()
        settings.accepted.connect(self.choose)  # back to Publish, with the token just added

    def _chosen(self, dialog: PublishDialog) -> None:
        w = self.host
        if w.project is None:
            return
        choice = dialog.choice()
        target = export_target(w.project)
        if choice.folder != target.folder:
            # The folder now holds these products' bundles and publish.json: Export updates them there.
            try:
                remember_export_target(w.project, replace(target, folder=choice.folder))
            except VitrinaError as exc:
                w.log.add(str(exc), error=True)
            w.update_actions()
        self.start(choice)

    def start(self, choice: PublishChoice) -> bool:
        w = self.host
        project = w.project
        if project is None or w.runner.busy:
            return False
        keys = publish_keys(project, choice.scope, w.selected_products())
        if not keys:
            w.log.add(self.tr("Nothing to publish: approve products, or select processed photos, first."),
                      error=True)
            return False
        w.card.flush()  # a pending edit is the user's text: it goes into the card
        self._names = {p.key: p.name for p in project.products}
        self._choice = choice
        options = text_options(app_settings.load())  # the card writer fills the characteristics
        make_writer = writer_factory(w.models.kept)
        fix = export_target(project).fix
        if choice.dry_run:
            w.progress.start(self.tr("Checking for Wildberries"), self.tr("products"))
        else:
            w.progress.start(self.tr("Publishing to Wildberries"), self.tr("products"))

        def task(events, cancel):  # noqa: ANN001, ANN202 (the worker's Task)
            writer = (lambda: make_writer(options, events)) if options.enabled else None
            return publish(project, keys, Path(choice.folder), sandbox=choice.sandbox,
                           dry_run=choice.dry_run, reexport=choice.reexport, fix=fix, writer=writer,
                           defaults=choice.defaults, events=events, cancelled=cancel.is_set)

        w.runner.start(TASK, task)
        w.update_actions()
        return True

    def _on_progress(self, stage: str, done: int, total: int, _item: str) -> None:
        w = self.host
        if w.runner.task_name != TASK:
            return
        titles = {"export": (self.tr("Exporting the bundles first"), self.tr("products")),
                  "check": (self.tr("Checking for Wildberries"), self.tr("products")),
                  flow.STAGE: (self.tr("Publishing to Wildberries"), self.tr("cards"))}
        if stage in titles:
            w.progress.switch(*titles[stage])
            w.progress.update_count(done, total)

    def _on_finished(self, name: str, result: object) -> None:
        w = self.host
        if name != TASK or not isinstance(result, StudioPublishResult) or w.closing:
            return
        text = self.summary(result, dry_run=self._choice is not None and self._choice.dry_run)
        w.statusBar().showMessage(text, 10000)
        w.publish_box = publish_finished(w.window(), text, result, self._names)

    def _on_failed(self, name: str, message: str) -> None:
        w = self.host
        if name != TASK or w.closing:
            return
        checking = self._choice is not None and self._choice.dry_run
        text = (self.tr("The check stopped: {0}") if checking else self.tr("Publishing stopped: {0}")).format(
            message)
        w.publish_box = publish_finished(w.window(), text, None, {})

    def summary(self, result: StudioPublishResult, *, dry_run: bool) -> str:
        count = result.count
        blocked = count(flow.BLOCKED) + count(flow.UNREADABLE)
        if dry_run:
            text = self.tr("Checked: {0} ready to send, {1} blocked, {2} not published; nothing was "
                           "sent.").format(count(flow.PLANNED), blocked, len(result.left_out))
        else:
            text = self.tr("Published {0}, up to date {1}, waiting for Wildberries {2}, refused {3}, blocked "
                           "{4}, not published {5}.").format(
                count(flow.PUBLISHED), count(flow.UNCHANGED), count(flow.WAITING),
                count(flow.REJECTED) + count(flow.FAILED), blocked, len(result.left_out))
        if result.cancelled:
            text = self.tr("Stopped: Publish again to go on from where it stopped.") + " " + text
        return text
