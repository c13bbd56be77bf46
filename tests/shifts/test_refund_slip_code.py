"""A refund slip's code is never taken for the sale ticket with the same number."""

from __future__ import annotations

import pytest

from pos_desktop.domain.refund import RefundError, parse_ticket_code


def test_a_scanned_refund_slip_is_refused_clearly() -> None:
    assert parse_ticket_code("0001-00000007", "0001") == 7
    with pytest.raises(RefundError):
        parse_ticket_code("D0001-00000007", "0001")
