"""One money formatter and one JSON log line for the till, its receipts and head office."""

from __future__ import annotations

import json
import logging

import pytest

from pos_central import logs as central_logs
from pos_common.i18n import format_money, set_language
from pos_common.jsonlog import JsonFormatter
from pos_desktop import logs as till_logs
from pos_printers import formatting


@pytest.mark.parametrize("lang", ["es_AR", "en"])
@pytest.mark.parametrize("cents", [0, 5, 12345, 123456789, -5, -100000])
def test_receipts_print_the_same_money_as_the_screens(cents: int, lang: str) -> None:
    set_language(lang)  # a receipt speaks its till's language (tests/conftest.py resets it)
    assert formatting.money(cents) == format_money(cents, lang=lang)
    assert formatting.money(cents, symbol=False) == format_money(cents, symbol=False,
                                                                 lang=lang)


def test_the_till_and_head_office_write_one_log_line() -> None:
    assert till_logs.JsonFormatter is JsonFormatter is central_logs.JsonFormatter
    record = logging.LogRecord("pos_desktop.sync", logging.INFO, "x", 1, "sent %d", (3,), None)
    record.each = [{"trace_id": "a"}, {"trace_id": "b"}]
    lines = JsonFormatter("pos-desktop", {"store_id": "S1"}).format(record).splitlines()
    parsed = [json.loads(line) for line in lines]
    assert [p["trace_id"] for p in parsed] == ["a", "b"]
    assert {p["message"] for p in parsed} == {"sent 3"}
    assert {p["store_id"] for p in parsed} == {"S1"}


def test_one_table_of_tender_and_rate_labels() -> None:
    from pos_central import report
    from pos_common.labels import rate_label, tender_label
    from pos_desktop.services import reports

    assert report.TENDER_NAMES["debit"] == tender_label("debit", "es_AR") == "Débito"
    assert formatting.iva_rate("10.5") == "10.5%"  # an English till's receipt
    set_language("es_AR")
    assert report.RATE_NAMES["10.5"] == formatting.iva_rate("10.5") == "10,5%"
    assert reports.rate_label is rate_label
    assert rate_label("10.5", "en") == "10.5%" and rate_label("exempt", "en") == "Exempt"
    assert tender_label("transfer", "en") == "Transfer / QR"
