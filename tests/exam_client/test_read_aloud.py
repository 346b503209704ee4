"""Read-aloud with espeak-ng: a Kazakh item becomes speech (a WAV read back with the `wave`
module: its length, and that it is not silence)."""

from __future__ import annotations

import array
import json
import wave

import pytest

from common.demo.roster import demo_content_json
from exam_client.engine import read_aloud

pytestmark = pytest.mark.skipif(
    not read_aloud.available(),
    reason="espeak-ng is not installed: packaging/install-os-deps.sh test")


def kazakh_item() -> dict:
    content = json.loads(demo_content_json())
    assert content["language"] == "kk"
    return content["sections"][0]["items"][0]


def wav_facts(path) -> tuple[float, int]:
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        seconds = w.getnframes() / w.getframerate()
    samples = array.array("h", frames)
    return seconds, max(abs(s) for s in samples)


def test_a_kazakh_item_is_spoken_into_a_wav(tmp_path):
    item = kazakh_item()
    text = read_aloud.speech_text(item, "kk")
    assert item["prompt"] in text and "Жауап A. Өрік ағашын" in text
    wav = read_aloud.synthesise(text, "kk", tmp_path / "r1.wav")
    seconds, peak = wav_facts(wav)
    # About 25 words at 140 words a minute: some ten seconds of speech, not a click or a minute.
    words = len(text.split())
    assert 0.5 * words * 60 / read_aloud.WORDS_PER_MINUTE < seconds < 2.5 * words * 60 / read_aloud.WORDS_PER_MINUTE
    assert peak > 1000  # speech, not silence
    # The prompt alone is shorter than the prompt with its options.
    alone, _ = wav_facts(read_aloud.synthesise(item["prompt"], "kk", tmp_path / "p.wav"))
    assert alone < seconds


@pytest.mark.parametrize("lang,words", [("ru", "Сколько лет нужно ждать?"),
                                        ("en", "How many years must we wait?")])
def test_russian_and_english_voices(tmp_path, lang, words):
    seconds, peak = wav_facts(read_aloud.synthesise(words, lang, tmp_path / f"{lang}.wav"))
    assert seconds > 0.8 and peak > 1000


def test_an_unknown_language_is_refused(tmp_path):
    with pytest.raises(read_aloud.ReadAloudUnavailable):
        read_aloud.synthesise("x", "de", tmp_path / "x.wav")


def test_the_reader_stops_what_it_was_saying():
    reader = read_aloud.Reader()
    try:
        reader.say("Бір екі үш төрт бес алты жеті сегіз тоғыз он " * 5, "kk")
    except OSError:
        pytest.skip("no audio output here")
    reader.stop()
    assert not reader.speaking
