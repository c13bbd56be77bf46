"""Refunds: find the ticket, choose lines and quantities, give the money back.

One transaction writes the refund, its lines and payments, its journal entry, its
``sale.refunded`` event, its receipt job and its audit row. The quantities left are read
again inside that transaction, so two tills' screens can never refund the same unit twice.
The original sale may belong to a closed shift: the refund belongs to the shift open now.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pos_common.i18n import N_
from pos_desktop.config import Identity
from pos_desktop.domain.money import CURRENCY, div_round
from pos_desktop.domain.permissions import Action
from pos_desktop.domain.refund import (
    RefundableLine,
    RefundError,
    RefundPlan,
    TicketNotFound,
    paid_mostly_with,
    parse_ticket_code,
    plan_refund,
)
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.domain.shift import NoOpenShift
from pos_desktop.services.events import enqueue_event, local_now
from pos_desktop.services.guard import TillGuard
from pos_desktop.store.repositories import canonical_json
from pos_desktop.store.uow import UnitOfWork

MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class SaleForRefund:
    """The original ticket as the refund dialog shows it."""

    sale_id: str
    ticket: str
    ticket_number: int
    completed_at: str
    total: int
    tenders: list[dict[str, Any]]
    lines: list[RefundableLine]
    earlier_refunds: list[dict[str, Any]]

    @property
    def fully_refunded(self) -> bool:
        return all(line.quantity_left == 0 for line in self.lines)


@dataclass(frozen=True, slots=True)
class CompletedRefund:
    refund_number: int
    ticket: str
    total: int
    payload: dict[str, Any]


class RefundService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], identity: Identity,
                 guard: TillGuard, *, print_receipts: bool = True) -> None:
        self.uow_factory = uow_factory
        self.identity = identity
        self.guard = guard
        self.print_receipts = print_receipts

    def find_sale(self, code: str) -> SaleForRefund:
        """By number as typed (``1234``) or as scanned from the receipt (``0001-00001234``)."""
        number = parse_ticket_code(code, self.identity.ticket_prefix)
        with self.uow_factory() as uow:
            return self._load(uow, number, code)

    def preview(self, code: str, quantities: Mapping[int, int]) -> RefundPlan:
        """What the chosen quantities give back (raises if any is too much)."""
        return plan_refund(self.find_sale(code).lines, quantities)

    def refund(
        self,
        code: str,
        quantities: Mapping[int, int],
        *,
        reason: str,
        tenders: Sequence[Tender] | None = None,
    ) -> CompletedRefund:
        """Refund ``{original line_no: quantity_milli}`` of ticket ``code``.

        ``tenders`` default to the whole amount back the way the customer mostly paid (a
        debit sale to the debit card). Needs a supervisor (override).
        """
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise RefundError(reason=N_("write why the customer is refunded"))
        sale = self.find_sale(code)
        plan = plan_refund(sale.lines, quantities)
        paid = self._tenders(plan.total, tenders, paid_mostly_with(sale.tenders, sale.total))
        auth = self.guard.authorize(Action.REFUND, ticket=sale.ticket, amount=plan.total,
                                    reason=reason)
        cashier = auth.actor
        with self.uow_factory() as uow:
            shift_id = uow.shifts.open_id(self.identity.terminal_id)
            if shift_id is None:
                raise NoOpenShift()
            fresh = self._load(uow, sale.ticket_number, code)
            plan = plan_refund(fresh.lines, quantities)  # what is left may have changed
            if plan.total != sum(t.amount for t in paid):
                raise RefundError(reason=N_("the ticket changed meanwhile: start again"))
            number = uow.counters.next("refund")
            ticket = self.identity.ticket(number)
            refund_id, now = str(uuid.uuid4()), local_now()
            payload: dict[str, Any] = {
                "refund_id": refund_id,
                "sale_id": sale.sale_id,
                "original_ticket": sale.ticket,
                "refund_ticket_number": number,
                "refund_ticket": ticket,
                "shift_id": shift_id,
                "cashier": cashier.as_dict(),
                "approved_by": auth.approved_by.as_dict(),
                "reason": reason,
                "refunded_at": now,
                "currency": CURRENCY,
                "lines": [
                    {
                        "line_no": li.line_no,
                        "original_line_no": li.original.line_no,
                        "sku": li.original.sku,
                        "description": li.original.description,
                        "sold_by_weight": li.original.sold_by_weight,
                        "quantity_milli": li.quantity_milli,
                        "amount": li.amount,
                        "iva_rate": li.original.iva_rate,
                    }
                    for li in plan.lines
                ],
                "total": plan.total,
                "iva": [{"rate": v.rate.value, "gross": v.gross, "net": v.net, "tax": v.tax}
                        for v in plan.iva],
                "tenders": [{"kind": t.kind.value, "amount": t.amount, "reference": t.reference}
                            for t in paid],
            }
            entry = uow.journal.append("refund", ticket, now, payload)
            payload["journal"] = {"seq": entry.seq, "prev_hash": entry.prev_hash,
                                  "hash": entry.hash}
            uow.refunds.add(
                {
                    "refund_id": refund_id,
                    "refund_number": number,
                    "ticket": ticket,
                    "sale_id": sale.sale_id,
                    "original_ticket": sale.ticket,
                    "shift_id": shift_id,
                    "cashier_id": cashier.user_id,
                    "cashier_name": cashier.name,
                    "approver_id": auth.approved_by.user_id,
                    "approver_name": auth.approved_by.name,
                    "reason": reason,
                    "refunded_at": now,
                    "total": plan.total,
                    "journal_seq": entry.seq,
                    "payload": canonical_json(payload),  # = journal record + "journal" (verify)
                },
                [{"refund_id": refund_id, "sale_id": sale.sale_id,
                  **{k: v for k, v in li.items() if k != "sold_by_weight"},
                  "sold_by_weight": int(li["sold_by_weight"])} for li in payload["lines"]],
                [{"refund_id": refund_id, "idx": i, **t}
                 for i, t in enumerate(payload["tenders"], start=1)],
            )
            enqueue_event(uow, self.identity, "sale.refunded", payload, occurred_at=now)
            if self.print_receipts:
                uow.print_jobs.add("refund", ticket, print_document(payload))
            self.guard.record(auth, uow)
            uow.commit()
        return CompletedRefund(number, ticket, plan.total, payload)

    def _load(self, uow: UnitOfWork, number: int, code: str) -> SaleForRefund:
        repo = uow.refunds
        row = repo.sale_by_ticket(number)
        if row is None:
            raise TicketNotFound(ticket=code.strip())
        payload = json.loads(row["payload"])
        return SaleForRefund(
            sale_id=row["sale_id"],
            ticket=payload["ticket"],
            ticket_number=row["ticket_number"],
            completed_at=row["completed_at"],
            total=row["total"],
            tenders=payload["tenders"],
            lines=repo.refundable_lines(row["sale_id"]),
            earlier_refunds=repo.of_sale(row["sale_id"]),
        )

    @staticmethod
    def _tenders(total: int, tenders: Sequence[Tender] | None, usual: TenderKind) -> list[Tender]:
        if not tenders:
            return [Tender(usual, total)]
        if any(t.amount <= 0 for t in tenders):
            raise RefundError(reason=N_("every tender must be greater than zero"))
        if sum(t.amount for t in tenders) != total:
            raise RefundError(reason=N_("the money given back must equal the refund total"))
        return list(tenders)


def print_document(payload: dict[str, Any]) -> dict[str, Any]:
    """The refund slip job: the ``sale.refunded`` payload plus the names the printers'
    refund layout reads (``ticket``, ``completed_at``, ``authorized_by``)."""
    lines = [{**li, "unit_price": div_round(li["amount"] * 1000, li["quantity_milli"]),
              "gross_amount": li["amount"], "discount": 0} for li in payload["lines"]]
    return {**payload, "lines": lines, "ticket": payload["refund_ticket"],
            "completed_at": payload["refunded_at"], "authorized_by": payload["approved_by"]}
