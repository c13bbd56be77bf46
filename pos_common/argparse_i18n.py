"""argparse's own words ("usage:", "options", "error: unrecognized arguments…") in the
run's language, so that a Spanish run prints no English around our Spanish help.

argparse looks its strings up through the module-level ``_``/``ngettext`` it imported from
gettext, at call time; pointing those at our catalogue is the documented way to
translate it without a compiled ``.mo`` (Python ships none for argparse).
"""

from __future__ import annotations

import argparse

from pos_common.i18n import N_, _

# The strings a user can meet (extracted into es_AR.po through N_).
MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


def translate_argparse() -> None:
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
