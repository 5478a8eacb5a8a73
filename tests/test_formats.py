"""Numbers shown to the user follow the user's language (Babel/CLDR), with units kept on one line."""

import pytest

from app import formats, i18n

NB = "\u00a0"
CARDS = {"one": "карточка", "few": "карточки", "many": "карточек", "other": "карточки"}
CARDS_EN = {"one": "card", "other": "cards"}


@pytest.fixture
def lang():
    before = i18n.language()
    yield i18n.set_language
    i18n.set_language(before)


def test_russian_uses_comma_nbsp_grouping_and_percent_space(lang):
    lang("ru")
    assert formats.decimal(1.7) == "1,7"
    assert formats.decimal(0.75, 3) == "0,750"
    assert formats.integer(12345) == f"12{NB}345"
    assert formats.percent(0.85) == f"85{NB}%"


def test_english_uses_point_and_comma_grouping(lang):
    lang("en")
    assert formats.decimal(1.7) == "1.7"
    assert formats.integer(12345) == "12,345"
    assert formats.percent(0.85) == "85%"


def test_sizes_in_russian_and_english_keep_number_and_unit_together(lang):
    lang("ru")
    assert formats.size(4.3e9) == f"4,3{NB}ГБ"
    assert formats.size(885e6) == f"885{NB}МБ"
    assert formats.size(10.3e6, digits=1) == f"10,3{NB}МБ"
    lang("en")
    assert formats.size(4.3e9) == f"4.3{NB}GB"
    assert formats.size(885e6) == f"885{NB}MB"


def test_duration_is_one_clock_style():
    assert formats.duration(3) == "0:03"
    assert formats.duration(760) == "12:40"
    assert formats.duration(3725) == "1:02:05"
    assert formats.duration(-1) == "0:00"


def test_rate_picks_the_russian_plural_of_the_shown_number(lang):
    lang("ru")
    assert formats.rate(2.0, CARDS) == f"2{NB}карточки/с"
    assert formats.rate(5, CARDS) == f"5{NB}карточек/с"
    assert formats.rate(21, CARDS) == f"21{NB}карточка/с"
    assert formats.rate(1.5, CARDS) == f"1,5{NB}карточки/с"
    lang("en")
    assert formats.rate(1, CARDS_EN) == f"1{NB}card/s"
    assert formats.rate(2.5, CARDS_EN) == f"2.5{NB}cards/s"
