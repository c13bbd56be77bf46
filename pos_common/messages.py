"""Errors that carry a message id and its values, translated where they are shown.

An error is raised in no language: it keeps its English msgid (marked with ``N_``) and
the values to put in it. The window, a command or a page turns it into text in the
language of whoever reads it (``pos_common.i18n.explain``); ``str()`` gives the English,
for logs and tracebacks. So the till's domain never asks which language the run speaks,
and head office can answer each request in its own.
"""

from __future__ import annotations

import gettext
from typing import Protocol


class Language(Protocol):
    """What a gettext catalogue offers (``gettext.NullTranslations`` and its subclasses)."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


ENGLISH: Language = gettext.NullTranslations()
"""The source strings as they are."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


class TranslatableError(Exception):
    """An error a person reads: ``message`` (a msgid) and the values named in it.

    A value that is a string is taken as a msgid too (a reason marked with ``N_``); one
    that is a TranslatableError is put in as its own text. A subclass whose message
    depends on a count overrides ``text`` and calls ``language.ngettext``."""

    message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.template = message or self.message
        self.params = params
        super().__init__(self.template)

    def text(self, language: Language) -> str:
        """This error's message in ``language`` (a message without values is not
        formatted: its text may hold braces, a JSON path or data put in by the raiser)."""
        values = self.values(language)
        text = language.gettext(self.template)
        return text.format(**values) if values else text

    def values(self, language: Language) -> dict[str, object]:
        return {key: localize(value, language) for key, value in self.params.items()}

    def __str__(self) -> str:
        return self.text(ENGLISH)


def localize(value: object, language: Language) -> object:
    """A parameter as shown: messages translated, numbers and data as they are."""
    if isinstance(value, TranslatableError):
        return value.text(language)
    if isinstance(value, str):
        return language.gettext(value) if value else value
    return value
