"""The kk/ru/en catalogue shared by screens and documents."""

from __future__ import annotations

import string

import pytest

from common.i18n import LANGUAGES, catalogue, t


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_languages() -> None:
    assert LANGUAGES == ("kk", "ru", "en")


def test_every_key_has_all_three_languages_non_empty() -> None:
    cat = catalogue()
    assert cat, "the catalogue is empty"
    for key, texts in cat.items():
        assert set(texts) == set(LANGUAGES), key
        for lang in LANGUAGES:
            assert isinstance(texts[lang], str) and texts[lang].strip(), f"{key} [{lang}] is empty"


def test_placeholders_are_the_same_in_every_language() -> None:
    for key, texts in catalogue().items():
        sets = {lang: placeholders(texts[lang]) for lang in LANGUAGES}
        assert sets["kk"] == sets["ru"] == sets["en"], f"{key}: {sets}"


@pytest.mark.parametrize("key", [
    "absence.illness", "absence.bereavement", "absence.competition", "absence.home_schooling",
    "absence.sanatorium", "status.scored", "status.absent", "status.voided",
    "act1.title", "act2.title", "act.caption.full_name", "report.title",
])
def test_required_keys_exist(key: str) -> None:
    assert key in catalogue()


def test_official_wording() -> None:
    assert t("act1.title", "kk") == (
        "Тыйым салынған заттардың тәркіленуі және тестіленушіні аудиториядан шығару туралы Акт")
    assert t("act1.title", "ru") == "Акт об изъятии запрещённого предмета и удалении тестируемого из аудитории"
    assert t("act2.title", "kk") == "Тестілеуге кіргізу/тестілеу барысында бөгде тұлғаның анықталуы туралы акт"
    assert t("act.caption.full_name", "kk") == "Т.А.Ә. (бар болған жағдайда)"
    assert t("act.caption.full_name", "ru") == "Ф.И.О. (при его наличии)"
    assert t("act1.acquainted", "kk") == "Актімен таныстым:"
    assert t("absence.illness", "ru") == "по состоянию здоровья"


def test_t_fills_placeholders() -> None:
    assert t("act.appendix_header", "kk", n=1).endswith("1-қосымша")
    assert t("act.appendix_header", "ru", n=2).startswith("Приложение 2")
    assert t("doc.page", "en", page=2, pages=5) == "Page 2 of 5"


def test_unknown_key_raises_key_error() -> None:
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key", "kk")


def test_unknown_language_raises_value_error() -> None:
    with pytest.raises(ValueError, match="de"):
        t("status.absent", "de")


def test_missing_placeholder_value_raises_key_error() -> None:
    with pytest.raises(KeyError, match="number"):
        t("act.number", "kk")


def test_catalogue_is_a_copy() -> None:
    cat = catalogue()
    cat["status.absent"]["kk"] = "changed"
    cat["new.key"] = {}
    assert t("status.absent", "kk") == "қатыспады"
    assert "new.key" not in catalogue()
