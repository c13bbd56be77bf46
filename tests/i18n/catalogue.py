"""What the i18n tests read: the strings pybabel extracts (by babel.cfg) and the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "pos_common" / "locale" / "es_AR.po"


@dataclass
class Source:
    """One extracted message: its msgid (a pair for ngettext) and where it appears."""

    msgid: str | tuple[str, str]
    places: list[str] = field(default_factory=list)


@cache
def extracted() -> dict[str | tuple[str, str], Source]:
    """What ``pybabel extract -F babel.cfg`` finds, with the same keywords."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, str], Source] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, Source(key)).places.append(f"{filename}:{lineno}")
    return found


@cache
def catalogue() -> Catalog:
    with PO.open("rb") as po:
        return read_po(po, locale="es_AR")


def spanish_of(msgid: str | tuple[str, str]) -> str | tuple[str, ...] | None:
    """The msgstr (a tuple of forms for a plural), None if missing, empty or fuzzy."""
    entry = catalogue().get(msgid[0] if isinstance(msgid, tuple) else msgid)
    if entry is None or entry.fuzzy:
        return None
    if isinstance(msgid, tuple) != isinstance(entry.id, tuple):
        return None  # a plural where a single string is looked up, or the other way round
    forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if not all(forms):
        return None
    return entry.string
