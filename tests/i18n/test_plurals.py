"""Counted things read right in both languages where the till says them."""

from __future__ import annotations

import pytest

from pos_common.i18n import explain, set_language
from pos_desktop.domain.people import WrongPin
from pos_desktop.domain.shift import ParkedSalesPending
from pos_desktop.sync.status import format_age

DAY = 86400


@pytest.mark.parametrize(
    ("lang", "seconds", "said"),
    [("es_AR", DAY, "1 día"), ("es_AR", 3 * DAY, "3 días"),
     ("en", DAY, "1 day"), ("en", 3 * DAY, "3 days")],
)
def test_the_age_of_the_oldest_unsent_event(lang: str, seconds: int, said: str) -> None:
    set_language(lang)
    try:
        assert format_age(seconds) == said
    finally:
        set_language("en")


@pytest.mark.parametrize(
    ("lang", "left", "said"),
    [("es_AR", 1, "Queda 1 intento"), ("es_AR", 3, "Quedan 3 intentos"),
     ("en", 1, "1 try left"), ("en", 3, "3 tries left")],
)
def test_a_wrong_pin_says_how_many_tries_are_left(lang: str, left: int, said: str) -> None:
    set_language(lang)
    try:
        assert said in explain(WrongPin(left=left))
    finally:
        set_language("en")


def test_a_parked_sale_alone_is_one_sale() -> None:
    set_language("es_AR")
    try:
        assert explain(ParkedSalesPending(count=1)).startswith("Hay 1 venta en espera")
    finally:
        set_language("en")
    assert str(ParkedSalesPending(count=2)).startswith("There are 2 parked sales")
