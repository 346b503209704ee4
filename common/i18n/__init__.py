"""One catalogue of user-facing strings in Kazakh, Russian and English, shared by screens and PDFs.

The catalogue is the union of the JSON files in ``catalogue/`` next to this file, one per area
(documents, room view, kiosk, ...), so that areas grow without touching each other's files::

    {"key": {"kk": "...", "ru": "...", "en": "..."}}

A key may appear in one file only.

Placeholders use ``str.format`` style (``{name}``); the same placeholders appear in all three
languages of a key (the tests check it). A text may contain ``\\n`` where a document breaks the line.
Kazakh follows the wording of the rules (order No. 204); Russian and English are parallel to it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")

_CATALOGUE_DIR = Path(__file__).with_name("catalogue")


@lru_cache(maxsize=1)
def _load() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = {}
    for path in sorted(_CATALOGUE_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            part = json.load(fh)
        twice = sorted(set(part) & set(data))
        if twice:
            raise ValueError(f"i18n keys defined twice (again in {path.name}): {', '.join(twice)}")
        data.update(part)
    for key, texts in data.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"i18n catalogue key {key!r} lacks text for {', '.join(missing)}")
    return data


def catalogue() -> dict[str, dict[str, str]]:
    """The whole catalogue (loaded once); a copy, so callers may not change the shared one."""
    return {key: dict(texts) for key, texts in _load().items()}


def t(key: str, lang: str, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in.

    Raises ``ValueError`` for a language other than kk/ru/en, ``KeyError`` for a key that is not in
    the catalogue or a placeholder left without a value.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    entry = _load().get(key)
    if entry is None:
        raise KeyError(f"unknown i18n key {key!r} (not in {_CATALOGUE_DIR.name}/)")
    text = entry[lang]
    try:
        return text.format(**params)
    except KeyError as exc:
        raise KeyError(f"i18n key {key!r} ({lang}) needs a value for placeholder {exc.args[0]!r}") from None
