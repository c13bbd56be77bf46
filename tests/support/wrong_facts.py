"""A producer bug for the tests of the books: a sale whose payload does not add up."""

from __future__ import annotations

from pos_contracts.payloads.sales import SaleCompletedV3
from pos_desktop.domain.events import SaleCompleted
from pos_desktop.store.wire import wire_payload


class SaleThatAddsUpWrong(SaleCompleted):
    """A producer bug: the payload's total is not the sum of its lines."""


@wire_payload.register
def _adds_up_wrong(event: SaleThatAddsUpWrong) -> SaleCompletedV3:
    payload = wire_payload.dispatch(SaleCompleted)(event)
    assert isinstance(payload, SaleCompletedV3)
    payload.total += 1
    return payload
