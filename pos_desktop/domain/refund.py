"""Giving money back for (part of) an earlier sale.

A line can be refunded in several goes, never beyond what was sold. Its money follows the
price the customer actually paid (after every discount): refunding ``q`` of ``Q`` sold
gives back ``amount(done + q) - amount(done)``, where ``amount(x) = round_half_up(A*x/Q)``
and ``A`` is the line's amount. So partial refunds always add up to exactly ``A``, and no
sequence of refunds can return a centavo more than was paid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pos_common.i18n import N_, _, format_quantity
from pos_desktop.domain.errors import DomainError, InvalidQuantity
from pos_desktop.domain.money import div_round
from pos_desktop.domain.sale import TenderKind
from pos_desktop.domain.tax import IvaLine, IvaRate, iva_breakdown


class RefundError(DomainError):
    message = N_("Refund not possible: {reason}")


class TicketNotFound(DomainError):
    message = N_("Ticket {ticket} is not in this till's records.")


class RefundTooLarge(DomainError):
    message = N_("Line {line_no}: only {left} can still be refunded.")


class NothingToRefund(DomainError):
    message = N_("Choose at least one line and quantity to refund.")


@dataclass(frozen=True, slots=True)
class RefundableLine:
    """One line of the original sale and how much of it is already refunded."""

    line_no: int
    sku: str
    description: str
    sold_by_weight: bool
    quantity_sold: int  # milli-units
    amount_sold: int  # centavos actually paid for the line
    iva_rate: str
    quantity_refunded: int = 0

    @property
    def quantity_left(self) -> int:
        return self.quantity_sold - self.quantity_refunded

    def amount_for(self, quantity_milli: int) -> int:
        """Money back for ``quantity_milli`` more, after what was refunded already."""
        done = self.quantity_refunded
        return (div_round(self.amount_sold * (done + quantity_milli), self.quantity_sold)
                - div_round(self.amount_sold * done, self.quantity_sold))

    def check(self, quantity_milli: int) -> None:
        if quantity_milli <= 0 or (not self.sold_by_weight and quantity_milli % 1000):
            raise InvalidQuantity(text=str(quantity_milli / 1000))
        if quantity_milli > self.quantity_left:
            left = format_quantity(self.quantity_left, weighed=self.sold_by_weight)
            raise RefundTooLarge(line_no=self.line_no, left=left)


@dataclass(frozen=True, slots=True)
class RefundLine:
    line_no: int
    original: RefundableLine
    quantity_milli: int
    amount: int


@dataclass(frozen=True, slots=True)
class RefundPlan:
    lines: tuple[RefundLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def iva(self) -> list[IvaLine]:
        by_rate: dict[IvaRate, int] = {}
        for line in self.lines:
            rate = IvaRate(line.original.iva_rate)
            by_rate[rate] = by_rate.get(rate, 0) + line.amount
        return iva_breakdown(by_rate)


def plan_refund(lines: Iterable[RefundableLine], wanted: Mapping[int, int]) -> RefundPlan:
    """Check ``{original line_no: quantity_milli}`` against what is left and price it."""
    by_no = {line.line_no: line for line in lines}
    chosen: list[RefundLine] = []
    for line_no, quantity in sorted(wanted.items()):
        if quantity == 0:
            continue
        original = by_no.get(line_no)
        if original is None:
            raise RefundError(reason=_("the ticket has no line {line_no}").format(line_no=line_no))
        original.check(quantity)
        chosen.append(RefundLine(len(chosen) + 1, original, quantity,
                                 original.amount_for(quantity)))
    if not chosen:
        raise NothingToRefund()
    plan = RefundPlan(tuple(chosen))
    if plan.total <= 0:
        raise RefundError(reason=N_("the refund amount is zero"))
    return plan


_TICKET = re.compile(r"^\s*(?:(\d{4,5})-)?0*(\d{1,8})\s*$")


def parse_ticket_code(text: str, terminal_prefix: str) -> int:
    """The ticket number from what was typed (``1234``) or scanned (``0001-00001234``).

    A receipt from another till has another prefix: its sale is not in this database.
    """
    if text.strip().upper().startswith("D"):  # the code printed on a refund slip
        raise RefundError(reason=N_("that is a refund slip: scan the sale's receipt"))
    m = _TICKET.match(text)
    if not m or int(m.group(2)) <= 0:
        raise TicketNotFound(ticket=text.strip() or "—")
    if m.group(1) is not None and m.group(1) != terminal_prefix:
        raise TicketNotFound(ticket=text.strip())
    return int(m.group(2))


def paid_mostly_with(tenders: Sequence[Mapping[str, Any]], total: int) -> TenderKind:
    """The tender that paid most of a sale (cash net of the change it gave): where its
    refund goes back by default (a debit sale to the debit card)."""
    paid: dict[str, int] = {}
    for t in tenders:
        paid[t["kind"]] = paid.get(t["kind"], 0) + int(t["amount"])
    change = sum(int(t.get("amount", 0)) for t in tenders) - total
    if "cash" in paid:
        paid["cash"] -= max(change, 0)
    if not paid:
        return TenderKind.CASH
    return TenderKind(max(paid.items(), key=lambda kv: (kv[1], kv[0] == "cash"))[0])


def refund_slip(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The refund slip's print job: the ``sale.refunded`` payload plus the names the
    printers' refund layout reads (``ticket``, ``completed_at``, ``authorized_by``)."""
    lines = [{**li, "unit_price": div_round(li["amount"] * 1000, li["quantity_milli"]),
              "gross_amount": li["amount"], "discount": 0} for li in payload["lines"]]
    return {**payload, "lines": lines, "ticket": payload["refund_ticket"],
            "completed_at": payload["refunded_at"], "authorized_by": payload["approved_by"]}
