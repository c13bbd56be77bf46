"""Completing a sale: the sale gets its gapless ticket number and is recorded as a
``SaleCompleted`` fact; the commit writes it with its lines and payments, its journal
entry, its ``sale.completed`` outbox event and its receipt print job, in one transaction
(invariant 2)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pos_common import tracing
from pos_desktop.config import Identity
from pos_desktop.domain.events import SaleCompleted
from pos_desktop.domain.fiscal.buyer import Buyer
from pos_desktop.domain.people import Person
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.shift import NoOpenShift
from pos_desktop.fiscal.contingency import Contingency
from pos_desktop.services.caea import offline_invoice_draft
from pos_desktop.services.clock import local_now
from pos_desktop.services.fiscal import fiscal_policy, invoice_draft
from pos_desktop.services.ports import UnitOfWork

log = logging.getLogger(__name__)


Cashier = Person
"""Who sells: the person the register's sale is rung up by."""


@dataclass(frozen=True, slots=True)
class CompletedSale:
    ticket_number: int
    ticket: str
    payload: dict[str, Any]
    trace_id: str
    fiscal_document_id: str | None = None  # its comprobante, when the fiscal mode is ARCA
    notice: str | None = None  # offline with no valid CAEA: what the cashier must know

    @property
    def awaits_authorization(self) -> bool:
        """The comprobante waits for ARCA's CAE: the receipt prints once it comes."""
        fiscal = self.payload.get("fiscal")
        return fiscal is not None and fiscal.get("authorization") is None


def complete_sale(
    uow_factory: Callable[[], UnitOfWork],
    sale: Sale,
    identity: Identity,
    *,
    cashier: Cashier | None,
    shift_id: str | None,
    print_receipt: bool = True,
    require_shift: bool = False,
    buyer: Buyer | None = None,
    contingency: Contingency | None = None,
) -> CompletedSale:
    """Close ``sale`` (already fully tendered) and persist it atomically.

    With ``require_shift`` the sale belongs to the shift open at this till, read inside the
    transaction (a Z closed a moment ago by another process is seen); none open → refused.
    In fiscal mode ARCA the sale's comprobante is decided here too (its type from the
    seller and ``buyer``, anonymous by default; RG 5700) and committed pending: the fiscal
    worker asks ARCA for its CAE after the commit, off the cashier's thread. While ARCA
    does not answer (``contingency`` active) it is issued at once with the fortnight's
    CAEA instead (``services/caea.py``); with no valid CAEA, ``fiscal.caea_missing`` says
    whether it stays pending (with a notice for the cashier) or the sale is refused.
    """
    sale.complete()  # raises a DomainError before anything is written
    try:
        with tracing.span("sale.commit"), uow_factory() as uow:  # the sale's trace starts here
            if require_shift:
                shift_id = uow.shifts.open_id(identity.terminal_id)
                if shift_id is None:
                    raise NoOpenShift()
            policy = fiscal_policy(uow.settings)
            number = uow.counters.next("ticket")
            draft, notice = None, None
            if policy is not None and contingency is not None and contingency.active:
                draft, notice = offline_invoice_draft(uow, policy, sale, buyer,
                                                      contingency.now(), identity.ticket(number))
            elif policy is not None:
                draft = invoice_draft(policy, sale, buyer)
            fact = uow.record(SaleCompleted(
                sale=sale, ticket_number=number, ticket=identity.ticket(number),
                occurred_at=local_now(), cashier=cashier, shift_id=shift_id,
                print_receipt=print_receipt, fiscal=draft,
            ))
            uow.commit()
    except BaseException:
        sale.reopen()  # nothing was written: the cashier can try again
        raise
    done = CompletedSale(number, identity.ticket(number), fact.payload, fact.trace_id or "",
                         None if draft is None else draft.document_id, notice)
    log.info(
        "sale completed",
        extra={"trace_id": done.trace_id, "ticket": done.ticket, "total": done.payload["total"]},
    )
    return done
