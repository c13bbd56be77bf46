"""Translations and locale formatting, without Qt.

Source strings are English, marked with ``_()`` (``N_()`` where they are only named, to be
translated when shown, and ``ngettext()`` for counted things). The Spanish catalogue is the
gettext file ``pos_common/locale/es_AR.po``, kept with Babel (``pybabel extract/update``, see
README "Languages"); the till reads the compiled ``es_AR.mo`` through the standard
``gettext`` module, so plural forms follow the catalogue's ``Plural-Forms`` rule.

Spanish (Argentina) is the first language: it is used unless the user or the system
locale asks for English.
"""

from __future__ import annotations

import gettext
import locale
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from pos_common import LOCALE_DIR
from pos_common.messages import N_ as N_  # the marker, imported from here by most code
from pos_common.messages import Language, TranslatableError

SUPPORTED = ("es_AR", "en")
DEFAULT_LOCALE = "es_AR"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_current = "en"
# A language for one context only (``speaking``): head office answers each web request in
# its reader's language while other requests, on other threads, answer in theirs. A
# ContextVar, because FastAPI runs each request in its own context; unset, the process's.
_speaking: ContextVar[tuple[str, gettext.NullTranslations] | None] = ContextVar(
    "pos_speaking", default=None)


def _compile_po(po: Path, code: str) -> gettext.GNUTranslations:
    """The ``.mo`` of ``po``, compiled in memory with Babel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalogue = read_po(source, locale=code)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def translations(code: str, folder: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogue of ``code`` (English: none, the source strings are English).

    Wheels, the sdist's builds and the PyInstaller bundle carry ``<code>.mo``, compiled at
    build time (setup.py, build.spec) and read as it is. A source checkout (the editable
    install developers and CI use) has only the ``.po``, or a ``.mo`` from an earlier build
    that an edit of the ``.po`` has made stale: there the ``.po`` is compiled in memory
    (about 30 ms) instead of written to a ``.mo``, so a run never writes into the
    package's folder (read-only when installed) and can never show yesterday's strings.
    """
    if code == "en":
        return gettext.NullTranslations()
    po, mo = folder / f"{code}.po", folder / f"{code}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    if po.is_file():
        return _compile_po(po, code)
    return gettext.NullTranslations()


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
    global _translations, _current
    code = code or system_locale()
    if code not in SUPPORTED:
        code = DEFAULT_LOCALE
    _current = code
    _translations = translations(code)
    return code


@contextmanager
def speaking(code: str) -> Iterator[str]:
    """Translate into ``code`` within this context only (one web request, one thread's
    task), never changing the process's language; yields the code in use."""
    code = code if code in SUPPORTED else DEFAULT_LOCALE
    token = _speaking.set((code, translations(code)))
    try:
        yield code
    finally:
        _speaking.reset(token)


def _active() -> gettext.NullTranslations:
    spoken = _speaking.get()
    return _translations if spoken is None else spoken[1]


def current_language() -> str:
    spoken = _speaking.get()
    return _current if spoken is None else spoken[0]


def _(message: str) -> str:
    """Translate ``message`` into the current language (the English text if untranslated)."""
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for a count of ``n``, translated by the
    catalogue's plural rule ("1 línea", "0 líneas", "3 líneas"; "1 line", "3 lines")."""
    return _active().ngettext(singular, plural, n)


def language() -> Language:
    """The run's catalogue, for what translates itself (``TranslatableError.text``)."""
    return _active()


def explain(error: BaseException, into: Language | None = None) -> str:
    """What to show a person for ``error``, in the run's language (or ``into``'s).

    Our errors are translated from their message id and values; an OSError names its
    file and reason in words (``describe_os_error``); any other error's text is looked up
    as a msgid (our validators raise ValueError(N_("...")); a library's own English text
    is in no catalogue and shows as it is)."""
    target = into or _active()
    if isinstance(error, TranslatableError):
        return error.text(target)
    if isinstance(error, OSError) and into is None:
        return describe_os_error(error)
    text = str(error)
    return target.gettext(text) if text else type(error).__name__


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
    lang = lang or current_language()
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
    lang = lang or current_language()
    if lang == "en":
        return f"${pesos:,}"
    return "$ " + f"{pesos:,}".replace(",", ".")


def format_quantity(quantity_milli: int, *, weighed: bool, lang: str | None = None) -> str:
    """``2`` for units; ``0,250 kg`` for weighed goods (grams shown as kg with 3 decimals)."""
    lang = lang or current_language()
    if not weighed and quantity_milli % 1000 == 0:
        return str(quantity_milli // 1000)
    whole, frac = divmod(abs(quantity_milli), 1000)
    sep = "." if lang == "en" else ","
    text = f"{'-' if quantity_milli < 0 else ''}{whole}{sep}{frac:03d}"
    return f"{text} kg" if weighed else text
