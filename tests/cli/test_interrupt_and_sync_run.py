"""Ctrl+C ends the till whatever is on screen (the wizard, the login dialog, the window),
and ``sync run`` says why it cannot connect instead of waiting silently."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from pos_desktop.app import Till, open_till
from pos_desktop.services.setup import SetupAnswers, complete_setup
from pos_desktop.ui.launch import run_window
from pos_desktop.ui.login_dialog import LoginDialog
from pos_desktop.ui.wizard import SetupWizard

ROOT = Path(__file__).resolve().parents[2]


class MemorySecrets:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def set(self, key: str, value: str) -> None:
        self.values[key] = value

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def delete(self, key: str) -> None:
        self.values.pop(key, None)


def ctrl_c_once(shown: Callable[[QWidget], bool]) -> QTimer:
    """Press Ctrl+C (SIGINT to this process) as soon as a widget ``shown`` is visible."""
    timer = QTimer()
    timer.setInterval(20)

    def look() -> None:
        if any(w.isVisible() and shown(w) for w in QApplication.topLevelWidgets()):
            timer.stop()
            signal.raise_signal(signal.SIGINT)

    timer.timeout.connect(look)
    timer.start()
    return timer


@pytest.fixture
def leave_no_window(qapp: QApplication) -> Iterator[None]:
    handler = signal.getsignal(signal.SIGINT)
    yield
    assert signal.getsignal(signal.SIGINT) is handler  # Ctrl+C is Python's again
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()


def test_ctrl_c_ends_the_first_run_wizard(tmp_path: Path, leave_no_window: None) -> None:
    timer = ctrl_c_once(lambda w: isinstance(w, SetupWizard))
    assert run_window(tmp_path / "new-shop", open_till=open_till) == 130
    assert not timer.isActive()


def test_ctrl_c_ends_the_login_dialog(tmp_path: Path, leave_no_window: None) -> None:
    folder = tmp_path / "shop"
    till = Till.open(folder)
    complete_setup(till.uow, MemorySecrets(), SetupAnswers(
        settings={"store.name": "Kiosco", "store.cuit": "20-12345678-6",
                  "store.iva_condition": "Monotributo", "printer.connection": "virtual"},
        manager_name="María", manager_pin="4821", standalone=True))
    till.close()
    timer = ctrl_c_once(lambda w: isinstance(w, LoginDialog))  # it refuses Esc
    assert run_window(folder, open_till=open_till) == 130
    assert not timer.isActive()


def test_sync_run_says_why_it_cannot_connect(tmp_path: Path) -> None:
    port = 1  # tcpmux: nothing listens there (a freed ephemeral port may be taken again)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_")}
    env.update(PYTHONPATH=str(ROOT), POS_LANG="en",
               POS_AMQP_URL=f"amqp://guest:guest@127.0.0.1:{port}/%2F")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pos_desktop", "--data-dir", str(tmp_path), "--demo", "sync",
         "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    try:
        seen = []
        for line in proc.stderr:  # wait for the line, however long the machine takes
            seen.append(line)
            if "connection refused" in line:
                break
        assert seen and seen[-1].startswith("Sync offline: connection refused"), seen
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
