"""Every setting of the till, declared once: key, kind, default, translatable label, section.

The first-run wizard and the settings dialog are built from this list, and the rest of the
till reads values through ``load_settings`` so a missing key always has its declared
default. Plain values live in the local ``settings`` table (JSON); secrets (broker
password, head-office token) live in the OS keyring (invariant 9) and never in the table
or the log.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from pos_common.i18n import N_, _
from pos_common.messages import Language
from pos_desktop import secrets
from pos_desktop.domain.barcode import DEFAULT_SCALE_PATTERN
from pos_desktop.domain.cuit import normalize_cuit
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.money import parse_money, parse_percent
from pos_desktop.domain.people import DEFAULT_IDLE_LOCK_MINUTES, DEFAULT_LOCKOUT_MINUTES
from pos_desktop.domain.permissions import DEFAULT_DISCOUNT_LIMIT_BP
from pos_desktop.domain.shift import DEFAULT_TOLERANCE


class Kind(enum.Enum):
    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    CHOICE = "choice"
    LINES = "lines"  # a list of short lines (receipt header/footer)
    MONEY = "money"  # integer centavos, typed as "1.234,50"
    PERCENT = "percent"  # integer basis points, typed as "15" or "12,5"


class InvalidSetting(PosError):
    message = N_("{label}: {reason}")


class InvalidSettings(PosError):
    """Several fields are wrong at once; ``problems`` maps each key to its message."""

    message = N_("Please correct: {fields}")

    def __init__(self, problems: Mapping[str, InvalidSetting]) -> None:
        self.problems = dict(problems)
        super().__init__()

    def values(self, language: Language) -> dict[str, object]:
        return {"fields": "; ".join(p.text(language) for p in self.problems.values())}


Validator = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    kind: Kind
    default: Any
    label: str  # English source, marked with N_; translate with _() when shown
    section: str
    secret: bool = False
    validate: Validator | None = None  # returns the normalised value or raises ValueError
    choices: tuple[tuple[Any, str], ...] = ()  # (stored value, N_ label)
    help: str = ""
    editable: bool = True  # False: bookkeeping the till writes itself (not in the dialog)
    minimum: int | None = None
    maximum: int | None = None
    placeholder: str = ""

    def clean(self, raw: Any) -> Any:
        """Coerce and validate one value; raises InvalidSetting naming the field."""
        try:
            value = _coerce(self, raw)
            if self.validate is not None and value not in ("", None):
                value = self.validate(value)
        except PosError as exc:
            # A domain error with a "reason" (InvalidCuit) already names the field: keep
            # only the reason, so the message does not say "CUIT: Invalid CUIT: ...".
            reason = exc.params.get("reason", exc.template)
            params = {k: v for k, v in exc.params.items() if k != "reason"}
            shown = PosError(reason, **params) if isinstance(reason, str) else reason
            raise InvalidSetting(label=self.label, reason=shown) from exc
        except (ValueError, TypeError) as exc:  # the validators' reasons are msgids (N_)
            raise InvalidSetting(label=self.label, reason=str(exc)) from exc
        return value


def _coerce(setting: Setting, raw: Any) -> Any:
    """``raw`` (typed in a form, read from the table or the command line) as the setting's
    kind wants it; None means the default unless None is one of the choices."""
    allowed = [value for value, _label in setting.choices]
    if raw is None and not (setting.kind is Kind.CHOICE and None in allowed):
        return setting.default
    return _COERCERS[setting.kind](setting, raw)


def _as_text(_setting: Setting, raw: Any) -> str:
    return str(raw).strip()


def _as_bool(_setting: Setting, raw: Any) -> bool:
    if isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "yes", "sí", "si", "on")
    return bool(raw)


def _as_int(setting: Setting, raw: Any) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValueError(N_("must be a whole number")) from None
    if setting.minimum is not None and value < setting.minimum:
        raise ValueError(_("must be at least {n}").format(n=setting.minimum))
    if setting.maximum is not None and value > setting.maximum:
        raise ValueError(_("must be at most {n}").format(n=setting.maximum))
    return value


def _as_choice(setting: Setting, raw: Any) -> Any:
    if raw not in [value for value, _label in setting.choices]:
        raise ValueError(N_("choose one of the options"))
    return raw


def _is_int(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def _as_money(_setting: Setting, raw: Any) -> int:
    value = raw if _is_int(raw) else parse_money(str(raw))
    if value < 0:
        raise ValueError(N_("must not be negative"))
    return int(value)


def _as_percent(_setting: Setting, raw: Any) -> int:
    return raw if _is_int(raw) else parse_percent(str(raw))


def _as_lines(_setting: Setting, raw: Any) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else [str(x) for x in raw]
    return [line.rstrip() for line in lines if line.strip()]


# One function per kind (a test holds every Kind to have one).
_COERCERS: dict[Kind, Callable[[Setting, Any], Any]] = {
    Kind.TEXT: _as_text, Kind.BOOL: _as_bool, Kind.INT: _as_int, Kind.CHOICE: _as_choice,
    Kind.MONEY: _as_money, Kind.PERCENT: _as_percent, Kind.LINES: _as_lines,
}


# -- validators: raise ValueError with an English source message (translated on display) ---


def _required(value: Any) -> Any:
    if not str(value).strip():
        raise ValueError(N_("is required"))
    return value


def _cuit(value: str) -> str:
    return normalize_cuit(value)


def _identifier(value: str) -> str:
    # Ids travel in every event envelope and in queue names: keep them plain.
    value = value.strip().upper()
    if not value or not all(c.isalnum() or c in "-_" for c in value) or len(value) > 16:
        raise ValueError(N_("use up to 16 letters, digits, - or _"))
    return value


def _url(*schemes: str) -> Validator:
    def check(value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError(
                _("must be an address like {example}").format(example=f"{schemes[0]}://host/")
            )
        return value

    return check


def _broker_url(value: str) -> str:
    """One broker address, or a cluster's nodes separated by commas."""
    urls = [_url("amqp", "amqps")(part) for part in value.split(",")]
    if any(urlsplit(url).password for url in urls):
        # The password goes to the keyring, never into the settings table.
        raise ValueError(N_("leave the password out of the address; type it in its own field"))
    return ",".join(urls)


def _iso_date(value: str) -> str:
    """``2019-03-01`` or ``01/03/2019`` (day first, as written in Argentina) → ISO."""
    from datetime import date, datetime

    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day > date.today():
            raise ValueError(N_("must not be in the future"))
        return day.isoformat()
    raise ValueError(N_("must be a date such as 01/03/2019"))


def _hex_id(value: str) -> str:
    text = value.strip().lower().removeprefix("0x")
    try:
        number = int(text, 16)
    except ValueError:
        raise ValueError(N_("must be a hexadecimal number such as 04b8")) from None
    if not 0 <= number <= 0xFFFF:
        raise ValueError(N_("must be a hexadecimal number such as 04b8"))
    return f"{number:04x}"


# -- the declarations ------------------------------------------------------------------------

STORE = N_("Store")
TERMINAL = N_("Terminal")
PRINTER = N_("Printer")
HEAD_OFFICE = N_("Head office")
FISCAL = N_("Fiscal (ARCA)")
TILL = N_("Till preferences")
SECURITY = N_("Security and shifts")
SECTIONS = (STORE, TERMINAL, PRINTER, HEAD_OFFICE, FISCAL, TILL, SECURITY)

FISCAL_MODES = (
    ("none", N_("No fiscal documents (training: not valid as an invoice)")),
    ("arca", N_("ARCA electronic comprobantes (CAE)")),
)

FISCAL_ENVIRONMENTS = (
    ("homologacion", N_("Homologación (ARCA's testing servers)")),
    ("produccion", N_("Producción (real comprobantes)")),
)

IVA_CONDITIONS = (
    # The stored value is the legal name printed on receipts, so it stays in Spanish.
    ("Responsable Inscripto", N_("Registered VAT taxpayer (Responsable Inscripto)")),
    ("Monotributo", N_("Simplified regime (Monotributo)")),
    ("Exento", N_("VAT exempt (Exento)")),
)

# Connection kinds and models as pos_printers.settings.PrinterSettings names them.
PRINTER_CONNECTIONS = (
    ("virtual", N_("On screen (no paper)")),
    ("network", N_("Network (Ethernet / Wi-Fi)")),
    ("usb", N_("USB")),
    ("serial", N_("Serial port")),
    ("windows", N_("Windows printer (raw spooler)")),
    ("cups", N_("CUPS queue (Linux)")),
    ("file", N_("Device file (e.g. /dev/usb/lp0)")),
)

PRINTER_MODELS = (
    ("TM-T20II", "Epson TM-T20II (80 mm)"),
    ("TM-T88V", "Epson TM-T88V (80 mm)"),
    ("POS-5890", N_("POS-5890 / 58 mm clone")),
    ("GENERIC-80", N_("Generic 80 mm (Epson compatible)")),
    ("GENERIC-58", N_("Generic 58 mm (Epson compatible)")),
)

CUT_MODES = (
    ("partial", N_("Partial cut")),
    ("full", N_("Full cut")),
    ("none", N_("No cutter")),
)

DRAWER_PINS = (
    (2, N_("Cash drawer on pin 2")),
    (5, N_("Cash drawer on pin 5")),
    (None, N_("No cash drawer")),
)

CASH_UNITS = (
    (100, N_("To the peso ($ 1)")),
    (1000, N_("To $ 10")),
    (10, N_("To 10 centavos")),
    (1, N_("No rounding (centavo coins)")),
)

LANGUAGES = (
    ("", N_("Same as the computer")),
    ("es_AR", "Español (Argentina)"),
    ("en", "English"),
)

SETTINGS: tuple[Setting, ...] = (
    # Store
    Setting("store.name", Kind.TEXT, "", N_("Store name"), STORE, validate=_required,
            placeholder=N_("e.g. Almacén Don Pepe")),
    Setting("store.cuit", Kind.TEXT, "", N_("CUIT"), STORE, validate=_cuit,
            placeholder="30-71234567-1", help=N_("11 digits; the last one is a check digit")),
    Setting("store.address", Kind.TEXT, "", N_("Address"), STORE,
            placeholder=N_("e.g. Av. Corrientes 1234, CABA")),
    Setting("store.iva_condition", Kind.CHOICE, "Responsable Inscripto", N_("IVA condition"),
            STORE, choices=IVA_CONDITIONS),
    Setting("store.legal_name", Kind.TEXT, "", N_("Legal name (razón social)"), STORE,
            placeholder=N_("e.g. Don Pepe S.R.L."),
            help=N_("Printed on comprobantes; the store name when empty")),
    Setting("store.iibb", Kind.TEXT, "", N_("Ingresos Brutos number"), STORE,
            placeholder="901-123456-7"),
    Setting("store.activities_start", Kind.TEXT, "", N_("Start of activities"), STORE,
            validate=_iso_date, placeholder="01/03/2019"),
    Setting("store.id", Kind.TEXT, "S001", N_("Store id"), STORE, validate=_identifier,
            help=N_("The code head office uses for this store")),
    Setting("store.header", Kind.LINES, [], N_("Receipt header lines"), STORE),
    Setting("store.footer", Kind.LINES, [], N_("Receipt footer lines"), STORE),
    # Terminal
    Setting("terminal.id", Kind.TEXT, "T01", N_("Terminal id"), TERMINAL,
            validate=_identifier, help=N_("Unique within the store, e.g. T01")),
    Setting("terminal.number", Kind.INT, 1, N_("Terminal number (point of sale)"), TERMINAL,
            minimum=1, maximum=9999, help=N_("First part of the ticket number: 0001-00001234")),
    Setting("scale.pattern", Kind.TEXT, DEFAULT_SCALE_PATTERN, N_("Scale label pattern"),
            TERMINAL, help=N_("How weighed-goods labels encode the PLU and price or weight")),
    # Printer (keys are "printer." + the PrinterSettings field name)
    Setting("printer.connection", Kind.CHOICE, "virtual", N_("Printer connection"), PRINTER,
            choices=PRINTER_CONNECTIONS),
    Setting("printer.profile", Kind.CHOICE, "TM-T20II", N_("Printer model"), PRINTER,
            choices=PRINTER_MODELS),
    Setting("printer.host", Kind.TEXT, "", N_("Printer address (IP)"), PRINTER,
            placeholder="192.168.0.50"),
    Setting("printer.port", Kind.INT, 9100, N_("Printer TCP port"), PRINTER,
            minimum=1, maximum=65535),
    Setting("printer.usb_vendor", Kind.TEXT, "04b8", N_("USB vendor id"), PRINTER,
            validate=_hex_id),
    Setting("printer.usb_product", Kind.TEXT, "0e15", N_("USB product id"), PRINTER,
            validate=_hex_id),
    Setting("printer.serial_device", Kind.TEXT, "", N_("Serial port"), PRINTER,
            placeholder="/dev/ttyUSB0 · COM3"),
    Setting("printer.printer_name", Kind.TEXT, "", N_("Printer name (Windows or CUPS)"),
            PRINTER, help=N_("As the system lists it; receipts go to it as raw bytes")),
    Setting("printer.path", Kind.TEXT, "", N_("Device file"), PRINTER,
            placeholder="/dev/usb/lp0"),
    Setting("printer.cut", Kind.CHOICE, "partial", N_("Paper cut"), PRINTER, choices=CUT_MODES),
    Setting("printer.drawer_pin", Kind.CHOICE, 2, N_("Cash drawer"), PRINTER,
            choices=DRAWER_PINS),
    # Head office
    Setting("sync.enabled", Kind.BOOL, False, N_("Send sales to head office"), HEAD_OFFICE,
            help=N_("Off: the till runs standalone and keeps everything locally")),
    Setting("sync.amqp_url", Kind.TEXT, "", N_("Broker address"), HEAD_OFFICE,
            validate=_broker_url, placeholder="amqp://usuario@central.example.com/"),
    Setting("sync.amqp_password", Kind.TEXT, "", N_("Broker password"), HEAD_OFFICE,
            secret=True),
    Setting("sync.central_url", Kind.TEXT, "", N_("Head office web address"), HEAD_OFFICE,
            validate=_url("https", "http"), placeholder="https://central.example.com/"),
    Setting("sync.api_token", Kind.TEXT, "", N_("Head office access token"), HEAD_OFFICE,
            secret=True),
    # Fiscal (ARCA): the certificate and key are set with ``pos-desktop fiscal configure``
    Setting("fiscal.mode", Kind.CHOICE, "none", N_("Fiscal documents"), FISCAL,
            choices=FISCAL_MODES),
    Setting("fiscal.environment", Kind.CHOICE, "homologacion", N_("ARCA environment"), FISCAL,
            choices=FISCAL_ENVIRONMENTS),
    Setting("fiscal.point_of_sale", Kind.INT, 1, N_("Point of sale for CAE"), FISCAL,
            minimum=1, maximum=99998,
            help=N_("As registered at ARCA for web services (CAE); one per till")),
    Setting("fiscal.caea_point_of_sale", Kind.INT, 0, N_("Point of sale for CAEA"), FISCAL,
            minimum=0, maximum=99998,
            help=N_("For selling offline with CAEA; 0 = none yet")),
    Setting("fiscal.caea_missing", Kind.CHOICE, "pending",
            N_("Offline with no valid CAEA"), FISCAL,
            choices=(("pending", N_("sell; the comprobante waits for ARCA")),
                     ("refuse", N_("refuse the sale"))),
            help=N_("What a sale does while ARCA does not answer and the till has no CAEA "
                    "for the day")),
    Setting("fiscal.identification_threshold", Kind.MONEY, 1_000_000_000,
            N_("Identify the buyer from (RG 5700)"), FISCAL,
            help=N_("From this total the buyer's DNI, CUIT or CUIL is required")),
    Setting("fiscal.timeout_seconds", Kind.INT, 4, N_("Seconds to wait for ARCA"), FISCAL,
            minimum=1, maximum=30),
    Setting("fiscal.wsaa_url", Kind.TEXT, "", N_("WSAA address (login)"), FISCAL,
            validate=_url("https", "http"), help=N_("Empty: ARCA's for the environment")),
    Setting("fiscal.wsfe_url", Kind.TEXT, "", N_("WSFEv1 address (comprobantes)"), FISCAL,
            validate=_url("https", "http"), help=N_("Empty: ARCA's for the environment")),
    Setting("fiscal.certificate", Kind.TEXT, "", N_("ARCA certificate"), FISCAL,
            editable=False),  # PEM text, stored by pos-desktop fiscal configure
    Setting("fiscal.key_file", Kind.TEXT, "", N_("Private key file"), FISCAL, editable=False,
            help=N_("Empty: the key is in the system's password store (keyring)")),
    # Till preferences
    Setting("ui.language", Kind.CHOICE, "", N_("Language"), TILL, choices=LANGUAGES),
    Setting("ui.print_receipts", Kind.BOOL, True, N_("Print a receipt for every sale"), TILL),
    Setting("cash.rounding_unit", Kind.CHOICE, 100, N_("Cash rounding"), TILL,
            choices=CASH_UNITS,
            help=N_("What is paid in cash is rounded down to this, in the customer's favour; "
                    "cards pay to the centavo")),
    Setting("ui.fullscreen", Kind.BOOL, False, N_("Open the till full screen"), TILL),
    Setting("ui.font_size", Kind.INT, 13, N_("Text size (points)"), TILL,
            minimum=8, maximum=32),
    Setting("ui.confirm_cancel", Kind.BOOL, True, N_("Ask before cancelling a sale"), TILL),
    Setting("ui.favourites", Kind.LINES, [], N_("Favourite products (SKUs)"), TILL,
            editable=False),  # marked in the product editor; the first product keys
    # Security and shifts (read by the people, guard and shift services)
    Setting("security.idle_lock_minutes", Kind.INT, DEFAULT_IDLE_LOCK_MINUTES,
            N_("Lock the till after this many idle minutes"), SECURITY, minimum=0, maximum=240,
            help=N_("0 = never lock by itself")),
    Setting("security.lockout_minutes", Kind.INT, DEFAULT_LOCKOUT_MINUTES,
            N_("Minutes a user is locked out after wrong PINs"), SECURITY,
            minimum=1, maximum=240),
    Setting("security.discount_limit_bp", Kind.PERCENT, DEFAULT_DISCOUNT_LIMIT_BP,
            N_("Largest discount a cashier may give alone (%)"), SECURITY,
            help=N_("Above it a supervisor or manager must approve")),
    Setting("shift.over_short_tolerance", Kind.MONEY, DEFAULT_TOLERANCE,
            N_("Cash over/short accepted without a reason"), SECURITY,
            help=N_("At the Z close a larger difference needs an explanation")),
    # Bookkeeping written by the till itself
    Setting("setup.done", Kind.BOOL, False, N_("First-run setup finished"), TILL,
            editable=False),
    Setting("sync.prefix", Kind.TEXT, "", N_("Name prefix of exchanges and queues"),
            HEAD_OFFICE, editable=False),  # tests and staging brokers only
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}
SECRET_KEYS = frozenset(s.key for s in SETTINGS if s.secret)


def declared(key: str) -> Setting:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"setting {key!r} is not declared in pos_desktop.settings_schema") from None


def in_section(section: str, *, editable_only: bool = True) -> list[Setting]:
    return [s for s in SETTINGS if s.section == section and (s.editable or not editable_only)]


# -- secrets ---------------------------------------------------------------------------------


class SecretStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...
    def delete(self, key: str) -> None: ...


class KeyringSecrets:
    """The OS keyring through ``pos_desktop.secrets`` (with its environment fallback).

    Storing raises ``NoKeyring`` naming the environment variable to use instead when the
    machine has no keyring backend, so the wizard and dialog can say exactly that.
    """

    def get(self, key: str) -> str | None:
        return secrets.get_secret(key)

    def set(self, key: str, value: str) -> None:
        secrets.set_secret(key, value)

    def delete(self, key: str) -> None:
        secrets.delete_secret(key)


def keyring_available() -> bool:
    return secrets.keyring_available()


def secrets_fallback_hint() -> str:
    """What to tell the manager when there is no keyring (shown on the head-office page)."""
    names = ", ".join(secrets.env_name(key) for key in sorted(SECRET_KEYS))
    return _(
        "This computer has no password store (keyring). The till can run standalone; to "
        "connect to head office, install GNOME Keyring or KWallet, or set {names} for the "
        "till's user (see the installation guide)."
    ).format(names=names)


# -- load / save -----------------------------------------------------------------------------


class SettingsRepo(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any) -> None: ...


def load_settings(repo: SettingsRepo, secrets: SecretStore | None = None) -> dict[str, Any]:
    """Every declared setting with its stored value or its default (secrets if a store is given)."""
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.secret:
            values[s.key] = (secrets.get(s.key) if secrets is not None else None) or ""
        else:
            values[s.key] = repo.get(s.key, s.default)
    return values


def clean_settings(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate every changed value; raises InvalidSettings naming all bad fields at once."""
    cleaned: dict[str, Any] = {}
    problems: dict[str, InvalidSetting] = {}
    for key, raw in changes.items():
        try:
            cleaned[key] = declared(key).clean(raw)
        except InvalidSetting as exc:
            problems[key] = exc
    if problems:
        raise InvalidSettings(problems)
    return cleaned


def save_settings(
    repo: SettingsRepo, secrets: SecretStore, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """Validate then store ``changes``; secrets go to the secret store, never the table.

    An empty secret means "keep the stored one" (the dialog never shows stored secrets).
    The caller commits the unit of work that owns ``repo``.
    """
    cleaned = clean_settings(changes)
    if any(key.startswith("printer.") for key in cleaned):
        current = {s.key: repo.get(s.key, s.default) for s in SETTINGS
                   if s.key.startswith("printer.")}
        check_printer({**current, **cleaned})
    for key, value in cleaned.items():
        if key in SECRET_KEYS:
            if value:
                secrets.set(key, value)
        else:
            repo.set(key, value)
    return cleaned


def check_printer(values: Mapping[str, Any]) -> None:
    """The printer fields must work together (a network printer needs its address...).

    The printers package knows which combinations work; its messages are shown as they are.
    """
    from pos_printers.errors import PrinterSettingsError
    from pos_printers.settings import PrinterSettings

    try:
        PrinterSettings.from_dict(printer_settings(values))
    except PrinterSettingsError as exc:
        problem = InvalidSetting(label=_(declared("printer.connection").label),
                                 reason="; ".join(exc.problems))
        raise InvalidSettings({"printer.connection": problem}) from exc


def broker_url(values: Mapping[str, Any]) -> str:
    """The broker URL with the keyring's password put back in (for the sync publisher)."""
    url = str(values.get("sync.amqp_url") or "")
    password = str(values.get("sync.amqp_password") or "")
    if not url or not password:
        return url
    from urllib.parse import quote

    parts = urlsplit(url)
    user = parts.username or "guest"
    host = parts.hostname or ""
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def printer_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``printer.*`` values as the dict ``PrinterSettings.from_dict`` reads."""
    return {
        s.key.removeprefix("printer."): values.get(s.key, s.default)
        for s in SETTINGS
        if s.key.startswith("printer.")
    }


def labels(items: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Choices with their labels translated into the current language."""
    return [(value, _(label)) for value, label in items]
