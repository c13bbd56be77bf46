"""Where the till keeps its data and who it is (store, terminal)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "super-pos"


def default_data_dir() -> Path:
    """Per-OS data folder: ~/.local/share/super-pos, %LOCALAPPDATA%\\super-pos, …"""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(cli_value: str | None) -> Path:
    """``--data-dir`` wins, then ``POS_DATA_DIR``, then the per-OS default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get("POS_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


@dataclass(frozen=True, slots=True)
class Identity:
    """Who this till is. Ticket numbers print as ``0001-00001234`` (terminal number first)."""

    store_id: str = "S001"
    terminal_id: str = "T01"
    terminal_number: int = 1

    @property
    def ticket_prefix(self) -> str:
        return f"{self.terminal_number:04d}"

    def ticket(self, number: int) -> str:
        return f"{self.ticket_prefix}-{number:08d}"
