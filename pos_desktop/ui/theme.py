"""The till's look: big readable fonts, large touch targets, high contrast.

The style sheet lives in ``pos_desktop/resources/theme/till.qss`` so a shop can restyle
without code.
Widgets name themselves with ``objectName`` and a ``level`` property (``ok``, ``info``,
``warning``, ``error``) that the sheet colours.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from pos_common import FONTS_DIR
from pos_desktop.paths import ICONS_DIR, THEME_DIR

BASE_POINT_SIZE = 13
LEVELS = ("ok", "info", "warning", "error")


def style_sheet(path: Path | None = None) -> str:
    path = path or THEME_DIR / "till.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _load_fonts() -> str | None:
    """Ship DejaVu Sans so every till renders the same (and ñ, á, $ look right)."""
    family = None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf",
                 "DejaVuSansMono-Bold.ttf"):
        font = FONTS_DIR / name
        if font.exists():
            fid = QFontDatabase.addApplicationFont(str(font))
            families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            if not name.startswith("DejaVuSansMono"):
                family = family or (families[0] if families else None)
    return family


def apply_theme(app: QApplication, point_size: int = BASE_POINT_SIZE) -> None:
    family = _load_fonts()
    font = QFont(family) if family else app.font()
    font.setPointSize(point_size)
    app.setFont(font)
    app.setStyle("Fusion")  # same widgets on Windows and Linux; the sheet does the rest
    sheet = style_sheet()
    if point_size != BASE_POINT_SIZE:  # the manager's text size scales every size in the sheet
        sheet = re.sub(
            r"(\d+)pt",
            lambda m: f"{max(6, round(int(m.group(1)) * point_size / BASE_POINT_SIZE))}pt",
            sheet,
        )
    app.setStyleSheet(sheet)
    icon = ICONS_DIR / "app.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def set_level(widget: QWidget, level: str) -> None:
    """Recolour ``widget`` through the sheet's ``[level="..."]`` rules."""
    if widget.property("level") == level:
        return
    widget.setProperty("level", level)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
