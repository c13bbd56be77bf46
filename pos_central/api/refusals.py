"""An API refusal in its reader's language: a head office user's own setting (Spanish
unless they chose English), never the server process's, which serves everyone."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from pos_common.i18n import DEFAULT_LOCALE, SUPPORTED, translations
from pos_common.messages import TranslatableError


def told(error: TranslatableError, language: str | None) -> str:
    """``error`` in ``language`` (es_AR or en; anything else: Spanish)."""
    return error.text(translations(language if language in SUPPORTED else DEFAULT_LOCALE))


def refused(status: int, error: TranslatableError, who: Any) -> HTTPException:
    return HTTPException(status, told(error, getattr(who, "language", None)))
