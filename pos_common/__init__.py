"""What the till and head office share that is not the wire: languages, money formatting,
fonts. It imports nothing of ours, so either side can be installed without the other."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
FONTS_DIR = HERE / "fonts"
"""DejaVu fonts embedded in receipts, reports and the till's theme (licence beside them)."""
LOCALE_DIR = HERE / "locale"
"""The translations: ``<locale>.po`` gettext catalogues (a build adds each ``.mo``)."""
