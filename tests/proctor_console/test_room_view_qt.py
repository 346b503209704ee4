"""The room's seating map: model, view and watcher, driven headless with pytest-qt."""

from __future__ import annotations

import copy
import http.server
import json
import math
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

from common.crypto.tls import make_self_signed
from common.i18n import LANGUAGES, t
from proctor_console import cli
from proctor_console.desk import commands as desk_commands
from proctor_console.desk.fonts import FONTS_DIR
from proctor_console.desk.room_map import map_view, seat_text, summary_panel, tiles
from proctor_console.desk.room_map.looks import BANNER_GLYPH, FOCUS_EDGE, LOOKS, RESUMED_GLYPH
from proctor_console.desk.room_map.map_view import RoomMapView
from proctor_console.desk.room_map.model import LinkState, RoomModel, SeatState, count_seats, seat_info, seat_state
from proctor_console.desk.room_map.tiles import COLUMNS, SeatTile
from proctor_console.desk.room_map.watch import RoomWatcher
from proctor_console.desk.sample_room import sample_room

pytestmark = [
    # Any Qt warning fails a test, except those listed here, each with its reason.
    pytest.mark.qt_log_level_fail("WARNING"),
    # The offscreen platform cannot pass a window's size hints on; harmless for a headless test.
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

# The sample seats, by the state each must be drawn in.
SAMPLE_STATES = {
    "01": SeatState.SUBMITTED, "02": SeatState.SITTING, "03": SeatState.SITTING,
    "04": SeatState.ABSENT, "05": SeatState.VOIDED, "07": SeatState.EXPECTED,
    "09": SeatState.PRESENT, "10": SeatState.NOT_ADMITTED, "17": SeatState.VOIDED,
}

# What the proctor reads on a tile, written out (not looked up) so a wrong key shows up here.
STATE_TEXTS = {
    "kk": {"expected": "күтілуде", "present": "тестілеуге кіргізілді", "absent": "қатыспады",
           "not_admitted": "тестілеуге кіргізілмеді", "sitting": "тест тапсыруда",
           "submitted": "тапсырды", "voided": "нәтижесі жойылды"},
    "ru": {"expected": "ожидается", "present": "допущен(а)", "absent": "отсутствует",
           "not_admitted": "не допущен(а)", "sitting": "проходит тест", "submitted": "сдал(а)",
           "voided": "результат аннулирован"},
    "en": {"expected": "expected", "present": "admitted", "absent": "absent",
           "not_admitted": "not admitted", "sitting": "sitting the test", "submitted": "submitted",
           "voided": "result voided"},
}
DETAILS = {  # seat -> detail line per language
    "01": {"kk": "балл: 17/20", "ru": "балл: 17/20", "en": "score: 17/20"},
    "02": {"kk": "жауаптар: 12", "ru": "ответов: 12", "en": "answers: 12"},
    "04": {"kk": "денсаулығы бойынша", "ru": "по болезни", "en": "illness"},
    "05": {"kk": "тәркілеу, 1-қосымша", "ru": "изъятие, прил. 1", "en": "confiscation, App. 1"},
    "17": {"kk": "бөгде тұлға, 2-қосымша", "ru": "постороннее лицо, прил. 2", "en": "outside person, App. 2"},
    "07": {"kk": "", "ru": "", "en": ""},
}


# --- helpers ----------------------------------------------------------------------------------

@pytest.fixture
def model() -> RoomModel:
    m = RoomModel()
    m.update(sample_room())
    m.set_link(LinkState.ONLINE)
    return m


@pytest.fixture
def view(qtbot, model: RoomModel) -> RoomMapView:
    v = RoomMapView(model, "kk")
    qtbot.addWidget(v)
    v.resize(1280, 800)
    return v


def tile_for(view: RoomMapView, seat: str) -> SeatTile:
    return next(tile for tile in view.tiles() if tile.seat_label.text() == seat)


def text_of(tile: SeatTile, name: str) -> str:
    label = tile.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def show_active(qtbot, view: RoomMapView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)


def focused_tile(view: RoomMapView) -> SeatTile | None:
    widget = QApplication.focusWidget()
    return widget if isinstance(widget, SeatTile) else None


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the model --------------------------------------------------------------------------------

def test_seat_state_follows_the_attempt_then_the_attendance() -> None:
    seats = {s["seat"]: s for s in sample_room()["seats"]}
    for seat, state in SAMPLE_STATES.items():
        assert seat_state(seats[seat]) is state, seat
    assert seat_info(seats["03"]).resumed and seat_info(seats["03"]).logins == 2
    assert not seat_info(seats["02"]).resumed
    assert not seat_info(seats["07"]).resumed
    with pytest.raises(ValueError, match="unknown attendance"):
        seat_state({**seats["07"], "attendance": "asleep"})


def test_the_sample_room_has_every_state_and_every_kazakh_letter() -> None:
    room = sample_room()
    assert len(room["seats"]) == 30
    assert {seat_state(s) for s in room["seats"]} == set(SeatState)
    names = " ".join(s["full_name"] for s in room["seats"])
    for letter in "ӘҒҚӨҰҮҺІ":
        assert letter in names and letter.lower() in names, letter
    assert "ң" in names  # no Kazakh word begins with Ң


def test_counts() -> None:
    counts = count_seats([seat_info(s) for s in sample_room()["seats"]])
    assert (counts.total, counts.expected, counts.absent, counts.not_admitted) == (30, 3, 5, 2)
    assert (counts.sitting, counts.submitted, counts.voided) == (9, 6, 2)
    assert counts.present == 3 + 9 + 6 + 2  # every admitted student, whatever they do now


def test_model_emits_changed_once_per_real_change(qtbot) -> None:
    model = RoomModel()
    emitted: list[None] = []
    model.changed.connect(lambda: emitted.append(None))
    view = sample_room()

    with qtbot.waitSignal(model.changed, timeout=1000):
        assert model.update(view)
    with qtbot.assertNotEmitted(model.changed):
        assert not model.update(copy.deepcopy(view))  # the same room, a new dict
    view["seats"][1]["attempt"]["answers"] += 1
    with qtbot.waitSignal(model.changed, timeout=1000):
        assert model.update(view)
    with qtbot.assertNotEmitted(model.changed):
        model.update(copy.deepcopy(view))
    assert len(emitted) == 2
    # The model holds its own copy: changing the caller's dict afterwards changes nothing.
    view["open"] = False
    assert model.header()["open"] is True


def test_a_malformed_view_leaves_the_model_as_it_was(qtbot, model: RoomModel) -> None:
    broken = sample_room()
    broken["seats"][1]["attempt"]["status"] = "paused"
    with qtbot.assertNotEmitted(model.changed), pytest.raises(ValueError):
        model.update(broken)
    assert model.view() == sample_room()


def test_link_changes_are_signalled_once(qtbot) -> None:
    model = RoomModel()
    with qtbot.waitSignal(model.link_changed, timeout=1000) as blocker:
        model.set_link(LinkState.OFFLINE, "refused")
    assert blocker.args == ["offline"]
    with qtbot.assertNotEmitted(model.link_changed):
        model.set_link(LinkState.OFFLINE, "refused again")
    assert model.link_detail == "refused again"


# --- the view ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_tile_tells_its_state_by_colour_glyph_and_text(qtbot, model: RoomModel, lang: str) -> None:
    view = RoomMapView(model, lang)
    qtbot.addWidget(view)
    tiles = view.tiles()
    assert len(tiles) == 30
    for seat, state in SAMPLE_STATES.items():
        tile = tile_for(view, seat)
        assert tile.property("seatState") == state.value
        assert text_of(tile, "state") == STATE_TEXTS[lang][state.value], (seat, lang)
        assert text_of(tile, "icon") == LOOKS[state].glyph
        assert LOOKS[state].fill in tile.styleSheet()
    for seat, detail in DETAILS.items():
        assert text_of(tile_for(view, seat), "detail") == detail[lang], (seat, lang)
    first = tile_for(view, "01")
    assert text_of(first, "name") == "Әбдірахманова Гүлнұр Серікқызы"
    assert text_of(first, "code") == t("room_view.code", lang, individual_code="07919313")
    resumed = tile_for(view, "03")
    assert text_of(resumed, "resumedGlyph") == RESUMED_GLYPH
    assert text_of(resumed, "resumed") == {"kk": "2 рет кірді", "ru": "входов: 2", "en": "2 logins"}[lang]
    assert text_of(tile_for(view, "02"), "resumed") == ""
    # The official wording of a reason is there for whoever points at the seat.
    assert t("absence.illness", lang) in tile_for(view, "04").toolTip()
    assert t("void.confiscation", lang) in tile_for(view, "05").toolTip()
    assert STATE_TEXTS[lang]["sitting"] in resumed.accessibleName()


def test_states_differ_in_colour_glyph_and_text() -> None:
    for attribute in ("glyph", "fill", "edge", "ink"):
        values = [getattr(look, attribute) for look in LOOKS.values()]
        assert len(set(values)) == len(values), attribute
    for lang in LANGUAGES:
        texts = [t(f"room_view.state.{state.value}", lang) for state in SeatState]
        assert len(set(texts)) == len(texts), lang


def contrast(one: str, two: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_state_texts_are_readable_on_their_tiles() -> None:
    for state, look in LOOKS.items():
        assert contrast(look.ink, look.fill) >= 4.5, state
        assert contrast("#1a1a1a", look.fill) >= 4.5, state  # names and codes


def test_every_glyph_and_kazakh_letter_is_in_the_bundled_font(qapp) -> None:
    glyphs = [look.glyph for look in LOOKS.values()] + [RESUMED_GLYPH, BANNER_GLYPH, "●", "○"]
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = QRawFont(QByteArray((FONTS_DIR / name).read_bytes()), 12)
        assert font.isValid(), name
        for ch in "".join(glyphs) + "ӘҒҚҢӨҰҮҺІәғқңөұүһі":
            assert font.supportsCharacter(ord(ch)), f"{name} lacks {ch!r} (U+{ord(ch):04X})"


def test_header_summary_and_legend(view: RoomMapView) -> None:
    assert view.room_label.text() == "Аудитория № 12"
    assert view.open_label.text() == "● Тестілеу басталды"
    assert view.organisation_label.text() == (
        "Білім беру ұйымы: 190745 — Абай атындағы № 45 мектеп-гимназия")
    values = {key: value.text() for key, (_, value) in view.side.count_labels.items()
              if not value.isHidden()}  # the readiness counts show before the test only
    assert values == {"total": "30", "expected": "3", "present": "20", "absent": "5",
                      "not_admitted": "2", "sitting": "9", "submitted": "6", "voided": "2"}
    assert view.side.count_labels["sitting"][0].text() == "Тест тапсыруда"
    legend = {entry.key: (entry.glyph.text(), entry.text.text()) for entry in view.side.legend_entries}
    assert legend["voided"] == ("⚠", "нәтижесі жойылды")
    assert legend["resumed"][0] == RESUMED_GLYPH
    assert view.banner.isHidden()


def test_a_change_in_the_model_reaches_the_tiles(qtbot, view: RoomMapView, model: RoomModel) -> None:
    room = sample_room()
    room["seats"][6]["attendance"] = "present"  # seat 07 is admitted
    room["open"] = False
    model.update(room)
    tile = tile_for(view, "07")
    assert text_of(tile, "state") == "тестілеуге кіргізілді"
    assert text_of(tile, "icon") == "✓"
    assert view.open_label.text() == "○ Тестілеу әлі басталған жоқ"
    assert view.side.count_labels["expected"][1].text() == "2"


def test_switching_language_relabels_everything(qtbot, view: RoomMapView) -> None:
    assert view.windowTitle() == "Аудиторияның отырғызу картасы"
    with qtbot.waitSignal(view.language_changed, timeout=1000) as blocker:
        view.language_combo.setCurrentIndex(LANGUAGES.index("ru"))  # as the combo would
    assert blocker.args == ["ru"]
    assert view.language == "ru"
    assert view.windowTitle() == "Схема рассадки аудитории"
    assert view.room_label.text() == "Аудитория № 12"
    assert text_of(tile_for(view, "02"), "state") == "проходит тест"
    assert text_of(tile_for(view, "02"), "code").startswith("ИКТ ")
    assert view.side.count_labels["absent"][0].text() == "Отсутствуют"
    assert view.side.summary_title.text() == "Сводка"

    view.set_language("en")
    assert view.language_combo.currentData() == "en"
    assert view.room_label.text() == "Room No. 12"
    assert text_of(tile_for(view, "05"), "state") == "result voided"
    assert view.side.legend_title.text() == "Legend"
    # The languages are named in themselves in the chooser.
    assert [view.language_combo.itemText(i) for i in range(3)] == ["қазақ тілі", "русский язык", "English"]


def test_keyboard_moves_between_tiles_and_the_focus_shows(qtbot, view: RoomMapView) -> None:
    show_active(qtbot, view)
    tiles = view.tiles()
    tiles[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: focused_tile(view) is tiles[0])

    moves = [(Qt.Key.Key_Right, 1), (Qt.Key.Key_Down, 1 + COLUMNS), (Qt.Key.Key_Left, COLUMNS),
             (Qt.Key.Key_Up, 0), (Qt.Key.Key_Left, 0), (Qt.Key.Key_Up, 0), (Qt.Key.Key_Tab, 1),
             (Qt.Key.Key_Tab, 2), (Qt.Key.Key_Backtab, 1)]
    for key, expected in moves:
        qtbot.keyClick(QApplication.focusWidget(), key)
        assert focused_tile(view) is tiles[expected], (key, expected)

    for _ in range(6):  # down the column to the last row, and no further
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert focused_tile(view) is tiles[1 + 5 * COLUMNS]

    # The focused tile wears a dark frame; the others their state's colour.
    def left_edge(tile: SeatTile) -> QColor:
        image = tile.grab().toImage()
        return image.pixelColor(1, image.height() // 2)

    focused, other = tiles[1 + 5 * COLUMNS], tiles[0]
    assert left_edge(focused) == QColor(FOCUS_EDGE)
    assert left_edge(other) == QColor(LOOKS[other.state].edge)


def test_the_language_chooser_works_by_keyboard(qtbot, view: RoomMapView) -> None:
    show_active(qtbot, view)
    view.language_combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.language_combo.hasFocus)
    qtbot.keyClick(view.language_combo, Qt.Key.Key_Down)
    assert view.language == "ru"
    qtbot.keyClick(view.language_combo, Qt.Key.Key_Tab)
    assert focused_tile(view) is view.tiles()[0]


def cut_labels(view: RoomMapView) -> list[tuple[str, str]]:
    """Labels drawn smaller than their text needs: wrapped ones too short, others too narrow."""
    cut = []
    for label in view.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            if label.height() < label.heightForWidth(label.width()):
                cut.append((label.objectName(), label.text()))
        elif label.width() < label.sizeHint().width():
            cut.append((label.objectName(), label.text()))
    return cut


@pytest.mark.parametrize("lang", LANGUAGES)
def test_strings_40_percent_longer_are_wrapped_not_cut(qtbot, monkeypatch, model: RoomModel,
                                                       lang: str) -> None:
    real_t = map_view.t

    def longer(key: str, language: str, **params: Any) -> str:
        text = real_t(key, language, **params)
        return text + (" ұзағырақ сөз" * len(text))[: math.ceil(len(text) * 0.4)]

    for module in (map_view, seat_text, summary_panel, tiles):  # every text of the map
        monkeypatch.setattr(module, "t", longer)
    view = RoomMapView(model, "kk" if lang != "kk" else "en")
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    view.set_language(lang)  # relabelled in place, as the proctor would
    # A relabel settles over a few turns of the event loop; it must settle with nothing cut.
    qtbot.waitUntil(lambda: cut_labels(view) == [], timeout=2000)
    assert view.width() == 1280  # the window did not grow
    assert view.grid_host.width() <= view.scroll.viewport().width()  # no seat off the side
    widths = {tile.width() for tile in view.tiles()}
    assert max(widths) - min(widths) <= 2  # the columns stay even


def test_the_sample_room_fits_the_screen_without_scrolling(qtbot, view: RoomMapView) -> None:
    for lang in LANGUAGES:
        view.show()
        view.set_language(lang)
        qtbot.waitUntil(lambda: cut_labels(view) == [], timeout=2000)
        assert view.grid_host.height() <= view.scroll.viewport().height(), lang


# --- the screenshots --------------------------------------------------------------------------

def test_screenshots_command_writes_three_pngs(qapp, tmp_path: Path, capsys) -> None:
    assert cli.main(["screenshots", "--out", str(tmp_path), "--what", "room"]) == 0
    printed = capsys.readouterr().out.split()
    for lang in LANGUAGES:
        path = tmp_path / f"room-view-{lang}.png"
        assert str(path) in printed
        assert path.stat().st_size > 20_000, path
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1280, 800)


def test_watch_command_needs_the_token(monkeypatch, capsys) -> None:
    monkeypatch.delenv(desk_commands.TOKEN_ENV, raising=False)
    assert cli.main(["watch", "--port", "8443", "--fingerprint", "00"]) == 2  # one line (docs/cli.md)
    err = capsys.readouterr().err
    assert desk_commands.TOKEN_ENV in err and err.count("\n") == 1


# --- the watcher ------------------------------------------------------------------------------

@pytest.fixture
def watchers() -> Iterator[list[RoomWatcher]]:
    made: list[RoomWatcher] = []
    yield made
    for watcher in made:
        watcher.stop()


def test_a_silent_server_shows_the_banner_and_the_watcher_keeps_trying(
        qtbot, view: RoomMapView, model: RoomModel, watchers: list[RoomWatcher]) -> None:
    watcher = RoomWatcher(model, closed_port(), "00" * 32, "token", interval_ms=20, timeout=1.0)
    watchers.append(watcher)
    watcher.start()
    qtbot.waitUntil(lambda: model.link is LinkState.OFFLINE, timeout=5000)
    assert view.banner.isVisibleTo(view)
    assert view.banner.property("linkState") == "offline"
    assert view.banner.text().startswith(f"{BANNER_GLYPH} Сервермен байланыс үзілді — қайта қосылуда…")
    assert model.updated_at().strftime("%H:%M:%S") in view.banner.text()  # the data's age
    assert len(view.tiles()) == 30  # the last known room stays on screen
    for _ in range(2):  # it keeps trying
        with qtbot.waitSignal(watcher.polled, timeout=5000):
            pass
    assert model.link is LinkState.OFFLINE
    view.set_language("en")
    assert "Connection lost — retrying…" in view.banner.text()


class _FakeRoomServer:
    """A small HTTPS server with the room server's certificate scheme, serving a room view."""

    def __init__(self, tmp_path: Path, token: str):
        cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
        self.fingerprint = make_self_signed(cert, key, ["127.0.0.1"])
        self.room: dict[str, Any] = sample_room()
        self.token = token
        self.requests = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.requests += 1
                if self.path != "/api/v1/proctor/room":
                    self._reply(404, {"error": "not_found", "message": self.path})
                elif self.headers.get("Authorization") != f"Bearer {outer.token}":
                    self._reply(401, {"error": "unauthorized", "message": "sign in"})
                else:
                    self._reply(200, outer.room)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


@pytest.fixture
def fake_server(tmp_path: Path) -> Iterator[_FakeRoomServer]:
    server = _FakeRoomServer(tmp_path, "right-token")
    yield server
    server.close()


def test_the_watcher_feeds_the_model_from_a_pinned_server(
        qtbot, fake_server: _FakeRoomServer, watchers: list[RoomWatcher]) -> None:
    model = RoomModel()
    view = RoomMapView(model, "en")
    qtbot.addWidget(view)
    assert view.banner.property("linkState") == "connecting"
    watcher = RoomWatcher(model, fake_server.port, fake_server.fingerprint, "right-token",
                          interval_ms=20)
    watchers.append(watcher)
    with qtbot.waitSignal(model.changed, timeout=5000):
        watcher.start()
    assert model.link is LinkState.ONLINE
    assert view.banner.isHidden()
    assert len(view.tiles()) == 30
    # The next polls bring nothing new, so nothing is redrawn...
    with qtbot.assertNotEmitted(model.changed, wait=0):
        for _ in range(2):
            with qtbot.waitSignal(watcher.polled, timeout=5000):
                pass
    # ...until the room changes.
    room = sample_room()
    room["seats"][1]["attempt"] = {**room["seats"][1]["attempt"], "status": "submitted", "score": 11,
                                   "max_score": 20}
    fake_server.room = room
    with qtbot.waitSignal(model.changed, timeout=5000):
        pass
    assert text_of(tile_for(view, "02"), "state") == "submitted"
    assert text_of(tile_for(view, "02"), "detail") == "score: 11/20"


def test_a_refused_token_and_a_wrong_certificate_show_their_banners(
        qtbot, fake_server: _FakeRoomServer, watchers: list[RoomWatcher]) -> None:
    refused, untrusted = RoomModel(), RoomModel()
    refused_view = RoomMapView(refused, "ru")
    qtbot.addWidget(refused_view)
    watchers.append(RoomWatcher(refused, fake_server.port, fake_server.fingerprint, "wrong-token",
                                interval_ms=20))
    watchers.append(RoomWatcher(untrusted, fake_server.port, "ab" * 32, "right-token",
                                interval_ms=20))
    for watcher in watchers:
        watcher.start()
    qtbot.waitUntil(lambda: refused.link is LinkState.REFUSED and untrusted.link is LinkState.UNTRUSTED,
                    timeout=5000)
    assert refused_view.banner.text() == f"{BANNER_GLYPH} Сервер отклонил запрос — повтор…"
    assert "HTTP 401" in refused_view.banner.toolTip()
    assert not refused.has_room() and not untrusted.has_room()
    refused_view.set_language("kk")
    assert refused_view.empty_label.text() == "Аудитория деректері әлі алынған жоқ"
