"""Settings: declared once, validated, stored in the table, secrets in the keyring only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from pos_common.i18n import N_, explain, set_language
from pos_desktop.app import Till
from pos_desktop.secrets import NoKeyring
from pos_desktop.settings_schema import (
    SETTINGS,
    InvalidSettings,
    KeyringSecrets,
    broker_url,
    keyring_available,
    load_settings,
    printer_settings,
    save_settings,
    secrets_fallback_hint,
)
from pos_desktop.store.tables import settings as settings_table


def test_every_setting_is_declared_once_with_a_default_of_its_kind() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    for s in SETTINGS:
        assert s.label
        assert s.section
        assert s.clean(s.default) == s.default or s.default in ("", [])
        if s.choices:
            assert s.default in [v for v, _label in s.choices]


def test_fresh_till_reads_every_default(till: Till) -> None:
    with till.uow() as uow:
        values = load_settings(uow.settings)
    assert values["terminal.id"] == "T01"
    assert values["printer.connection"] == "virtual"
    assert values["sync.enabled"] is False
    assert values["ui.print_receipts"] is True


def test_settings_round_trip_through_the_table_and_keyring(
    till: Till, memory_keyring: Any
) -> None:
    changes = {
        "store.name": "Kiosco La Esquina",
        "store.cuit": "20123456786",
        "store.footer": "Gracias\n\nVuelva pronto  \n",
        "terminal.number": "3",
        "ui.fullscreen": "true",
        "sync.enabled": True,
        "sync.amqp_url": "amqps://tienda7@broker.example.com:5671/pos",
        "sync.amqp_password": "s3cret!",
    }
    secrets = KeyringSecrets()
    with till.uow() as uow:
        save_settings(uow.settings, secrets, changes)
        uow.commit()
    with till.uow() as uow:
        values = load_settings(uow.settings, secrets)
        raw = dict(uow.conn.execute(select(settings_table)).all())
    assert values["store.cuit"] == "20-12345678-6"
    assert values["store.footer"] == ["Gracias", "Vuelva pronto"]
    assert values["terminal.number"] == 3
    assert values["ui.fullscreen"] is True
    assert values["sync.amqp_password"] == "s3cret!"
    assert memory_keyring.store[("super-pos", "sync.amqp_password")] == "s3cret!"
    # Invariant 9: the secret is nowhere in the database.
    assert "sync.amqp_password" not in raw
    assert not any("s3cret" in v for v in raw.values())
    assert broker_url(values) == "amqps://tienda7:s3cret%21@broker.example.com:5671/pos"


def test_an_empty_secret_keeps_the_stored_one(till: Till, memory_keyring: Any) -> None:
    secrets = KeyringSecrets()
    secrets.set("sync.api_token", "tok-1")
    with till.uow() as uow:
        save_settings(uow.settings, secrets, {"sync.api_token": ""})
        uow.commit()
    assert secrets.get("sync.api_token") == "tok-1"


def test_all_bad_fields_are_reported_together_and_nothing_is_written(till: Till) -> None:
    set_language("en")
    with till.uow() as uow, pytest.raises(InvalidSettings) as caught:
        save_settings(uow.settings, KeyringSecrets(), {
            "store.name": "Ok",
            "store.cuit": "30-71234567-2",
            "terminal.number": "abc",
            "printer.port": 70000,
            "sync.amqp_url": "amqp://user:pw@host/",
            "printer.connection": "fax",
        })
    problems = caught.value.problems
    assert set(problems) == {
        "store.cuit", "terminal.number", "printer.port", "sync.amqp_url", "printer.connection"}
    assert "check digit" in str(problems["store.cuit"])
    assert "at most 65535" in str(problems["printer.port"])
    assert "password" in str(problems["sync.amqp_url"])
    with till.uow() as uow:
        assert uow.settings.get("store.name") is None


def test_validation_messages_are_spanish_when_the_till_is(till: Till) -> None:
    set_language("es_AR")
    try:
        with till.uow() as uow, pytest.raises(InvalidSettings) as caught:
            save_settings(uow.settings, KeyringSecrets(), {"store.cuit": "30-71234567-2"})
        assert "CUIT" in explain(caught.value)
        assert "verificador" in explain(caught.value)
    finally:
        set_language("en")


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import keyring
    from keyring.backends import fail

    for env in ("POS_AMQP_PASSWORD", "POS_CENTRAL_TOKEN"):
        monkeypatch.delenv(env, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_saving_a_secret_names_the_fallback(
    till: Till, no_keyring: None
) -> None:
    set_language("en")
    assert not keyring_available()
    assert "POS_AMQP_PASSWORD" in secrets_fallback_hint()
    with till.uow() as uow, pytest.raises(NoKeyring, match="POS_AMQP_PASSWORD"):
        save_settings(uow.settings, KeyringSecrets(), {"sync.amqp_password": "x"})
    # ...while plain settings still save: a standalone till needs no keyring.
    with till.uow() as uow:
        save_settings(uow.settings, KeyringSecrets(), {"store.name": "Kiosco"})
        uow.commit()
        assert load_settings(uow.settings, KeyringSecrets())["sync.amqp_password"] == ""


def test_environment_fallback_is_read_without_a_keyring(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POS_CENTRAL_TOKEN", "tok-env")
    assert KeyringSecrets().get("sync.api_token") == "tok-env"


def test_printer_values_are_what_the_printer_package_reads(till: Till) -> None:
    from pos_printers.settings import PrinterSettings

    with till.uow() as uow:
        save_settings(uow.settings, KeyringSecrets(), {
            "printer.connection": "network", "printer.host": "10.0.0.9",
            "printer.profile": "POS-5890", "printer.drawer_pin": None})
        values = load_settings(uow.settings)
    printer = PrinterSettings.from_dict(printer_settings(values))
    assert (printer.connection, printer.host, printer.port) == ("network", "10.0.0.9", 9100)
    assert printer.profile == "POS-5890"
    assert printer.drawer_pin is None


def test_labels_are_marked_source_strings() -> None:
    # N_ returns its argument: labels are the English source used as catalogue keys.
    assert all(N_(s.label) == s.label for s in SETTINGS)


def test_every_kind_of_setting_has_its_coercion() -> None:
    from pos_desktop.settings_schema import _COERCERS, Kind

    assert set(_COERCERS) == set(Kind)


def test_the_broker_address_may_list_a_clusters_nodes() -> None:
    from pos_desktop.settings_schema import InvalidSettings, clean_settings

    nodes = "amqp://till-s001@mq1:5672/%2F, amqps://till-s001@mq2:5671/%2F"
    cleaned = clean_settings({"sync.amqp_url": nodes})
    assert cleaned["sync.amqp_url"] == "amqp://till-s001@mq1:5672/%2F,amqps://till-s001@mq2:5671/%2F"
    for bad in ("amqp://till-s001@mq1/,amqp://till-s001:pw@mq2/",  # a password in one node
                "amqp://till-s001@mq1/,http://mq2/"):  # a node that is no broker
        with pytest.raises(InvalidSettings):
            clean_settings({"sync.amqp_url": bad})
