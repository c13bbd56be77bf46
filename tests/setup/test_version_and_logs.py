"""``pos-desktop --version`` and the JSON log file with rotation in the data folder."""

from __future__ import annotations

import json
import logging
import logging.handlers
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_desktop import __version__
from pos_desktop.logs import setup_logging


def test_version_is_printed_without_a_window() -> None:
    result = subprocess.run([sys.executable, "-m", "pos_desktop", "--version"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"Super POS {__version__}"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_log_lines_are_json_in_a_rotating_file(tmp_path: Path, restore_logging: None) -> None:
    logs = tmp_path / "data" / "logs"
    setup_logging("pos-desktop", log_dir=logs, stderr=False,
                  static={"store_id": "S001", "terminal_id": "T02"})
    logging.getLogger("pos_desktop.test").info("sale completed", extra={"ticket": "0002-1"})
    file_handlers = [h for h in logging.getLogger().handlers
                     if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(file_handlers) == 1
    handler = file_handlers[0]
    assert handler.maxBytes > 0
    assert handler.backupCount > 0
    handler.flush()
    line = json.loads((logs / "pos-desktop.log").read_text(encoding="utf-8").splitlines()[-1])
    assert line["service"] == "pos-desktop"
    assert line["message"] == "sale completed"
    assert (line["store_id"], line["terminal_id"], line["ticket"]) == ("S001", "T02", "0002-1")
    assert line["level"] == "INFO"
    handler.doRollover()
    logging.getLogger("pos_desktop.test").warning("after rotation")
    handler.flush()
    assert (logs / "pos-desktop.log.1").exists()
    assert "after rotation" in (logs / "pos-desktop.log").read_text(encoding="utf-8")
