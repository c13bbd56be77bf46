"""``pos-desktop sync status|push|configure`` through the real entry point."""

from __future__ import annotations

import json
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from pos_central.topology import Topology
from pos_desktop.app import Till
from pos_desktop.cli.main import main
from tests.support.keyring import MemoryKeyring
from tests.support.tcp_proxy import TcpProxy

from .helpers import sell


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "till"
    till = Till.open(folder, demo=True)
    sell(till, 4)
    till.close()
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.services
def test_push_drains_once_and_status_json_shows_the_same_as_the_status_bar(
    data_dir: Path, amqp_url: str, topology: Topology, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POS_AMQP_URL", amqp_url)
    monkeypatch.setenv("POS_SYNC_PREFIX", topology.prefix)

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "status", "--json")
    before = json.loads(out)
    assert code == 0
    assert before["state"] == "online"  # the broker answers and the exchange exists
    assert before["pending"] >= 4 and before["failed"] == 0
    assert before["oldest_unsent_age_s"] >= 0
    assert before["catalog_version"] == 0

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "push")
    assert code == 0
    assert out.startswith(f"{before['pending']} events confirmed")

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "status", "--json")
    after = json.loads(out)
    assert (after["state"], after["pending"], after["oldest_unsent_age_s"]) == ("online", 0, None)

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "push", "--json")
    assert json.loads(out) == {"confirmed": 0, "refused": 0, "remaining": 0, "error": None}


def test_status_and_push_with_the_broker_unreachable(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = TcpProxy()
    proxy.down()
    try:
        monkeypatch.setenv("POS_AMQP_URL", proxy.url())
        code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "status", "--json")
        status = json.loads(out)
        assert (code, status["state"]) == (0, "offline")
        # in the run's language (English here), and the innermost cause, not pika's wrapper
        assert status["last_error"] == "the network or the server cut the connection"

        code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "push", "--timeout", "1")
        assert code == 1
        assert out.startswith("0 events confirmed")
        assert f"{status['pending']} events still to send" in out
    finally:
        proxy.close()


def test_push_without_configuration_says_what_to_set(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POS_AMQP_URL", raising=False)
    code, _out, err = run(capsys, "--data-dir", str(data_dir), "sync", "push")
    assert code == 2
    assert "POS_AMQP_URL" in err


def test_configure_saves_addresses_and_puts_the_password_in_the_keyring(
    data_dir: Path, capsys: pytest.CaptureFixture[str], memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("POS_AMQP_URL", raising=False)
    code, _out, _err = run(
        capsys, "--data-dir", str(data_dir), "sync", "configure", "--store-id", "S042",
        "--terminal-id", "T07", "--amqp-url", "amqp://till-s042:pa%24s@broker.example/",
        "--central-url", "https://central.example/", "--user", "u-marta", "--pin", "9999",
    )
    assert code == 0
    till = Till.open(data_dir)
    try:
        with till.uow() as uow:
            stored = uow.settings.all()
        raw = json.dumps(stored)
    finally:
        till.close()
    assert stored["sync.amqp_url"] == "amqp://till-s042@broker.example/"
    assert stored["sync.central_url"] == "https://central.example"
    assert (stored["store.id"], stored["terminal.id"], stored["sync.enabled"]) == ("S042", "T07", True)
    assert "pa$s" not in raw and "pa%24s" not in raw  # invariant 9
    assert memory_keyring.store[("super-pos", "sync.amqp_password")] == "pa$s"


def test_configure_without_a_keyring_refuses_and_names_the_fallback(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code, _out, err = run(capsys, "--data-dir", str(data_dir), "sync", "configure",
                              "--amqp-url", "amqp://till:secret@broker.example/",
                              "--user", "u-marta", "--pin", "9999")
    finally:
        keyring.set_keyring(previous)
    assert code == 2
    assert "POS_AMQP_PASSWORD" in err
    assert "secret" not in err


def test_push_with_a_wrong_password_fails_fast_and_says_why(
    data_dir: Path, amqp_url: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POS_AMQP_URL", "amqp://guest@127.0.0.1:5672/%2F")
    monkeypatch.setenv("POS_AMQP_PASSWORD", "not-the-password")
    started = time.monotonic()
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "push", "--timeout", "30")
    assert code == 1
    assert time.monotonic() - started < 15
    assert "the server refused the user name or the password" in out
    assert "not-the-password" not in out


def test_push_without_keyring_or_password_variable_names_the_fallback(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POS_AMQP_URL", "amqp://till-s001@127.0.0.1:5672/%2F")
    monkeypatch.delenv("POS_AMQP_PASSWORD", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "push", "--timeout", "30")
    finally:
        keyring.set_keyring(previous)
    assert code == 1
    assert "POS_AMQP_PASSWORD" in out


@pytest.mark.services
def test_run_keeps_sending_what_another_process_sells_until_sigterm(
    data_dir: Path, amqp_url: str, topology: Topology, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys

    root = Path(__file__).parents[2]
    env = {**os.environ, "POS_AMQP_URL": amqp_url, "POS_SYNC_PREFIX": topology.prefix,
           "POS_LANG": "en", "PYTHONPATH": str(root)}
    log = (tmp_path / "run.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "pos_desktop", "--data-dir", str(data_dir), "sync", "run"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        def pending() -> int:
            till = Till.open(data_dir)
            try:
                return till.sync_status().pending
            finally:
                till.close()

        deadline = time.monotonic() + 30
        while pending() and time.monotonic() < deadline:  # the 4 sales of the fixture
            time.sleep(0.2)
        assert pending() == 0
        till = Till.open(data_dir, demo=True)  # the window, say, sells two more
        sell(till, 2)
        till.close()
        deadline = time.monotonic() + 30
        while pending() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pending() == 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    log.seek(0)
    output = log.read()
    assert "Sync running" in output and "events still to send: 0." in output


@pytest.mark.services
def test_a_broker_user_without_any_password_is_named_with_how_to_store_one(
    data_dir: Path, amqp_url: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A keyring that holds nothing for the user: not "wrong password" but "no password"."""
    monkeypatch.setenv("POS_AMQP_URL", "amqp://till-s009@127.0.0.1:5672/%2F")
    monkeypatch.delenv("POS_AMQP_PASSWORD", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "status")
        status_code, status_out = code, out
        code, out, _ = run(capsys, "--data-dir", str(data_dir), "sync", "push", "--timeout", "30")
    finally:
        keyring.set_keyring(previous)
    expected = "no password for the broker user till-s009: store it with pos-desktop sync configure"
    assert status_code == 1 and expected in status_out
    assert code == 1 and expected in out
