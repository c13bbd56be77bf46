"""What the till shows of ARCA not answering is in the till's language: pos_arca (which
has no i18n) explains in English, and a Spanish status bar read "sin conexión ·
FECompUltimoAutorizado: could not reach ARCA (connection refused, DNS or TLS)"."""

from __future__ import annotations

import ast
from pathlib import Path

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_common.i18n import set_language, translations
from pos_desktop.app import Till
from pos_desktop.fiscal.arca_words import _WITH_STATUS, PHRASES, worded
from pos_desktop.fiscal.status import status_bar_text
from tests.fiscal.till_helpers import sell, worker_for

ARCA = Path(__file__).resolve().parents[2] / "pos_arca"
SHOWN_AS_THEY_HAPPEN = {"ArcaNotSent", "ArcaOutcomeUnknown", "ArcaLoginUnavailable"}


def raised_phrases() -> list[str]:
    """The explanation of every offline-kind ArcaError pos_arca raises ({} for an f-string's
    values), read from its source."""
    found = []
    for path in sorted(ARCA.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            if not (isinstance(call.func, ast.Name) and call.func.id in SHOWN_AS_THEY_HAPPEN):
                continue
            first = call.args[0]
            if isinstance(first, ast.Constant):
                found.append(str(first.value))
            elif isinstance(first, ast.JoinedStr):
                found.append("".join(str(v.value) if isinstance(v, ast.Constant) else "{}"
                                     for v in first.values))
    return found


def test_every_phrase_pos_arca_raises_for_an_unanswered_request_has_the_till_s_words() -> None:
    phrases = raised_phrases()
    assert len(phrases) >= 10  # the walk finds them (transport, wsaa, wsfe)
    spanish = translations("es_AR")
    for phrase in phrases:
        sample = phrase.replace("{}", "503")
        told = worded(sample)
        assert told == sample  # English stays English
        assert phrase in PHRASES or any(p.fullmatch(sample) for p, _ in _WITH_STATUS), phrase
    assert all(spanish.gettext(p) != p for p in PHRASES)


def test_a_spanish_status_bar_says_arca_is_unreachable_in_spanish(
        till: Till, standin: ArcaStandin, clock: ManualClock) -> None:
    worker = worker_for(till, clock)
    assert worker.run_once().error is None
    standin.make_unreachable()
    sell(till)
    assert "could not reach ARCA" in (worker.run_once().error or "")
    set_language("es_AR")
    till.fiscal = worker  # the till's own worker, as the window has it
    try:
        text, level = status_bar_text(till.fiscal_status())
    finally:
        till.fiscal = None
    assert level == "warning" and "sin conexión" in text
    assert "no se pudo llegar a ARCA (conexión rechazada, DNS o TLS)" in text, text
    assert "could not" not in text
    assert worded("FECAESolicitar: ARCA answered HTTP 404: wrong address?") == (
        "FECAESolicitar: ARCA respondió HTTP 404: ¿dirección equivocada?")
