"""Card text → Keywords: the seller sees the card's search keywords, edits them, and is told which
ones the marketplace's rules would not take; edits are undone like the other fields."""

from __future__ import annotations

from app.cardtext.card import Card
from app.project import Project
from app.studio import card_of, set_card
from tests.ui.shoot import LOOSE, make_shoot
from tests.ui.test_main_window import show
from ui.card_panel import parse_keywords
from ui.main_window import MainWindow


def test_keywords_are_split_on_commas_without_blanks_or_repeats() -> None:
    typed = " кружка,  Кружка ;чай\nкерамика  для   чая,, "
    assert parse_keywords(typed) == ["кружка", "чай", "керамика для чая"]
    assert parse_keywords("") == []


def test_keywords_are_shown_edited_checked_and_undone(qtbot, window: MainWindow, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    written = Project(shoot)  # a card written earlier (by GigaChat, say), with its keywords
    set_card(written, LOOSE, Card(title="Мяч", description="Зелёный мяч.", keywords=["мяч", "игрушка"]))
    written.save()
    assert window.open_folder(shoot)
    project = window.project
    show(qtbot, window, [LOOSE])
    window.side.setCurrentWidget(window.card)
    panel = window.card
    assert panel.keywords.isEnabled() and panel.keywords.text() == "мяч, игрушка"
    assert panel.keywords_count.text() == "2 keyword(s)"

    with qtbot.waitSignal(panel.saved, timeout=5_000):
        panel.keywords.setText("мяч, резиновый мяч, лучший подарок")
    assert card_of(project, LOOSE).keywords == ["мяч", "резиновый мяч", "лучший подарок"]
    assert card_of(project, LOOSE).title == "Мяч"  # the other fields are kept
    assert project.product(LOOSE).card_edited
    assert panel.keywords_problem.isVisible()
    problem = panel.keywords_problem.text()
    assert "promo words" in problem and "лучший подарок" in problem

    with qtbot.waitSignal(panel.saved, timeout=5_000):
        panel.keywords.setText("мяч, резиновый мяч")
    assert not panel.keywords_problem.isVisible()

    # Typing on within a few seconds is one step, as for the title: Undo goes back to the card's own.
    window.undo()
    assert card_of(project, LOOSE).keywords == ["мяч", "игрушка"]
    assert panel.keywords.text() == "мяч, игрушка"
    window.redo()
    assert panel.keywords.text() == "мяч, резиновый мяч"
