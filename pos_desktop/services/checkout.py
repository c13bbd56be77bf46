"""Completing a sale: one transaction writes the sale, its lines and payments, its journal
entry, its ``sale.completed`` outbox event and its receipt print job (invariant 2)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pos_common import tracing
from pos_desktop.config import Identity
from pos_desktop.domain.sale import Sale, SaleStatus
from pos_desktop.domain.shift import NoOpenShift
from pos_desktop.services.events import enqueue_event, local_now, new_trace
from pos_desktop.store.repositories import canonical_json
from pos_desktop.store.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Cashier:
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class CompletedSale:
    ticket_number: int
    ticket: str
    payload: dict[str, Any]
    trace_id: str


def sale_payload(
    sale: Sale,
    *,
    ticket_number: int,
    ticket: str,
    completed_at: str,
    cashier: Cashier | None,
    shift_id: str | None,
) -> dict[str, Any]:
    """The ``sale.completed`` v2 payload (see pos_contracts) — also the receipt's input."""
    totals = sale.totals()
    return {
        "sale_id": sale.sale_id,
        "ticket_number": ticket_number,
        "ticket": ticket,
        "shift_id": shift_id,
        "cashier": None if cashier is None else {"user_id": cashier.user_id, "name": cashier.name},
        "completed_at": completed_at,
        "currency": "ARS",
        "lines": [
            {
                "line_no": i,
                "sku": line.product.sku,
                "barcode": line.barcode,
                "description": line.product.name,
                "sold_by_weight": line.product.sold_by_weight,
                "quantity_milli": line.quantity_milli,
                "unit_price": line.unit_price,
                "gross_amount": line.gross,
                "discount": line.gross - totals.line_amounts[line.line_no],
                "line_discount": line.line_discount,
                "amount": totals.line_amounts[line.line_no],
                "iva_rate": line.product.iva_rate.value,
            }
            for i, line in enumerate(sale.lines, start=1)
        ],
        "ticket_discount": totals.ticket_discount,
        "rounding": totals.rounding,
        "total": totals.total,
        "iva": [
            {"rate": v.rate.value, "gross": v.gross, "net": v.net, "tax": v.tax} for v in totals.iva
        ],
        "tenders": [
            {"kind": t.kind.value, "amount": t.amount, "reference": t.reference}
            for t in sale.tenders
        ],
        "change": sale.change,
    }


def complete_sale(
    uow_factory: Callable[[], UnitOfWork],
    sale: Sale,
    identity: Identity,
    *,
    cashier: Cashier | None,
    shift_id: str | None,
    print_receipt: bool = True,
    require_shift: bool = False,
) -> CompletedSale:
    """Close ``sale`` (already fully tendered) and persist it atomically.

    With ``require_shift`` the sale belongs to the shift open at this till, read inside the
    transaction (a Z closed a moment ago by another process is seen); none open → refused.
    """
    sale.complete()  # raises a DomainError before anything is written
    try:
        with tracing.span("sale.commit"), uow_factory() as uow:  # the sale's trace starts here
            if require_shift:
                shift_id = uow.shifts.open_id(identity.terminal_id)
                if shift_id is None:
                    raise NoOpenShift()
            done = _persist(uow, sale, identity, cashier, shift_id, print_receipt)
            uow.commit()
    except BaseException:
        sale.status = SaleStatus.OPEN  # nothing was written: the cashier can try again
        raise
    log.info(
        "sale completed",
        extra={"trace_id": done.trace_id, "ticket": done.ticket, "total": done.payload["total"]},
    )
    return done


def _persist(
    uow: UnitOfWork,
    sale: Sale,
    identity: Identity,
    cashier: Cashier | None,
    shift_id: str | None,
    print_receipt: bool,
) -> CompletedSale:
    number = uow.counters.next("ticket")
    ticket = identity.ticket(number)
    now = local_now()
    payload = sale_payload(
        sale,
        ticket_number=number,
        ticket=ticket,
        completed_at=now,
        cashier=cashier,
        shift_id=shift_id,
    )
    entry = uow.journal.append("sale", ticket, now, payload)
    payload["journal"] = {"seq": entry.seq, "prev_hash": entry.prev_hash, "hash": entry.hash}
    uow.sales.add(
        {
            "sale_id": sale.sale_id,
            "ticket_number": number,
            "store_id": identity.store_id,
            "terminal_id": identity.terminal_id,
            "shift_id": shift_id,
            "cashier_id": cashier.user_id if cashier else None,
            "cashier_name": cashier.name if cashier else None,
            "completed_at": now,
            "total": payload["total"],
            # the lines' discounts also carry the cash rounding: the Z shows it on its own row
            "discounts": sum(li["discount"] for li in payload["lines"]) - payload["rounding"],
            "change": payload["change"],
            "journal_seq": entry.seq,
            "payload": canonical_json(payload),  # = journal record + "journal" (verify)
        },
        [
            {
                "sale_id": sale.sale_id,
                "line_no": li["line_no"],
                "sku": li["sku"],
                "barcode": li["barcode"],
                "description": li["description"],
                "sold_by_weight": int(li["sold_by_weight"]),
                "quantity_milli": li["quantity_milli"],
                "unit_price": li["unit_price"],
                "gross_amount": li["gross_amount"],
                "discount": li["discount"],
                "amount": li["amount"],
                "iva_rate": li["iva_rate"],
            }
            for li in payload["lines"]
        ],
        [
            {"sale_id": sale.sale_id, "idx": i, **t}
            for i, t in enumerate(payload["tenders"], start=1)
        ],
    )
    trace = new_trace()
    enqueue_event(
        uow, identity, "sale.completed", payload, occurred_at=now, trace=trace, schema_version=2
    )
    if print_receipt:
        uow.print_jobs.add("receipt", ticket, payload)
    return CompletedSale(number, ticket, payload, trace[0])
