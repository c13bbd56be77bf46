"""Till sync settings (table + environment) and secrets (keyring, never in plain config)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from pos_desktop import secrets
from pos_desktop.cli.sync import split_password
from pos_desktop.sync.settings import connection_url, load_sync_settings, redact
from tests.support.keyring import MemoryKeyring

STORED = {
    "store.id": "S007",
    "terminal.id": "T03",
    "sync.amqp_url": "amqp://till-s007@broker.example:5672/%2F",
    "sync.central_url": "https://central.example/",
    "sync.enabled": True,
}


def test_settings_come_from_the_table() -> None:
    s = load_sync_settings(STORED, environ={})
    assert (s.store_id, s.terminal_id) == ("S007", "T03")
    assert s.amqp_url == "amqp://till-s007@broker.example:5672/%2F"
    assert s.central_url == "https://central.example"
    assert s.enabled
    assert s.events_exchange == "pos.events"
    assert s.catalog_queue == "till.S007.T03.catalog"


def test_environment_variables_override_the_table() -> None:
    env = {
        "POS_STORE_ID": "S900",
        "POS_TERMINAL_ID": "T09",
        "POS_AMQP_URL": "amqp://other@10.0.0.1/",
        "POS_CENTRAL_URL": "http://127.0.0.1:8000",
        "POS_SYNC_PREFIX": "staging.",
    }
    s = load_sync_settings({**STORED, "sync.enabled": False}, environ=env)
    assert (s.store_id, s.terminal_id) == ("S900", "T09")
    assert s.amqp_url == "amqp://other@10.0.0.1/"
    assert s.central_url == "http://127.0.0.1:8000"
    assert s.events_exchange == "staging.pos.events"
    assert s.catalog_queue == "staging.till.S900.T09.catalog"
    assert s.enabled  # a broker given in the environment means "sync on"


def test_sync_is_off_without_a_broker_or_when_disabled() -> None:
    assert not load_sync_settings({}, environ={}).enabled
    assert not load_sync_settings({**STORED, "sync.enabled": False}, environ={}).enabled


def test_the_keyring_password_is_merged_in_only_at_connect_time(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POS_AMQP_PASSWORD", raising=False)
    secrets.set_secret(secrets.AMQP_PASSWORD, "s3cr/et:x")
    assert memory_keyring.store[("super-pos", "sync.amqp_password")] == "s3cr/et:x"
    url = connection_url(STORED["sync.amqp_url"], lambda: secrets.get_secret(secrets.AMQP_PASSWORD))
    assert url == "amqp://till-s007:s3cr%2Fet%3Ax@broker.example:5672/%2F"
    assert redact(url) == "amqp://till-s007:***@broker.example:5672/%2F"
    # A URL without a user (the test broker's guest) or with its own password is kept.
    assert connection_url("amqp://127.0.0.1/", lambda: "x") == "amqp://127.0.0.1/"
    assert connection_url("amqp://u:p@h/", lambda: "x") == "amqp://u:p@h/"


def test_configure_keeps_the_password_out_of_the_saved_url() -> None:
    assert split_password("amqp://till:p%40ss@broker:5672/v") == ("amqp://till@broker:5672/v", "p@ss")
    assert split_password("amqp://till@broker/") == ("amqp://till@broker/", None)


def test_environment_fallback_wins_over_the_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets.set_secret(secrets.API_TOKEN, "from-keyring")
    assert secrets.get_secret(secrets.API_TOKEN) == "from-keyring"
    monkeypatch.setenv("POS_CENTRAL_TOKEN", "from-env")
    assert secrets.get_secret(secrets.API_TOKEN) == "from-env"


def test_no_keyring_gives_a_clear_error_naming_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pos_common.i18n import set_language

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("POS_AMQP_PASSWORD", raising=False)
    try:
        assert secrets.get_secret(secrets.AMQP_PASSWORD) is None  # optional: just absent
        with pytest.raises(secrets.NoKeyring) as caught:
            secrets.get_secret(secrets.AMQP_PASSWORD, required=True)
        set_language("es_AR")
        assert "POS_AMQP_PASSWORD" in str(caught.value)
        with pytest.raises(secrets.NoKeyring, match="POS_CENTRAL_TOKEN"):
            secrets.set_secret(secrets.API_TOKEN, "x")
        monkeypatch.setenv("POS_AMQP_PASSWORD", "fallback")
        assert secrets.get_secret(secrets.AMQP_PASSWORD, required=True) == "fallback"
    finally:
        keyring.set_keyring(previous)
        set_language("en")
