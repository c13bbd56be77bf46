"""An API refusal in its reader's language: a head office user's own setting (Spanish
unless they chose English), else what the request's ``Accept-Language`` asks (a till, a
script, someone not logged in yet), else Spanish; never the server process's language,
which serves everyone.

A refusal is raised in no language (``Refusal``: a status and a TranslatableError) and
worded where it is answered (``app._errors_as_json``), so the contract a client reads,
the status, ``WWW-Authenticate`` and the ``{"error": ...}`` shape, is the same in both
languages; only the text is translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from pos_common.i18n import DEFAULT_LOCALE, SUPPORTED, translations
from pos_common.messages import TranslatableError

CONTENT_LANGUAGE = {"es_AR": "es-AR", "en": "en"}


class Refusal(HTTPException):
    """A refusal with its message id and values; ``detail`` is its English, for logs."""

    def __init__(self, status: int, error: TranslatableError,
                 headers: dict[str, str] | None = None) -> None:
        self.error = error
        super().__init__(status, str(error), headers=headers)


def told(error: TranslatableError, language: str | None) -> str:
    """``error`` in ``language`` (es_AR or en; anything else: Spanish)."""
    return error.text(translations(language if language in SUPPORTED else DEFAULT_LOCALE))


def refused(status: int, error: TranslatableError, headers: dict[str, str] | None = None
            ) -> Refusal:
    return Refusal(status, error, headers)


def accepted_language(header: str) -> str | None:
    """The one of ours an ``Accept-Language`` header prefers most (``en-US,es;q=0.8`` →
    en, ``fr, es-AR;q=0.5`` → es_AR); None when it names neither or refuses both (q=0)."""
    wanted: list[tuple[float, int, str]] = []
    for order, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        code = {"es": "es_AR", "en": "en"}.get(tag.strip().lower().split("-")[0])
        if code is not None:
            wanted.append((_quality(params), -order, code))
    # the highest quality; between equals, the first the client wrote
    quality, _order, code = max(wanted, default=(0.0, 0, ""))
    return code if quality > 0 else None


def _quality(params: str) -> float:
    """``q=0.8`` of a language's parameters (1 when absent, 0 when unreadable)."""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def reader_language(request: Request) -> str:
    """Who reads this API answer: a user's own setting, else ``Accept-Language``, else
    Spanish. The user is the one the request was identified as (``auth.identify``)."""
    who: Any = getattr(request.state, "principal", None)
    if who is not None and who.is_user and who.language in SUPPORTED:
        return str(who.language)
    return accepted_language(request.headers.get("accept-language", "")) or DEFAULT_LOCALE


def worded(error: HTTPException, language: str) -> str:
    """The text of ``error`` for its reader: ours translated, FastAPI's own as it is."""
    if isinstance(error, Refusal):
        return told(error.error, language)
    return str(error.detail)


def answer(request: Request, error: TranslatableError | HTTPException, status: int,
           headers: Mapping[str, str] | None = None) -> JSONResponse:
    """``{"error": text}`` in the reader's language, with a ``Content-Language`` saying
    which; ``status`` and ``headers`` as they are."""
    language = reader_language(request)
    text = told(error, language) if isinstance(error, TranslatableError) else worded(
        error, language)
    return JSONResponse({"error": text}, status_code=status,
                        headers={**(headers or {}), "Content-Language": CONTENT_LANGUAGE[language]})
