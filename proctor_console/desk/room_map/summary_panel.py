"""The side panel of the room's map: the seats counted by state (before the test, the kiosks by
readiness), the legend of the map's glyphs and colours, and the keys that move on the map."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from common.i18n import t
from proctor_console.desk.room_map.looks import LOOKS, READINESS_LOOKS, RESUMED_GLYPH, StateLook
from proctor_console.desk.room_map.model import Counts, Readiness, SeatState
from proctor_console.desk.room_map.tiles import LegendEntry, map_label

COUNTS = ("total", "expected", "present", "absent", "not_admitted", "sitting", "submitted",
          "voided", "ready", "not_ready", "not_registered")
READINESS_COUNTS = ("ready", "not_ready", "not_registered")


class SummaryPanel(QWidget):
    """The counts, the legend and the keys, beside the map's seats."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        # Plain frames under wrapping headings: a group box's title cannot wrap and would widen
        # the side panel in a longer language.
        self.summary_title = map_label("summaryTitle", wrap=True, bold=True)
        self.summary_box = QFrame()
        self.summary_box.setObjectName("summary")
        summary = QGridLayout(self.summary_box)
        summary.setVerticalSpacing(2)
        summary.setColumnStretch(0, 1)
        self.count_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for row, key in enumerate(COUNTS):
            name = map_label(f"count.{key}", wrap=True)
            value = map_label(f"countValue.{key}", bold=True)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            summary.addWidget(name, row, 0)
            summary.addWidget(value, row, 1)
            self.count_labels[key] = (name, value)

        self.legend_title = map_label("legendTitle", wrap=True, bold=True)
        self.legend_box = QFrame()
        self.legend_box.setObjectName("legend")
        legend = QVBoxLayout(self.legend_box)
        legend.setSpacing(2)
        self.legend_entries = [LegendEntry(state.value, LOOKS[state]) for state in SeatState]
        self.legend_entries.append(LegendEntry("resumed", StateLook(RESUMED_GLYPH, "#37474f",
                                                                    "#ffffff", "#90a4ae")))
        self.legend_entries += [LegendEntry(f"readiness.{r.value}", READINESS_LOOKS[r])
                                for r in Readiness]
        for entry in self.legend_entries:
            legend.addWidget(entry)
        self.keys_label = map_label("keysHint", wrap=True, point_delta=-1)

        side = QVBoxLayout()
        side.setSpacing(4)
        side.addWidget(self.summary_title)
        side.addWidget(self.summary_box)
        side.addSpacing(6)
        side.addWidget(self.legend_title)
        side.addWidget(self.legend_box)
        side.addSpacing(6)
        side.addWidget(self.keys_label)
        side.addStretch(1)
        self.setStyleSheet("QFrame#summary, QFrame#legend { border: 1px solid #cfd8dc;"
                           " border-radius: 4px; background: #fafafa; }")
        self.setLayout(side)
        self.setFixedWidth(250)
        side.setContentsMargins(0, 0, 0, 0)

    def set_embedded(self, embedded: bool) -> None:
        """Inside the desk's window the tiles tell their state by glyph, colour and text; the window
        needs the width more than the legend."""
        self.legend_title.setVisible(not embedded)
        self.legend_box.setVisible(not embedded)
        self.setFixedWidth(190 if embedded else 250)

    def relabel(self, lang: str, readiness: bool) -> None:
        """Texts in `lang`; the kiosks' counts and legend before the test (`readiness`), else the
        seats'."""
        self.summary_title.setText(t("room_view.summary", lang))
        self.legend_title.setText(t("room_view.legend", lang))
        for key, (name, _) in self.count_labels.items():
            name.setText(t(f"room_view.count.{key}", lang))
        for entry in self.legend_entries:
            if entry.key == "resumed":
                key = "room_view.legend.resumed"
            elif entry.key.startswith("readiness."):
                key = f"room_view.{entry.key}"
            else:
                key = f"room_view.state.{entry.key}"
            entry.text.setText(t(key, lang))
            entry.setVisible(entry.key.startswith("readiness.") == readiness)
        for key, (name, value) in self.count_labels.items():
            shown = key == "total" or (key in READINESS_COUNTS) == readiness
            name.setVisible(shown)
            value.setVisible(shown)
        self.keys_label.setText(t("room_view.keys_hint", lang))

    def show_counts(self, counts: Counts, readiness: dict[str, int]) -> None:
        for key, (_, value) in self.count_labels.items():
            value.setText(str(readiness[key] if key in READINESS_COUNTS else getattr(counts, key)))
