"""The window's helpers use the window only through the narrow protocols of ui/window_parts.py:
none imports ui.main_window, each touches only what its protocol lists, and the real window
has everything every protocol lists."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from ui import window_parts
from ui.main_window import MainWindow

UI = Path(__file__).resolve().parents[2] / "ui"
HELPERS = {
    "card_text_run": window_parts.CardTextHost,
    "export_run": window_parts.ExportHost,
    "publish_run": window_parts.PublishHost,
    "task_run": window_parts.TaskHost,
    "photo_tasks": window_parts.PhotoTasksHost,
    "watch_run": window_parts.WatchHost,
    "flagging": window_parts.FlaggingHost,
    "window_actions": window_parts.ActionsHost,
    "finetune_dialog": window_parts.FinetuneHost,
}
ALIASES = {"host", "w"}  # the names the helpers give the host: ``w = self.host``


def members(protocol: type) -> set[str]:
    names: set[str] = set()
    for cls in protocol.__mro__:
        if cls.__module__ != window_parts.__name__:
            continue
        names |= set(getattr(cls, "__annotations__", {}))
        names |= {name for name, value in vars(cls).items()
                  if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))}
    return names


def host_uses(tree: ast.AST) -> set[str]:
    """Every attribute read or written on the host: ``self.host.x``, ``host.x`` and ``w.x``."""
    used = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in ALIASES:
            used.add(node.attr)
        elif (isinstance(value, ast.Attribute) and value.attr == "host"
              and isinstance(value.value, ast.Name) and value.value.id == "self"):
            used.add(node.attr)
    return used


def aliases_bound(tree: ast.AST) -> set[str]:
    """What ``w`` is bound to in each helper: it must only ever be the host."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (zip(target.elts, node.value.elts, strict=False)
                         if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                         else [(target, node.value)])
                for name, value in pairs:
                    if isinstance(name, ast.Name) and name.id == "w":
                        bound.add(ast.unparse(value))
    return bound


@pytest.mark.parametrize("module", sorted(HELPERS))
def test_a_helper_touches_only_what_its_protocol_lists(module: str) -> None:
    tree = ast.parse((UI / f"{module}.py").read_text("utf-8"))
    assert aliases_bound(tree) <= {"self.host", "host"}, f"ui/{module}.py binds w to something else"
    extra = host_uses(tree) - members(HELPERS[module])
    assert not extra, f"ui/{module}.py uses {sorted(extra)} of the window, not in {HELPERS[module].__name__}"


def test_no_helper_imports_the_window() -> None:
    for path in sorted(UI.rglob("*.py")):
        if path.name == "main_window.py" or path.name == "main.py":
            continue  # the window itself, and the entry point that builds it
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "ui.main_window", f"{path.name} imports ui.main_window"


def test_the_window_has_everything_each_protocol_lists(window: MainWindow) -> None:
    for module, protocol in HELPERS.items():
        missing = sorted(name for name in members(protocol) if not hasattr(window, name))
        assert not missing, f"{protocol.__name__} ({module}) lists {missing}, which MainWindow lacks"
