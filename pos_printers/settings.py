"""Printer settings as the manager edits them: typed, validated, with Spanish messages.

Stored by the till as one JSON object (``PrinterSettings.to_dict``); ``from_dict`` checks
every field and reports all problems at once, each naming the field as the settings page
labels it, so a bad setting gets a message the manager can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

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
        problems.append(f"{label}: «{raw}» no es un número hexadecimal (ej. 04b8)")
        return None
    if not 0 < value <= 0xFFFF:
        problems.append(f"{label}: debe estar entre 0001 y ffff")
        return None
    return value


def _int(raw: Any, label: str, default: int, low: int, high: int,
         problems: list[str]) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        problems.append(f"{label}: «{raw}» no es un número")
        return default
    if not low <= value <= high:
        problems.append(f"{label}: debe estar entre {low} y {high}")
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
            problems.append(f"Conexión: «{connection}» no es válida; opciones: "
                            + ", ".join(CONNECTION_KINDS))
            connection = "virtual"
        profile_name = str(raw.get("profile", DEFAULT_PROFILE))
        profile: Profile | None = None
        try:
            profile = get_profile(profile_name)
            profile_name = profile.name
        except PrinterSettingsError as exc:
            problems += [f"Modelo: {p}" for p in exc.problems]
        code_page = str(raw.get("code_page", DEFAULT_CODE_PAGE))
        try:
            code_page = normalize_code_page(code_page)
        except PrinterSettingsError as exc:
            problems += [f"Página de códigos: {p}" for p in exc.problems]
        number_raw = raw.get("code_page_number")
        number = None if number_raw in (None, "") else _int(
            number_raw, "Número de página de códigos (ESC t)", 0, 0, 255, problems)

        settings = cls(
            connection=cast(ConnectionKind, connection),
            usb_vendor=_usb_id(raw.get("usb_vendor"), "USB, fabricante (vendor id)", problems),
            usb_product=_usb_id(raw.get("usb_product"), "USB, producto (product id)", problems),
            host=str(raw.get("host", "")).strip(),
            port=_int(raw.get("port"), "Puerto", 9100, 1, 65535, problems),
            serial_device=str(raw.get("serial_device", "")).strip(),
            baudrate=_int(raw.get("baudrate"), "Velocidad (baudios)", 9600, 1200, 921600,
                          problems),
            printer_name=str(raw.get("printer_name", "")).strip(),
            path=str(raw.get("path", "")).strip(),
            profile=profile_name,
            code_page=code_page,
            code_page_number=number,
            columns=None if raw.get("columns") in (None, "") else _int(
                raw.get("columns"), "Columnas", 48, 1, 255, problems),
            paper_mm=None if raw.get("paper_mm") in (None, "") else _int(
                raw.get("paper_mm"), "Ancho de papel (mm)", 80, 1, 255, problems),
            cut=cast(CutMode, str(raw.get("cut", "partial"))),
            # absent = the usual pin 2; explicitly empty = no cash drawer
            drawer_pin=2 if "drawer_pin" not in raw else None
            if raw["drawer_pin"] in (None, "", 0) else _int(
                raw["drawer_pin"], "Pin del cajón", 2, 2, 5, problems),
            code=cast(CodeKind, str(raw.get("code", "barcode"))),
            timeout_s=float(_int(raw.get("timeout_s"), "Tiempo de espera (s)", 5, 1, 120,
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
                    "USB: indique fabricante y producto (ej. 04b8:0e15)"),
            "network": (self.host, "Red: indique la dirección IP o el nombre de la impresora"),
            "serial": (self.serial_device, "Puerto serie: indique el puerto (ej. COM3 o "
                                           "/dev/ttyUSB0)"),
            "windows": (self.printer_name, "Windows: indique el nombre de la impresora"),
            "cups": (self.printer_name, "CUPS: indique el nombre de la cola"),
            "file": (self.path, "Dispositivo: indique la ruta (ej. /dev/usb/lp0)"),
        }
        if self.connection in required and not required[self.connection][0]:
            problems.append(required[self.connection][1])
        if self.cut not in CUT_MODES:
            problems.append(f"Corte: «{self.cut}» no es válido; opciones: parcial, total o "
                            "sin corte")
        if self.code not in CODE_KINDS:
            problems.append(f"Código del ticket: «{self.code}» no es válido; opciones: "
                            "barcode, qr o none")
        if self.drawer_pin not in (None, 2, 5):
            problems.append("Pin del cajón: debe ser 2 o 5")
        if profile is not None:
            if self.columns is not None and self.columns not in profile.column_choices():
                choices = ", ".join(str(c) for c in profile.column_choices())
                problems.append(f"Columnas: la {profile.name} admite {choices}")
            if self.paper_mm is not None and self.paper_mm != profile.paper_mm:
                problems.append(f"Ancho de papel: la {profile.name} usa papel de "
                                f"{profile.paper_mm} mm, no de {self.paper_mm} mm")
        return problems
