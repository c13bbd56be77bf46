"""ARCA's failures in the till's language, for the status bar and ``fiscal status``.

``pos_arca`` is self-contained (head office uses it too, and it has no i18n), so it
explains what went wrong in English. What a cashier sees is worded here: every phrase it
raises for a request that could not be made or whose answer did not come (the offline
cases, shown as they happen) has its msgid below; a test keeps the list whole. The raw
text stays in the log and in ``fiscal status --json``'s ``last_error``.
"""

from __future__ import annotations

import re

from pos_common.i18n import N_, _

PHRASES = (
    N_("could not connect to ARCA in time"),
    N_("ARCA did not answer in time after the request was sent"),
    N_("could not reach ARCA (connection refused, DNS or TLS)"),
    N_("the connection dropped before ARCA's answer arrived"),
    N_("the request failed in transit"),
    N_("WSAA's login did not answer"),
    N_("WSAA's answer could not be read"),
    N_("WSAA cannot log in now"),
    N_("ARCA failed while handling the request"),
    N_("ARCA's answer could not be read"),
    N_("ARCA approved but sent no CAE"),
    N_("ARCA's CAEA answer lacks its dates"),
)
# The two with ARCA's HTTP status in them: (how pos_arca writes it, our msgid).
_WITH_STATUS = (
    (re.compile(r"ARCA answered HTTP (\d{3}) without a SOAP answer"),
     N_("ARCA answered HTTP {status} without a SOAP answer")),
    (re.compile(r"ARCA answered HTTP (\d{3}): wrong address\?"),
     N_("ARCA answered HTTP {status}: wrong address?")),
)


def worded(text: str) -> str:
    """``text`` (an ArcaError as it was stored) with pos_arca's English in the till's
    language; the operation's name and ARCA's own Spanish stay as they are."""
    for phrase in PHRASES:
        if phrase in text:
            text = text.replace(phrase, _(phrase))
    for pattern, msgid in _WITH_STATUS:
        found = pattern.search(text)
        if found is not None:
            told = _(msgid).format(status=found.group(1))
            text = text[:found.start()] + told + text[found.end():]
    return text
