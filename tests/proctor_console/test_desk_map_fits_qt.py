"""The desk's room map on a 1366×768 laptop: every seat of a 30-seat room visible without
scrolling (compact tiles, details on selection), no text cut or colliding, and raised hands as a
banner with their count and seats, with a sound when one more goes up. Such a laptop leaves a
window about 1366×700 (the panel and the title bar take the rest); the map fits there too."""

from __future__ import annotations

import copy
import math

import pytest
from PySide6.QtWidgets import QLabel

from common.i18n import LANGUAGES, t
from proctor_console.desk.model import STEPS, DeskModel, Step
from proctor_console.desk.room_map import hands, map_view, seat_text, summary_panel, tiles
from proctor_console.desk.room_map.model import LinkState
from proctor_console.desk.sample_room import sample_room
from proctor_console.desk.window import DeskWindow

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]


def cut_labels(root) -> list[str]:
    cut = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            if label.height() < label.heightForWidth(label.width()):
                cut.append(f"{label.objectName()}: {label.text()}")
        elif label.width() < label.minimumSizeHint().width():
            cut.append(f"{label.objectName()}: {label.text()}")
    return cut


def with_hands(view: dict, *seats: str) -> dict:
    view = copy.deepcopy(view)
    for seat in view["seats"]:
        attempt = seat.get("attempt")
        if attempt and attempt["status"] == "in_progress":
            attempt["hand_raised"] = seat["seat"] in seats
    return view


LAPTOP_WINDOWS = [(1366, 700), (1366, 768)]  # a window on a 1366×768 laptop; the whole screen


def fits(view) -> bool:
    """Every tile is shown whole in the map's viewport (nothing to scroll to)."""
    viewport = view.scroll.viewport()
    return all(tile.isVisible() and viewport.rect().contains(
        tile.geometry().translated(view.grid_host.pos())) for tile in view.tiles())


def open_desk(qtbot, lang: str, size: tuple[int, int] = (1366, 700)) -> tuple[DeskModel, DeskWindow]:
    """The desk's window with no server, at `size` (by default what a 1366×768 laptop leaves)."""
    model = DeskModel(lang)
    window = DeskWindow(model, server="127.0.0.1:8443")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    return model, window


@pytest.mark.parametrize("size", LAPTOP_WINDOWS, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_thirty_seats_fit_a_laptop_and_hands_are_a_banner(qtbot, lang, size) -> None:
    model, window = open_desk(qtbot, lang, size)
    model.set_proctor({"login": "rep", "full_name": "Қожахметов Ғалым Һидаятұлы",
                       "role": "representative"})
    room = sample_room()
    model.room.update(with_hands(room))
    model.room.set_link(LinkState.ONLINE)
    model.set_step(Step.TEST)
    view = window.test_page.map
    assert len(view.tiles()) == 30
    assert window.size().toTuple() == size
    qtbot.waitUntil(lambda: fits(view) and not cut_labels(view), timeout=3000)
    assert not view.scroll.verticalScrollBar().isVisible()
    assert not view.hands.isVisible()

    sitting = [s["seat"] for s in room["seats"] if (s.get("attempt") or {}).get("status") == "in_progress"]
    model.room.update(with_hands(room, sitting[0]))
    assert view.hands.isVisible() and view.hands.rang == 1
    assert "1" in view.hands.text() and sitting[0] in view.hands.text()
    # the banner takes its line from the map, and the whole room still shows; so it does with the
    # link's banner over it too
    qtbot.waitUntil(lambda: fits(view) and not cut_labels(view), timeout=3000)
    model.room.set_link(LinkState.OFFLINE)
    assert view.banner.isVisible()
    qtbot.waitUntil(lambda: fits(view) and not cut_labels(view), timeout=3000)
    model.room.set_link(LinkState.ONLINE)
    assert not view.banner.isVisible()
    model.room.update(with_hands(room, sitting[0], sitting[1]))
    assert view.hands.rang == 2 and view.hands.seats == [sitting[0], sitting[1]]
    model.room.update(with_hands(room, sitting[1]))
    assert view.hands.rang == 2  # a hand going down makes no sound
    model.room.update(with_hands(room))
    assert not view.hands.isVisible()
    qtbot.waitUntil(lambda: fits(view) and not cut_labels(view), timeout=3000)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_desk_fits_a_laptop_screen_on_every_step(qtbot, lang) -> None:
    """A 1366×768 laptop leaves about 1366×700 to a window (panel, title bar): the desk's window
    must be able to shrink to that on every step, not push its bottom off the screen (the
    during-the-test actions once made it 792 px tall at the least)."""
    model, window = open_desk(qtbot, lang)
    model.room.update(sample_room())
    for step in STEPS:
        model.set_step(step)
        qtbot.wait(1)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700, (step, hint)
        assert window.height() == 700, step


@pytest.mark.parametrize("lang", LANGUAGES)
def test_in_the_desk_the_rooms_state_stays_in_sight(qtbot, lang) -> None:
    """The map in the desk has no header line (the window's top line names the room): whether the
    test has begun, and a disk that refuses the answers, are told beside the raised hands."""
    model, window = open_desk(qtbot, lang)
    room = sample_room()
    model.room.update(room)
    model.room.set_link(LinkState.ONLINE)
    model.set_step(Step.TEST)
    view = window.test_page.map
    assert not view.room_label.isVisible()
    assert window.room_line.isVisible() and room["room_no"] in window.room_line.text()
    assert view.open_label.isVisible()
    assert view.open_label.text() == f"● {t('room_view.open', lang)}"
    sitting = [s["seat"] for s in room["seats"] if (s.get("attempt") or {}).get("status") == "in_progress"]
    model.room.update(with_hands(room, sitting[0]) | {"disk": {"code": "disk_full"}})
    assert view.hands.isVisible() and view.open_label.isVisible()
    assert view.open_label.text() == f"⚠ {t('console.error.disk_full', lang)}"
    # on one line: the state at the left of the banner, inside the map's width
    state, hands = view.open_label.geometry(), view.hands.geometry()
    assert state.right() < hands.left() and state.center().y() == pytest.approx(hands.center().y(), abs=1)
    assert hands.right() <= view.scroll.geometry().right()
    qtbot.waitUntil(lambda: fits(view) and not cut_labels(view), timeout=3000)
    # the warning wraps: on one line it made the window wider than the laptop's screen
    assert window.width() == 1366 and window.minimumSizeHint().width() <= 1366


@pytest.mark.parametrize("lang", LANGUAGES)
def test_map_texts_40_percent_longer_wrap_in_the_desk(qtbot, monkeypatch, lang) -> None:
    """The state on the seat's line (and the room's state beside the hands) wrap, not cut and not
    widen the window, when every text of the map is 40 % longer; the map may scroll then."""
    def longer(key: str, language: str, **params) -> str:
        text = t(key, language, **params)
        return text + (" ұзағырақ сөз" * len(text))[: math.ceil(len(text) * 0.4)]

    for module in (map_view, seat_text, summary_panel, tiles, hands):  # every text of the map
        monkeypatch.setattr(module, "t", longer)
    model, window = open_desk(qtbot, lang)
    room = sample_room()
    sitting = [s["seat"] for s in room["seats"] if (s.get("attempt") or {}).get("status") == "in_progress"]
    model.room.update(with_hands(room, *sitting[:3]))
    model.room.set_link(LinkState.ONLINE)
    model.set_step(Step.TEST)
    view = window.test_page.map
    qtbot.waitUntil(lambda: cut_labels(view) == [], timeout=3000)
    assert window.width() == 1366
    assert view.grid_host.width() <= view.scroll.viewport().width()  # no seat off the side
    widths = {tile.width() for tile in view.tiles()}
    assert max(widths) - min(widths) <= 2  # the columns stay even
