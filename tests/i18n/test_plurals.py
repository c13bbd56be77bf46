"""Counted things read right in both languages where the till says them."""

from __future__ import annotations

import pytest

from pos_common.i18n import set_language
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
