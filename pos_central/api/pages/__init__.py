"""Server-rendered web pages for head office (Jinja2, a little plain JavaScript, no
build step). Spanish first, English on request (``/lang/en``), strings from
``pos_common/locale/es_AR.po``; money as ``$ 1.234,50``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pos_common.i18n import DEFAULT_LOCALE, N_, explain, format_money, translations

HERE = Path(__file__).resolve().parent.parent
LANG_COOKIE = "pos_lang"

# Values the templates translate as they come (``_(d.status)``, ``_(r.kind)``, ``_(r)``):
# named here so that pybabel extract finds them.
TEMPLATE_VALUES = (
    N_("open"), N_("replayed"), N_("discarded"),
    N_("cash"), N_("debit"), N_("credit"), N_("transfer"),
    N_("admin"), N_("manager"), N_("viewer"),
    N_("sending"), N_("informed"), N_("rejected"),
)


def translator(lang: str) -> Callable[[str], str]:
    """This request's ``_``: thread-safe (the till's ``set_language`` is process-wide)."""
    return translations(lang).gettext


def language_of(request: Request, preferred: str | None = None) -> str:
    chosen = request.cookies.get(LANG_COOKIE) or preferred or DEFAULT_LOCALE
    return chosen if chosen in ("es_AR", "en") else DEFAULT_LOCALE


def told_page(request: Request, who: Any, error: Exception) -> str:
    """An error's text in the page's language (one that translates itself, or its own)."""
    return explain(error, translations(language_of(request, getattr(who, "language", None))))


templates = Jinja2Templates(directory=str(HERE / "templates"))


def render(
    request: Request, name: str, who: Any, status_code: int = 200, **context: Any
) -> Response:
    lang = language_of(request, getattr(who, "language", None))
    _ = translator(lang)
    number = _number_in(lang)
    zone = ZoneInfo(request.app.state.services.settings.timezone)  # head office's clock
    values = {
        "request": request,
        "who": who,
        "lang": lang,
        "_": _,
        "money": lambda cents: format_money(int(cents or 0), lang=lang),
        "number": number,
        # ngettext("{n} ticket", "{n} tickets", n): counted things ("1 productos" was wrong)
        "ngettext": lambda one, many, n: translations(lang).ngettext(one, many, int(n or 0))
        .format(n=number(n)),
        "when": lambda moment, pattern: moment.astimezone(zone).strftime(pattern),
        **context,
    }
    page: Response = templates.TemplateResponse(request, name, values, status_code=status_code)
    return page


def _number_in(lang: str) -> Callable[[Any], str]:
    separator = "," if lang == "en" else "."
    return lambda n: f"{int(n or 0):,}".replace(",", separator)


def mount_pages(app: FastAPI) -> None:
    from pos_central.api.pages import fiscal, staff, views

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(views.router)
    app.include_router(staff.router)
    app.include_router(fiscal.router)
