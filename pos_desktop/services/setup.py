"""First run: validate the wizard's answers and store them, with the first manager, at once.

The answers are setting values keyed as in ``settings_schema`` plus the first manager's
name and PIN. Everything is validated before anything is written; secrets go to the
secret store first (it is the step that can fail for reasons outside the till), then one
local transaction writes the settings, the manager and ``setup.done``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pos_common.i18n import N_, _
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.people import hash_pin
from pos_desktop.services.ports import UnitOfWork
from pos_desktop.settings_schema import (
    SECRET_KEYS,
    InvalidSetting,
    InvalidSettings,
    SecretStore,
    clean_settings,
    printer_settings,
    save_settings,
)

PIN_MIN, PIN_MAX = 4, 8
MANAGER_KEY = "users.first_manager"


class SetupError(PosError):
    message = N_("Setup could not be saved: {reason}")


@dataclass
class SetupAnswers:
    settings: dict[str, Any] = field(default_factory=dict)
    manager_name: str = ""
    manager_pin: str = ""
    standalone: bool = True


def demo_answers() -> SetupAnswers:
    """What ``--demo`` uses: a made-up store, standalone, printing on screen."""
    return SetupAnswers(
        settings={
            "store.name": "Almacén Don Pepe",
            "store.cuit": "30-71234567-1",
            "store.address": "Av. Corrientes 1234, CABA",
            "store.iva_condition": "Responsable Inscripto",
            "store.footer": ["¡Gracias por su compra!"],
            "terminal.id": "T01",
            "terminal.number": 1,
            "printer.connection": "virtual",
        },
        manager_name="Encargado Demo",
        manager_pin="1357",
        standalone=True,
    )


def check_pin(pin: str) -> str:
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise ValueError(N_("the PIN must have 4 to 8 digits"))
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValueError(N_("the PIN is too easy to guess (repeated or consecutive digits)"))
    return pin


def validate_answers(answers: SetupAnswers) -> dict[str, Any]:
    """Cleaned settings ready to store; raises InvalidSettings naming every bad field."""
    values = dict(answers.settings)
    values["sync.enabled"] = not answers.standalone
    if answers.standalone:
        for key in ("sync.amqp_url", "sync.central_url", *SECRET_KEYS):
            values.pop(key, None)
    problems: dict[str, InvalidSetting] = {}
    for key in ("store.name", "store.cuit"):
        if not str(values.get(key) or "").strip():
            problems[key] = InvalidSetting(label=_label(key), reason=_("is required"))
    if not answers.standalone:
        for key in ("sync.amqp_url", "sync.central_url"):
            if not str(values.get(key) or "").strip():
                problems[key] = InvalidSetting(label=_label(key), reason=_("is required"))
    if not answers.manager_name.strip():
        problems["manager.name"] = InvalidSetting(
            label=_("Manager's name"), reason=_("is required")
        )
    try:
        check_pin(answers.manager_pin)
    except ValueError as exc:
        problems["manager.pin"] = InvalidSetting(label=_("PIN"), reason=_(str(exc)))
    try:
        cleaned = clean_settings(values)
    except InvalidSettings as exc:
        problems = {**exc.problems, **problems}
        cleaned = {}
    if problems:
        raise InvalidSettings(problems)
    return cleaned


def _label(key: str) -> str:
    from pos_desktop.settings_schema import declared

    return _(declared(key).label)


def is_setup_done(uow_factory: Callable[[], UnitOfWork]) -> bool:
    with uow_factory() as uow:
        return bool(uow.settings.get("setup.done", False))


def complete_setup(
    uow_factory: Callable[[], UnitOfWork],
    secrets: SecretStore,
    answers: SetupAnswers,
    *,
    create_manager: bool = True,
) -> dict[str, Any]:
    """Validate and store the answers; returns the cleaned settings."""
    cleaned = validate_answers(answers)
    with uow_factory() as uow:
        save_settings(uow.settings, secrets, cleaned)  # secrets first: may raise NoKeyring
        if create_manager:
            create_first_manager(uow, answers.manager_name, answers.manager_pin)
        uow.settings.set("setup.done", True)
        uow.commit()
    return cleaned


def apply_demo_setup(uow_factory: Callable[[], UnitOfWork], secrets: SecretStore) -> bool:
    """``--demo``: store the demo answers unless the till is already set up. True if applied.

    No manager is created: the demo people (with their documented PINs) are seeded by the
    people service.
    """
    if is_setup_done(uow_factory):
        return False
    complete_setup(uow_factory, secrets, demo_answers(), create_manager=False)
    return True


# -- the first manager -----------------------------------------------------------------------
# Until the people/shift service lands, the first manager is kept as one settings record
# with a salted scrypt hash of the PIN (invariant 9: never the PIN itself), made by the one
# PIN hash the till and head office share (pos_common.pins, through domain.people).


def user_id_for(name: str) -> str:
    """``u-`` plus the name in plain lower-case ASCII: ``María José`` → ``u-maria-jose``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = "-".join("".join(c if c.isalnum() else " " for c in plain).split())
    return f"u-{slug or 'manager'}"


def create_first_manager(uow: UnitOfWork, name: str, pin: str) -> dict[str, Any]:
    record = {
        "user_id": user_id_for(name),
        "name": name.strip(),
        "role": "manager",
        "pin_hash": hash_pin(check_pin(pin)),
    }
    uow.settings.set(MANAGER_KEY, record)
    return record


def first_manager(uow: UnitOfWork) -> Mapping[str, Any] | None:
    record: Mapping[str, Any] | None = uow.settings.get(MANAGER_KEY)
    return record


# -- test print ------------------------------------------------------------------------------


class TestPrintFailed(PosError):
    __test__ = False  # not a pytest class
    message = N_("The test page did not print: {reason}")


@dataclass(frozen=True, slots=True)
class TestPrint:
    """What a test print produced: the ESC/POS bytes, and a PNG of the paper."""

    __test__ = False

    data: bytes
    png: bytes


def store_info(settings: Mapping[str, Any]) -> Any:
    """The receipt header the printers package prints, from the till's settings."""
    from pos_printers.model import StoreInfo

    return StoreInfo.from_dict({
        "name": settings.get("store.name") or "Super POS",
        "cuit": settings.get("store.cuit") or "",
        "address": settings.get("store.address") or "",
        "iva_condition": settings.get("store.iva_condition") or "",
        "header_lines": settings.get("store.header") or (),
        "footer_lines": settings.get("store.footer") or (),
        "terminal_number": settings.get("terminal.number") or 1,
        "logo_path": settings.get("store.logo") or None,
    })


def _printer(settings: Mapping[str, Any]) -> Any:
    from pos_printers.errors import PrinterSettingsError
    from pos_printers.settings import PrinterSettings

    try:
        return PrinterSettings.from_dict(printer_settings(settings))
    except PrinterSettingsError as exc:
        raise TestPrintFailed(reason="; ".join(exc.problems)) from exc


def build_test_page(settings: Mapping[str, Any]) -> TestPrint:
    """The printers package's test page for these settings, as bytes and as a picture."""
    from pos_printers.api import render_receipt

    printer, store = _printer(settings), store_info(settings)
    return TestPrint(
        render_receipt({}, store, printer, "escpos", kind="test"),
        render_receipt({}, store, printer, "png", kind="test"),
    )


def print_test_page(settings: Mapping[str, Any]) -> TestPrint:
    """Print the test page now (run off the GUI thread: a network timeout takes seconds).

    For the on-screen printer nothing is sent; the picture is the result.
    """
    from pos_printers.api import send_test_page
    from pos_printers.errors import PrintingError

    page = build_test_page(settings)
    printer = _printer(settings)
    if printer.connection == "virtual":
        return page
    try:
        send_test_page(store_info(settings), printer)
    except PrintingError as exc:  # Spanish text from the printers package, name of the fault
        raise TestPrintFailed(reason=str(exc)) from exc
    return page
