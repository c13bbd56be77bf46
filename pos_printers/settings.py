"""Printer settings as the manager edits them: typed, validated, with messages in the
run's language.

Stored by the till as one JSON object (``PrinterSettings.to_dict``); ``from_dict`` checks
every field and reports all problems at once, each naming the field as the settings page
labels it, so a bad setting gets a message the manager can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

from pos_common.i18n import N_, _
from pos_printers.encoding import DEFAULT_CODE_PAGE, normalize_code_page
from pos_printers.errors import PrinterSettingsError
from pos_printers.escpos_render import CutMode, EscposOptions
from pos_printers.layout import CodeKind
from pos_printers.profiles import DEFAULT_PROFILE, Profile, get_profile

ConnectionKind = Literal["virtual", "usb", "network", "serial", "windows", "cups", "file"]
CONNECTION_KINDS: dict[str, str] = {
    "virtual": "Impresora virtual (vista en pantalla)",
    "usb": "USB",
    "network": "Red (TCP/IP)",
    "serial": "Puerto serie",
    "windows": "Impresora de Windows",
    "cups": "Cola CUPS",
    "file": "Dispositivo o archivo",
}
CUT_MODES = ("partial", "full", "none")
CODE_KINDS = ("barcode", "qr", "none")


def _usb_id(raw: Any, label: str, problems: list[str]) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = raw if isinstance(raw, int) else int(str(raw).strip(), 16)
    except ValueError:
        problems.append(_("{field}: '{value}' is not a hexadecimal number (e.g. 04b8)").format(
            field=_(label), value=raw))
        return None
    if not 0 < value <= 0xFFFF:
        problems.append(_("{field}: must be between 0001 and ffff").format(field=_(label)))
        return None
    return value


def _int(raw: Any, label: str, default: int, low: int, high: int,
         problems: list[str]) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        problems.append(_("{field}: '{value}' is not a number").format(field=_(label), value=raw))
        return default
    if not low <= value <= high:
        problems.append(_("{field}: must be between {low} and {high}").format(
            field=_(label), low=low, high=high))
        return default
    return value


@dataclass(frozen=True, slots=True)
class PrinterSettings:
    connection: ConnectionKind = "virtual"
    usb_vendor: int | None = None
    usb_product: int | None = None
    host: str = ""
    port: int = 9100
    serial_device: str = ""
    baudrate: int = 9600
    printer_name: str = ""
    path: str = ""
    profile: str = DEFAULT_PROFILE
    code_page: str = DEFAULT_CODE_PAGE
    #: override of the ``ESC t`` number, for clones whose tables differ from Epson's
    code_page_number: int | None = None
    #: 32, 42 or 48; None = the profile's font A width
    columns: int | None = None
    paper_mm: int | None = None
    cut: CutMode = "partial"
    #: 2 or 5; None = no cash drawer
    drawer_pin: int | None = 2
    code: CodeKind = "barcode"
    timeout_s: float = 5.0
    #: ask the printer for paper status (DLE EOT) before each job, where it can answer
    check_paper: bool = True

    @property
    def printer_profile(self) -> Profile:
        return get_profile(self.profile)

    @property
    def effective_columns(self) -> int:
        return self.columns or self.printer_profile.default_columns

    def escpos_options(self) -> EscposOptions:
        return EscposOptions(self.printer_profile, code_page=self.code_page,
                             code_page_number=self.code_page_number, cut=self.cut,
                             drawer_pin=self.drawer_pin)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("usb_vendor", "usb_product"):
            if out[key] is not None:
                out[key] = f"{out[key]:04x}"
        return out

    def describe(self) -> str:
        """One line for the status bar: ``TM-T20II por red 192.168.0.50:9100``."""
        where = {
            "virtual": "en pantalla",
            "usb": f"por USB {self.usb_vendor or 0:04x}:{self.usb_product or 0:04x}",
            "network": f"por red {self.host}:{self.port}",
            "serial": f"por puerto serie {self.serial_device}",
            "windows": f"en Windows «{self.printer_name}»",
            "cups": f"en CUPS «{self.printer_name}»",
            "file": f"en {self.path}",
        }[self.connection]
        return f"{self.profile} {where}"

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PrinterSettings:
        """Validate a settings object; raises ``PrinterSettingsError`` listing every problem."""
        problems: list[str] = []
        connection = str(raw.get("connection", "virtual"))
        if connection not in CONNECTION_KINDS:
            problems.append(_("Connection: '{value}' is not valid; choices: {choices}").format(
                value=connection, choices=", ".join(CONNECTION_KINDS)))
            connection = "virtual"
        profile_name = str(raw.get("profile", DEFAULT_PROFILE))
        profile: Profile | None = None
        try:
            profile = get_profile(profile_name)
            profile_name = profile.name
        except PrinterSettingsError as exc:
            problems += [_("Model: {problem}").format(problem=p) for p in exc.problems]
        code_page = str(raw.get("code_page", DEFAULT_CODE_PAGE))
        try:
            code_page = normalize_code_page(code_page)
        except PrinterSettingsError as exc:
            problems += [_("Code page: {problem}").format(problem=p) for p in exc.problems]
        number_raw = raw.get("code_page_number")
        number = None if number_raw in (None, "") else _int(
            number_raw, N_("Code page number (ESC t)"), 0, 0, 255, problems)

        settings = cls(
            connection=cast(ConnectionKind, connection),
            usb_vendor=_usb_id(raw.get("usb_vendor"), N_("USB, vendor id"), problems),
            usb_product=_usb_id(raw.get("usb_product"), N_("USB, product id"), problems),
            host=str(raw.get("host", "")).strip(),
            port=_int(raw.get("port"), N_("Port"), 9100, 1, 65535, problems),
            serial_device=str(raw.get("serial_device", "")).strip(),
            baudrate=_int(raw.get("baudrate"), N_("Speed (baud)"), 9600, 1200, 921600,
                          problems),
            printer_name=str(raw.get("printer_name", "")).strip(),
            path=str(raw.get("path", "")).strip(),
            profile=profile_name,
            code_page=code_page,
            code_page_number=number,
            columns=None if raw.get("columns") in (None, "") else _int(
                raw.get("columns"), N_("Columns"), 48, 1, 255, problems),
            paper_mm=None if raw.get("paper_mm") in (None, "") else _int(
                raw.get("paper_mm"), N_("Paper width (mm)"), 80, 1, 255, problems),
            cut=cast(CutMode, str(raw.get("cut", "partial"))),
            # absent = the usual pin 2; explicitly empty = no cash drawer
            drawer_pin=2 if "drawer_pin" not in raw else None
            if raw["drawer_pin"] in (None, "", 0) else _int(
                raw["drawer_pin"], N_("Cash drawer pin"), 2, 2, 5, problems),
            code=cast(CodeKind, str(raw.get("code", "barcode"))),
            timeout_s=float(_int(raw.get("timeout_s"), N_("Timeout (s)"), 5, 1, 120,
                                 problems)),
            check_paper=bool(raw.get("check_paper", True)),
        )
        problems += settings._cross_checks(profile)
        if problems:
            raise PrinterSettingsError(problems)
        return settings

    def _cross_checks(self, profile: Profile | None) -> list[str]:
        problems: list[str] = []
        required = {
            "usb": (self.usb_vendor and self.usb_product,
                    N_("USB: give the vendor and product (e.g. 04b8:0e15)")),
            "network": (self.host, N_("Network: give the printer's IP address or name")),
            "serial": (self.serial_device,
                       N_("Serial port: give the port (e.g. COM3 or /dev/ttyUSB0)")),
            "windows": (self.printer_name, N_("Windows: give the printer's name")),
            "cups": (self.printer_name, N_("CUPS: give the queue's name")),
            "file": (self.path, N_("Device: give the path (e.g. /dev/usb/lp0)")),
        }
        if self.connection in required and not required[self.connection][0]:
            problems.append(_(required[self.connection][1]))
        if self.cut not in CUT_MODES:
            problems.append(_("Cut: '{value}' is not valid; choices: partial, full or no "
                              "cut").format(value=self.cut))
        if self.code not in CODE_KINDS:
            problems.append(_("Receipt code: '{value}' is not valid; choices: barcode, qr "
                              "or none").format(value=self.code))
        if self.drawer_pin not in (None, 2, 5):
            problems.append(_("Cash drawer pin: must be 2 or 5"))
        if profile is not None:
            if self.columns is not None and self.columns not in profile.column_choices():
                choices = ", ".join(str(c) for c in profile.column_choices())
                problems.append(_("Columns: the {model} takes {choices}").format(
                    model=profile.name, choices=choices))
            if self.paper_mm is not None and self.paper_mm != profile.paper_mm:
                problems.append(_("Paper width: the {model} uses {paper} mm paper, not "
                                  "{wanted} mm").format(model=profile.name,
                                                        paper=profile.paper_mm,
                                                        wanted=self.paper_mm))
        return problems
