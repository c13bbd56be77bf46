"""Translations and locale formatting, without Qt.

Source strings are English, marked with ``_()``. The catalogue for each language is a
gettext ``.po`` file under ``pos_common/locale/<locale>.po`` (so standard tools can extract
and edit them). We parse the ``.po`` ourselves at start-up: it keeps the runtime free of a
compile step and of extra packages, and the format we read is the plain subset that
``msgfmt`` accepts (msgid/msgstr, continuation lines, ``msgctxt`` ignored).

Spanish (Argentina) is the first language: it is used unless the user or the system
locale asks for English.
"""

from __future__ import annotations

import ast
import locale
import os

from pos_common import LOCALE_DIR

SUPPORTED = ("es_AR", "en")
DEFAULT_LOCALE = "es_AR"

_catalog: dict[str, str] = {}
_current = "en"


def parse_po(text: str) -> dict[str, str]:
    """Parse the msgid/msgstr pairs of a .po file (fuzzy and empty entries skipped)."""
    entries: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        key, value = "".join(msgid), "".join(msgstr)
        if key and value and not fuzzy:
            entries[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            if msgid:
                flush()
                fuzzy = fuzzy and not msgstr
            msgid, msgstr, target = [ast.literal_eval(line[6:])], [], None
            target = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            target = msgstr
        elif line.startswith('"') and target is not None:
            target.append(ast.literal_eval(line))
        elif not line:
            if msgid:
                flush()
            msgid, msgstr, target, fuzzy = [], [], None, False
    if msgid:
        flush()
    return entries


# Where the language is looked for, in gettext's order, with our own POS_LANG first.
LANGUAGE_VARIABLES = ("POS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _supported(name: str) -> str | None:
    """``en_GB.UTF-8`` → en, ``es``/``es_AR`` → es_AR; None for C, POSIX and the rest."""
    lowered = name.strip().lower()
    if lowered.startswith("en"):
        return "en"
    if lowered.startswith("es"):
        return DEFAULT_LOCALE
    return None


def system_locale() -> str:
    """The UI language: the first of POS_LANG, LANGUAGE (a list, "fr:en"), LC_ALL,
    LC_MESSAGES, LANG that names Spanish or English, else the OS's; Spanish unless
    English is asked. C and POSIX name no language: the next variable decides."""
    values = [os.environ.get(variable, "") for variable in LANGUAGE_VARIABLES]
    for variable, value in zip(LANGUAGE_VARIABLES, values, strict=True):
        for name in value.split(":") if variable == "LANGUAGE" else [value]:
            found = _supported(name)
            if found:
                return found
    if any(values):  # e.g. LANG=C.UTF-8: no language named, so the till's own default
        return DEFAULT_LOCALE
    # Windows sets none of them: ask the OS ("English_United States", "Spanish_Argentina")
    return _supported(locale.getlocale()[0] or "") or DEFAULT_LOCALE


def set_language(code: str | None = None) -> str:
    """Load the catalogue for ``code`` (or the system's); returns the code in use."""
    global _catalog, _current
    code = code or system_locale()
    if code not in SUPPORTED:
        code = DEFAULT_LOCALE
    _current = code
    if code == "en":
        _catalog = {}
    else:
        path = LOCALE_DIR / f"{code}.po"
        _catalog = parse_po(path.read_text(encoding="utf-8")) if path.exists() else {}
    return code


def current_language() -> str:
    return _current


def _(message: str) -> str:
    """Translate ``message`` into the current language (the English text if untranslated)."""
    return _catalog.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` for a count of one, else ``plural``, translated: the plural rule of
    both our languages ("1 línea", "0 líneas", "3 líneas"). Each form is its own msgid."""
    return _(singular if n == 1 else plural)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (for module constants)."""
    return message


def describe_os_error(exc: OSError) -> str:
    """``[Errno 2] No such file or directory: 'x.csv'`` as ``x.csv: no such file or
    folder``, in the run's language (Python's own text is always English)."""
    import errno

    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.EACCES: _("permission denied"),
        errno.EISDIR: _("it is a folder, not a file"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.ENOSPC: _("the disk is full"),
        errno.EROFS: _("the disk is read-only"),
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return f"{exc.filename}: {reason}" if exc.filename else reason


def format_money(cents: int, *, symbol: bool = True, lang: str | None = None) -> str:
    """Format integer centavos: es-AR ``$ 1.234,50``, English ``$1,234.50``."""
    lang = lang or _current
    sign = "-" if cents < 0 else ""
    pesos, cts = divmod(abs(cents), 100)
    if lang == "en":
        body = f"{pesos:,}.{cts:02d}"
        return f"{sign}${body}" if symbol else f"{sign}{body}"
    body = f"{pesos:,}".replace(",", ".") + f",{cts:02d}"
    return f"{sign}$ {body}" if symbol else f"{sign}{body}"


def format_minus(cents: int, *, lang: str | None = None) -> str:
    """An amount taken off (a discount, a refund, cash out): ``-$ 1.234,50``; nothing
    taken off is ``$ 0,00``, never ``-$ 0,00``. One minus sign, ASCII: receipts print it."""
    return format_money(-cents if cents > 0 else 0, lang=lang)


def format_pesos(pesos: int, *, lang: str | None = None) -> str:
    """Whole pesos, as a note or a coin is named: ``$ 20.000``, English ``$20,000``."""
    lang = lang or _current
    if lang == "en":
        return f"${pesos:,}"
    return "$ " + f"{pesos:,}".replace(",", ".")


def format_quantity(quantity_milli: int, *, weighed: bool, lang: str | None = None) -> str:
    """``2`` for units; ``0,250 kg`` for weighed goods (grams shown as kg with 3 decimals)."""
    lang = lang or _current
    if not weighed and quantity_milli % 1000 == 0:
        return str(quantity_milli // 1000)
    whole, frac = divmod(abs(quantity_milli), 1000)
    sep = "." if lang == "en" else ","
    text = f"{'-' if quantity_milli < 0 else ''}{whole}{sep}{frac:03d}"
    return f"{text} kg" if weighed else text
