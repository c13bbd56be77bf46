"""Head office's refusals speak one language: Spanish or English, never both in one
message ("tienda inválida 'x' (bad store id)" was both; issue 16)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from pos_central.api.refusals import told
from pos_central.api.security import hash_password
from pos_central.api.users import _check
from pos_central.people import PersonChange, check
from pos_common.messages import TranslatableError

# Names that are the same in both languages (roles, parameters, product names).
SHARED = {"cashier", "supervisor", "manager", "admin", "viewer", "store", "with", "people",
          "pin", "rabbitmq", "a"}  # "a": a word of both


def person(**change: object) -> Callable[[], None]:
    values: dict[str, object] = {"store_id": "S001", "user_id": "ana", "name": "Ana",
                                 "role": "cashier", **change}
    return lambda: check(PersonChange(**values))  # type: ignore[arg-type]


REFUSALS = {
    "bad store": person(store_id="x y"),
    "bad user": person(user_id="Ana María"),
    "long name": person(name="n" * 81),
    "bad role": person(role="boss"),
    "bad pin": person(pin="12"),
    "office user name": lambda: _check(" ", "admin", []),
    "office role": lambda: _check("ana", "boss", []),
    "manager store": lambda: _check("ana", "manager", []),
    "weak password": lambda: hash_password("short"),
}


def refusal(raise_it: Callable[[], None]) -> TranslatableError:
    with pytest.raises(TranslatableError) as caught:
        raise_it()
    return caught.value


def words(text: str) -> set[str]:
    """The text's words, without the quoted values it shows ('x y') and SHARED names."""
    text = re.sub(r"'[^']*'", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-záéíóúñ]+", text)} - SHARED


@pytest.mark.parametrize("case", REFUSALS, ids=str)
def test_a_refusal_is_wholly_spanish_or_wholly_english(case: str) -> None:
    error = refusal(REFUSALS[case])
    spanish, english = told(error, "es_AR"), told(error, "en")
    assert spanish != english
    assert not words(spanish) & words(english), (spanish, english)


def test_an_unknown_language_reads_spanish() -> None:
    error = refusal(REFUSALS["bad pin"])
    assert told(error, "fr") == told(error, "es_AR") == "el PIN son 4 a 8 dígitos"
