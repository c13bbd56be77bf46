"""Refunds: find the ticket, choose lines and quantities, give the money back.

The refund is recorded as a ``SaleRefunded`` fact: one transaction writes it with its
lines and payments, its journal entry, its ``sale.refunded`` event, its slip's print job
and its audit row. The quantities left are read again inside that transaction, so two
tills' screens can never refund the same unit twice.
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
from pos_desktop.domain.events import FiscalDraft, SaleRefunded
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
from pos_desktop.services.clock import local_now
from pos_desktop.services.fiscal import credit_note_draft, fiscal_policy, policy_of_block
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.ports import UnitOfWork

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
        with self.uow_factory() as uow:
            shift_id = uow.shifts.open_id(self.identity.terminal_id)
            if shift_id is None:
                raise NoOpenShift()
            fresh = self._load(uow, sale.ticket_number, code)
            plan = plan_refund(fresh.lines, quantities)  # what is left may have changed
            if plan.total != sum(t.amount for t in paid):
                raise RefundError(reason=N_("the ticket changed meanwhile: start again"))
            draft = self._credit_note(uow, sale.sale_id, plan)
            number = uow.counters.next("refund")
            fact = uow.record(SaleRefunded(
                refund_id=str(uuid.uuid4()), refund_number=number,
                ticket=self.identity.ticket(number), sale_id=sale.sale_id,
                original_ticket=sale.ticket, shift_id=shift_id, cashier=auth.actor,
                approved_by=auth.approved_by, reason=reason, occurred_at=local_now(),
                plan=plan, tenders=tuple(paid), print_slip=self.print_receipts,
                fiscal=draft, audit=auth.audit_record(),
            ))
            uow.commit()
        return CompletedRefund(number, self.identity.ticket(number), plan.total, fact.payload)

    @staticmethod
    def _credit_note(uow: UnitOfWork, sale_id: str, plan: RefundPlan) -> FiscalDraft | None:
        """A sale that has a comprobante is refunded with a Nota de Crédito (CbtesAsoc: its
        comprobante, which is authorized first: the fiscal worker keeps that order)."""
        original = uow.fiscal.of_source("sale", sale_id)
        if original is None:
            return None  # sold in fiscal mode none: nothing to cancel at ARCA
        policy = fiscal_policy(uow.settings) or policy_of_block(original["block"])
        return credit_note_draft(policy, original, sale_id, plan)

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

