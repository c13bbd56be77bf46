"""Where the till's own resources live inside the package (theme, icons, demo data)."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent / "resources"
THEME_DIR = RESOURCES / "theme"
ICONS_DIR = RESOURCES / "icons"
DEMO_CATALOG = RESOURCES / "demo" / "catalog.csv"
