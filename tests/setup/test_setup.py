"""First run: the answers are validated together and stored at once, with the first manager."""

from __future__ import annotations

from typing import Any

import pytest

from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.domain.people import verify_pin
from pos_desktop.services.setup import (
    SetupAnswers,
    apply_demo_setup,
    build_test_page,
    complete_setup,
    demo_answers,
    first_manager,
    is_setup_done,
    user_id_for,
)
from pos_desktop.settings_schema import InvalidSettings, KeyringSecrets, load_settings


def shop_answers(**overrides: object) -> SetupAnswers:
    answers = SetupAnswers(
        settings={
            "store.name": "Kiosco La Esquina",
            "store.cuit": "20-12345678-6",
            "store.address": "San Martín 50",
            "store.iva_condition": "Monotributo",
            "terminal.id": "t02",
            "terminal.number": 2,
            "printer.connection": "network",
            "printer.host": "192.168.0.50",
            "sync.amqp_url": "amqp://kiosco@central.example.com/",
            "sync.amqp_password": "pw",
            "sync.central_url": "https://central.example.com/",
        },
        manager_name="María José",
        manager_pin="4821",
        standalone=False,
    )
    for key, value in overrides.items():
        setattr(answers, key, value)
    return answers


def test_completed_setup_is_stored_with_a_hashed_manager_pin(
    till: Till, memory_keyring: Any
) -> None:
    assert not is_setup_done(till.uow)
    complete_setup(till.uow, KeyringSecrets(), shop_answers())
    assert is_setup_done(till.uow)
    with till.uow() as uow:
        values = load_settings(uow.settings, KeyringSecrets())
        manager = first_manager(uow)
    assert values["terminal.id"] == "T02"
    assert values["sync.enabled"] is True
    assert values["sync.amqp_password"] == "pw"
    assert manager is not None
    assert manager["user_id"] == "u-maria-jose"
    assert manager["role"] == "manager"
    assert "4821" not in manager["pin_hash"]
    assert verify_pin("4821", manager["pin_hash"])
    assert not verify_pin("4822", manager["pin_hash"])


def test_standalone_drops_head_office_answers(till: Till, memory_keyring: Any) -> None:
    complete_setup(till.uow, KeyringSecrets(), shop_answers(standalone=True))
    with till.uow() as uow:
        values = load_settings(uow.settings, KeyringSecrets())
    assert values["sync.enabled"] is False
    assert values["sync.amqp_url"] == ""
    assert memory_keyring.store == {}


def test_bad_answers_store_nothing_and_name_every_field(till: Till) -> None:
    set_language("en")
    answers = shop_answers(manager_pin="1111", manager_name=" ")
    answers.settings["store.cuit"] = "20-12345678-0"
    answers.settings["sync.central_url"] = ""
    with pytest.raises(InvalidSettings) as caught:
        complete_setup(till.uow, KeyringSecrets(), answers)
    assert set(caught.value.problems) == {
        "store.cuit", "sync.central_url", "manager.name", "manager.pin"}
    assert not is_setup_done(till.uow)


@pytest.mark.parametrize("pin", ["12", "123456789", "12a4", "0000", "1234", "9876"])
def test_weak_or_malformed_pins_are_refused(till: Till, pin: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        complete_setup(till.uow, KeyringSecrets(), shop_answers(manager_pin=pin,
                                                                 standalone=True))
    assert set(caught.value.problems) == {"manager.pin"}


def test_demo_setup_is_applied_once(till: Till, memory_keyring: Any) -> None:
    assert demo_answers().standalone
    assert apply_demo_setup(till.uow, KeyringSecrets())
    assert not apply_demo_setup(till.uow, KeyringSecrets())
    with till.uow() as uow:
        values = load_settings(uow.settings)
        assert first_manager(uow) is None  # demo people come from the people service
    assert values["printer.connection"] == "virtual"
    assert values["sync.enabled"] is False


def test_user_ids_are_plain_ascii() -> None:
    assert user_id_for("Ñandú  Pérez") == "u-nandu-perez"
    assert user_id_for("***") == "u-manager"


def test_test_page_is_escpos_and_a_picture() -> None:
    page = build_test_page({"printer.profile": "POS-5890", "store.name": "Kiosco"})
    assert page.data.startswith(b"\x1b@")
    assert page.png.startswith(b"\x89PNG")
