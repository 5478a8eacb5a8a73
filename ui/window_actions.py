"""The window's actions — menus, toolbar, shortcuts and tooltips — in one place, apart from the window.

Every frequent action has a shortcut, and its tooltip names it, so the toolbar teaches the keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

if TYPE_CHECKING:
    from ui.window_parts import ActionsHost


class WindowActions(QObject):
    def __init__(self, host: ActionsHost) -> None:
        super().__init__()  # kept by the window; no QObject parent needed
        self.host = host
        w, keys = host, QKeySequence.StandardKey
        self.open = self._make(self.tr("&Open folder…"), w.choose_folder, "Ctrl+O",
                               self.tr("Open a folder of product photos"))
        self.export = self._make(self.tr("&Export"), w.export, "Ctrl+E",
                                 self.tr("Export the processed products as card bundles"))
        self.export_as = self._make(self.tr("Export &to…"), w.choose_export, "Ctrl+Shift+E",
                                    self.tr("Choose the export folder and options, then export"))
        self.publish = self._make(self.tr("&Publish to Wildberries…"), w.choose_publish, None,
                                  self.tr("Create or update the products' Wildberries cards and upload their "
                                          "photos, from the export folder"))
        self.process_selected = self._make(self.tr("Process &selected"), w.process_selected, "Ctrl+R",
                                           self.tr("Cut out the selected photos"))
        self.process_all = self._make(self.tr("Process &all"), lambda: w.process(None), "Ctrl+Shift+R",
                                      self.tr("Cut out every photo in the folder"))
        self.write_text_selected = self._make(
            self.tr("Write card &text"), lambda: w.text_run.write(w.selected_products()), "Ctrl+T",
            self.tr("Write the card text of the selected photos' products (edited cards are kept)"))
        self.write_text_all = self._make(
            self.tr("Write card text for a&ll"), lambda: w.text_run.write(None), "Ctrl+Shift+T",
            self.tr("Write the card text of every product that has none yet"))
        self.finetune = self._make(
            self.tr("&Improve the model from my corrections…"), w.show_finetune, None,
            self.tr("Fine-tune the cut-out model on the masks you corrected with the brush, on this "
                    "computer"))
        self.cancel = self._make(self.tr("&Cancel"), w.runner.cancel, None,
                                 self.tr("Stop the running task at the next safe point"))
        self.undo = self._make(self.tr("&Undo"), w.undo, keys.Undo,
                               self.tr("Take back the last choice: background, canvas or card text"))
        self.redo = self._make(self.tr("&Redo"), w.redo, keys.Redo, self.tr("Make the undone choice again"))
        self._undo_keys = {self.undo: [QKeySequence(keys.Undo)],
                           self.redo: [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]}
        self.redo.setShortcuts(self._undo_keys[self.redo])
        self.copy_settings = self._make(
            self.tr("&Copy settings"), w.clipboard.copy, "Ctrl+Shift+C",
            self.tr("Copy the current photo's background, canvas, placement and shadow"))
        self.paste_settings = self._make(
            self.tr("&Paste settings…"), w.clipboard.paste, "Ctrl+Shift+V",
            self.tr("Paste the copied settings onto the selected photos, choosing which"))
        self.settings = self._make(self.tr("&Settings…"), w.open_settings, "Ctrl+,",
                                   self.tr("Device, models, card text provider, GigaChat key, defaults"))
        self.welcome = self._make(self.tr("Set up &models and GigaChat…"), w.show_welcome, None,
                                  self.tr("Check this computer, download the models, add the GigaChat key"))
        self.watch = self._make(self.tr("&Watch this folder"), w.watch.set_watching, None,
                                self.tr("Add and process the photos copied into the open folder as they "
                                        "arrive (tethered shooting); uncheck to stop"))
        self.watch.setCheckable(True)
        w.watch.watching_changed.connect(self.watch.setChecked)
        self.doctor = self._make(self.tr("&Check this computer…"), w.show_doctor, None,
                                 self.tr("The GPU, libraries, models, Qt, password store and folders, with "
                                         "what to do about each problem"))
        self.updates = self._make(self.tr("Check for model &updates…"), w.show_model_updates, None,
                                  self.tr("Offer the hub's newest commit of the models you accepted on "
                                          "their first download"))
        self.about = self._make(self.tr("&About Vitrina"), w.show_about, None, None)
        self.quit = self._make(self.tr("&Quit"), w.close, keys.Quit, None)
        self.fit = self._make(self.tr("&Fit to window"), w.preview.fit, "Ctrl+0", None)
        self.actual_size = self._make(self.tr("&100 %"), w.preview.actual_size, "Ctrl+1",
                                      self.tr("One exported pixel per screen pixel"))
        self.split = self._make(self.tr("&Before/after split"), w.preview.set_split, "Ctrl+B",
                                self.tr("One view with a divider between the original and the result"))
        self.split.setCheckable(True)
        w.preview.split_button.toggled.connect(self.split.setChecked)
        self.show_originals = self._make(
            self.tr("Show &originals in the grid"), w.gallery.set_show_originals,
            QKeySequence(Qt.Key.Key_Backslash),
            self.tr("The gallery shows the photos as shot, not their results"))
        self.show_originals.setCheckable(True)
        self.show_originals.setChecked(w.gallery.show_originals)
        self.next_photo = self._make(self.tr("&Next photo"), lambda: w.gallery.step(1), "PgDown", None)
        self.prev_photo = self._make(self.tr("&Previous photo"), lambda: w.gallery.step(-1), "PgUp", None)
        for action in (self.next_photo, self.prev_photo):
            # In the gallery and the preview only: in the card text, Page Down still scrolls the text.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.host.removeAction(action)
            w.gallery_pane.addAction(action)
            w.editors.addAction(action)
        self._review_actions(w)
        self._menus()
        self._toolbar()

    def _review_actions(self, w: ActionsHost) -> None:
        """P / X / U flag, N surveys, Y compares with the previous result: single keys, so they work
        only where focus is in the gallery or the editors, never while typing the card text."""
        self.approve = self._make(self.tr("&Approve"), w.flags.approve, "P",
                                  self.tr("Approve the selected photos' results (in Survey: the one under "
                                          "the mouse)"))
        self.reject = self._make(self.tr("Re&ject"), w.flags.reject, "X",
                                 self.tr("Reject the selected photos: Export leaves them out"))
        self.clear_flag = self._make(self.tr("C&lear flag"), w.flags.clear, "U",
                                     self.tr("Neither approved nor rejected"))
        self.advance_after_flag = self._make(self.tr("Ad&vance after flag"), w.flags.set_advance_after_flag,
                                             None, self.tr("After flagging one photo, select the next"))
        self.advance_after_flag.setCheckable(True)
        self.advance_after_flag.setChecked(w.flags.advance_after_flag())
        self.survey = self._make(self.tr("&Survey"), w.flags.open_survey, "N",
                                 self.tr("The selected 2 to 4 results side by side at the same zoom"))
        self.previous_result = self._make(self.tr("Compare with the previous &result"),
                                          self._compare_previous, "Y",
                                          self.tr("Show the result as it was before the last change"))
        keyed = (self.approve, self.reject, self.clear_flag, self.survey, self.previous_result)
        for action in keyed:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.host.removeAction(action)
            w.gallery_pane.addAction(action)
            # X in the Mask tab is the brush's restore/erase: reject is kept out of it.
            for place in (w.preview, w.survey) if action is self.reject else (w.editors,):
                place.addAction(action)

    def _compare_previous(self) -> None:
        preview = self.host.preview
        if preview.has_previous():
            self.host.editors.setCurrentWidget(preview)
            preview.toggle_previous()
        else:
            self.host.statusBar().showMessage(
                self.tr("Nothing to compare yet: the previous result is kept after a change to this photo's "
                        "background, canvas, mask or placement."), 5000)

    def _make(self, text: str, slot: Callable[..., object], shortcut: QKeySequence | str | None,
              tip: str | None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        plain = text.replace("&", "").rstrip("…")
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or plain} ({keys})" if keys else tip or plain)
        action.setStatusTip(tip or plain)
        self.host.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _menus(self) -> None:
        bar = self.host.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.open)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self.host.fill_recent)
        file_menu.addAction(self.export)
        file_menu.addAction(self.export_as)
        file_menu.addAction(self.publish)
        file_menu.addSeparator()
        file_menu.addAction(self.watch)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo)
        edit_menu.addAction(self.redo)
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_settings)
        edit_menu.addAction(self.paste_settings)
        edit_menu.addSeparator()
        for action in (self.approve, self.reject, self.clear_flag, self.advance_after_flag):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.settings)
        run_menu = bar.addMenu(self.tr("&Process"))
        for action in (self.process_selected, self.process_all, None, self.write_text_selected,
                       self.write_text_all, None, self.finetune, None, self.cancel):
            run_menu.addSeparator() if action is None else run_menu.addAction(action)
        view_menu = bar.addMenu(self.tr("&View"))
        for action in (self.fit, self.actual_size, self.split, self.previous_result, self.survey, None,
                       self.show_originals, None,
                       self.next_photo, self.prev_photo, None):
            view_menu.addSeparator() if action is None else view_menu.addAction(action)
        view_menu.addAction(self.host.log.toggleViewAction())
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.welcome)
        help_menu.addAction(self.doctor)
        help_menu.addAction(self.updates)
        help_menu.addAction(self.about)

    def _toolbar(self) -> None:
        toolbar = self.host.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        icons = QStyle.StandardPixmap
        style = self.host.style()
        for action, icon in ((self.open, icons.SP_DirOpenIcon),
                             (self.process_selected, icons.SP_MediaPlay),
                             (self.process_all, icons.SP_MediaSeekForward),
                             (self.write_text_selected, icons.SP_FileDialogDetailedView),
                             (self.export, icons.SP_DialogSaveButton)):
            action.setIcon(style.standardIcon(icon))
            toolbar.addAction(action)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addSeparator()
        toolbar.addWidget(self.host.model_picker)
        self.settings.setIcon(style.standardIcon(icons.SP_FileDialogInfoView))
        toolbar.addAction(self.settings)

    def update(self, *, idle: bool, has_project: bool, has_selection: bool, has_photos: bool = True,
               export_folder: str = "", export_scope: str = "all") -> None:
        self.open.setEnabled(idle)
        self.recent_menu.setEnabled(idle)
        work = idle and has_project and has_photos  # an empty folder has nothing to process or export
        self.process_all.setEnabled(work)
        self.process_selected.setEnabled(idle and has_selection)
        self.write_text_all.setEnabled(work)
        self.write_text_selected.setEnabled(idle and has_selection)
        self.export.setEnabled(work)
        self.export_as.setEnabled(work)
        self.publish.setEnabled(work)  # its dialog says which products it can publish, and why not
        self.finetune.setEnabled(work)  # its dialog says how many corrections the folder has
        self.copy_settings.setEnabled(has_selection)
        self.paste_settings.setEnabled(has_selection and self.host.clipboard.snapshot is not None)
        self.watch.setEnabled(has_project)  # a running task does not stop the watch: arrivals wait
        # The one-click target and scope, where the user can see them before clicking.
        into = {"approved": self.tr("Export the approved products' card bundles into {0}"),
                "selected": self.tr("Export the selected photos' card bundles into {0}")}.get(
            export_scope, self.tr("Export the card bundles into {0}"))
        tip = (into.format(export_folder) if export_folder
               else self.tr("Export the processed products as card bundles (asks where the first time)"))
        keys = self.export.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.export.setToolTip(f"{tip} ({keys})")
        self.export.setStatusTip(tip)
        self.settings.setEnabled(idle)  # the running task keeps the models it started with
        self.welcome.setEnabled(idle)
        self.cancel.setEnabled(not idle)

    def show_history(self, undo_label: str, redo_label: str) -> None:
        """Edit → Undo / Redo name the choice they take back or make again."""
        for action, label, plain, named in (
                (self.undo, undo_label, self.tr("&Undo"), self.tr("&Undo: {0}")),
                (self.redo, redo_label, self.tr("&Redo"), self.tr("&Redo: {0}"))):
            action.setEnabled(bool(label))
            # "&&": a product called "A&B" must not turn its B into a mnemonic.
            action.setText(named.format(label.replace("&", "&&")) if label else plain)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            tip = named.replace("&", "", 1).format(label) if label else action.statusTip()
            action.setToolTip(f"{tip} ({keys})" if keys else tip)

    def keys_for_choices(self, on: bool) -> None:
        """Ctrl+Z / Ctrl+Shift+Z undo choices, except while the Mask tab is shown: there they undo
        brush strokes (the editor's own actions); the menu still undoes choices with a click."""
        for action, keys in self._undo_keys.items():
            action.setShortcuts(keys if on else [])
