"""Read-aloud: the item's words spoken offline by espeak-ng (Kazakh, Russian and English voices),
for a student who has the accommodation (set on the roster) or asks for it by button or key.

No network and no cloud voice: espeak-ng runs on the kiosk (packaging/install-os-deps.sh). What
is spoken is built from the item as the screen shows it (`speech_text`): the passage when asked,
the prompt, then each option with its letter. No Qt here; the screen starts and stops a
`Reader`, and `synthesise` writes a WAV (the test measures it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

VOICES = {"kk": "kk", "ru": "ru", "en": "en-us"}
WORDS_PER_MINUTE = 140  # slower than espeak-ng's 175: for a ten-year-old
LETTERS = "ABCDEFGHIJ"
OPTION_WORD = {"kk": "Жауап", "ru": "Ответ", "en": "Answer"}


class ReadAloudUnavailable(RuntimeError):
    """espeak-ng is not installed on this PC (or has no voice for the language)."""


def program() -> str | None:
    return shutil.which("espeak-ng")


def available() -> bool:
    return program() is not None


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or value.get("alt") or "")
    return "" if value is None else str(value)


def speech_text(item: dict[str, Any], lang: str, passage: str | None = None) -> str:
    """What is read for an item: the passage (if given), the prompt, each option with its letter,
    the words of a matching's two sides and an ordering's steps."""
    parts: list[str] = []
    if passage:
        parts.append(passage.strip())
    parts.append(_text(item.get("prompt")).strip())
    word = OPTION_WORD.get(lang, "Answer")
    for i, option in enumerate(item.get("options") or []):
        parts.append(f"{word} {LETTERS[i % len(LETTERS)]}. {_text(option)}")
    for side in ("left", "right", "steps", "elements"):
        for entry in item.get(side) or []:
            parts.append(_text(entry))
    return "\n".join(p for p in parts if p)


def _command(lang: str, wav: Path | None = None) -> list[str]:
    exe = program()
    if exe is None:
        raise ReadAloudUnavailable("espeak-ng is not installed")
    voice = VOICES.get(lang)
    if voice is None:
        raise ReadAloudUnavailable(f"no voice for language {lang!r}")
    command = [exe, "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdin"]
    if wav is not None:
        command[1:1] = ["-w", str(wav)]
    return command


def synthesise(text: str, lang: str, wav: Path, timeout: float = 60.0) -> Path:
    """Speak `text` into a WAV file (mono, 22 050 Hz)."""
    result = subprocess.run(_command(lang, wav), input=text.encode("utf-8"), capture_output=True,
                            timeout=timeout, check=False)
    if result.returncode != 0 or not wav.exists():
        message = result.stderr.decode("utf-8", "replace").strip()
        raise ReadAloudUnavailable(f"espeak-ng failed: {message or result.returncode}")
    return wav


class Reader:
    """One voice at a time on the kiosk's speakers: `say` stops what was being read first."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None

    def say(self, text: str, lang: str) -> None:
        self.stop()
        self._process = subprocess.Popen(_command(lang), stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert self._process.stdin is not None
        self._process.stdin.write(text.encode("utf-8"))
        self._process.stdin.close()

    @property
    def speaking(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
