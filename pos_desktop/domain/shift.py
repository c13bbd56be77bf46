"""A shift's money: the figures of the X and Z reports and the drawer's over/short.

Expected cash = float + cash sales - cash refunds + cash in - cash out, where cash sales
are net of the change given (the drawer only keeps what the sale cost). Over/short =
counted - expected: negative is a shortage. All integer centavos, no rounding anywhere.

IVA per rate on the Z is the sum of the IVA printed on each ticket (each ticket computes it
once per rate, see ``tax.py``), so the Z agrees with the receipts to the centavo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from pos_common.i18n import N_, _
from pos_common.messages import Language
from pos_desktop.domain.errors import DomainError, ShiftError
from pos_desktop.domain.money import div_round
from pos_desktop.domain.people import Person
from pos_desktop.domain.tax import IvaRate

TENDER_ORDER = ("cash", "debit", "credit", "transfer")
IVA_ORDER = tuple(rate.value for rate in IvaRate)
DEFAULT_TOLERANCE = 50_000  # $ 500: beyond this over/short the closer must say why


class NoOpenShift(ShiftError):
    message = N_("There is no open shift: open one with the drawer's float first.")


class ShiftAlreadyOpen(ShiftError):
    message = N_("A shift is already open at this till (opened {opened_at} by {name}).")


class ParkedSalesPending(ShiftError):
    message = "There are {count} parked sales: recall and finish or cancel them before the Z."

    def text(self, language: Language) -> str:
        count = int(str(self.params["count"]))
        return language.ngettext(
            "There is {count} parked sale: recall and finish or cancel it before the Z.",
            "There are {count} parked sales: recall and finish or cancel them before the Z.",
            count).format(count=count)


class SaleInProgress(ShiftError):
    message = N_("Finish or cancel the sale in progress first.")


class ReasonRequired(DomainError):
    message = N_("The drawer is {over_short} off, more than the {tolerance} allowed: write why.")


class InvalidCashMove(DomainError):
    message = N_("Invalid cash movement: {reason}")


class ShiftStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class TenderTotal:
    kind: str
    sales: int  # net of change for cash
    refunds: int


@dataclass(frozen=True, slots=True)
class IvaTotal:
    rate: str
    gross: int
    tax: int

    @property
    def net(self) -> int:
        return self.gross - self.tax


@dataclass(frozen=True, slots=True)
class CashierTotal:
    user_id: str
    name: str
    sales_count: int
    sales: int
    refunds_count: int = 0
    refunds: int = 0


@dataclass(frozen=True, slots=True)
class ShiftFigures:
    """Everything the X and Z print about one shift, before the drawer is counted."""

    shift_id: str
    opened_at: str
    opened_by: Person
    float: int
    sales_count: int = 0
    sales: int = 0
    discounts: int = 0
    rounding: int = 0
    """Cash rounding let off to customers (inside ``sales``, not in ``discounts``)."""
    refunds_count: int = 0
    refunds: int = 0
    cash_in: int = 0
    cash_out: int = 0
    cash_moves: int = 0
    by_tender: tuple[TenderTotal, ...] = ()
    sales_by_iva: tuple[IvaTotal, ...] = ()
    refunds_by_iva: tuple[IvaTotal, ...] = ()
    by_cashier: tuple[CashierTotal, ...] = ()
    voided_sales: int = 0
    voided_lines: int = 0
    overrides: int = 0
    first_ticket: str | None = None
    last_ticket: str | None = None

    def tender(self, kind: str) -> TenderTotal:
        return next((t for t in self.by_tender if t.kind == kind), TenderTotal(kind, 0, 0))

    @property
    def expected_cash(self) -> int:
        cash = self.tender("cash")
        return expected_cash(self.float, cash.sales, cash.refunds, self.cash_in, self.cash_out)


def expected_cash(float_: int, cash_sales: int, cash_refunds: int, cash_in: int,
                  cash_out: int) -> int:
    return float_ + cash_sales - cash_refunds + cash_in - cash_out


@dataclass(frozen=True, slots=True)
class DrawerCheck:
    """The blind count compared with what should be there (shown only after counting)."""

    counted: int
    expected: int
    tolerance: int = DEFAULT_TOLERANCE

    @property
    def over_short(self) -> int:
        return self.counted - self.expected

    @property
    def needs_reason(self) -> bool:
        return abs(self.over_short) > self.tolerance

    def require_reason(self, reason: str | None, money: str, tolerance: str) -> str | None:
        """The trimmed reason; raises ``ReasonRequired`` if it is missing and needed."""
        text = (reason or "").strip() or None
        if self.needs_reason and text is None:
            raise ReasonRequired(over_short=money, tolerance=tolerance)
        return text


def tender_totals(sales_paid: Mapping[str, int], change: int,
                  refunds: Mapping[str, int]) -> tuple[TenderTotal, ...]:
    """Per tender kind, in a fixed order, skipping kinds with no movement.

    ``sales_paid`` is what customers handed over per kind; the change given back comes
    out of cash, so cash sales are net of it.
    """
    rows = []
    for kind in TENDER_ORDER:
        sold = sales_paid.get(kind, 0) - (change if kind == "cash" else 0)
        back = refunds.get(kind, 0)
        if sold or back:
            rows.append(TenderTotal(kind, sold, back))
    unknown = (set(sales_paid) | set(refunds)) - set(TENDER_ORDER)
    if unknown:
        raise ShiftError(reason=_("unknown tender kind {kind}").format(kind=sorted(unknown)[0]))
    return tuple(rows)


def iva_totals(ticket_rate_gross: Iterable[tuple[str, int]]) -> tuple[IvaTotal, ...]:
    """Sum, per rate, of the IVA of each (ticket, rate) group ``(rate, gross)``."""
    gross: dict[str, int] = {}
    tax: dict[str, int] = {}
    # A Z adds up thousands of groups: the rate's figures are looked up once, and the
    # division is iva_contained's own (a test holds them equal).
    per_thousand = {r.value: r.per_thousand for r in IvaRate}
    for rate, amount in ticket_rate_gross:
        pm = per_thousand[rate]
        gross[rate] = gross.get(rate, 0) + amount
        tax[rate] = tax.get(rate, 0) + (div_round(amount * pm, 1000 + pm) if pm else 0)
    return tuple(IvaTotal(r, gross[r], tax[r]) for r in IVA_ORDER if gross.get(r))


def merge_cashiers(sales: Iterable[tuple[str, str, int, int]],
                   refunds: Iterable[tuple[str, str, int, int]]) -> tuple[CashierTotal, ...]:
    """Per cashier ``(user_id, name, count, amount)`` of sales and refunds, by name."""
    rows: dict[str, CashierTotal] = {}
    for user_id, name, count, amount in sales:
        rows[user_id] = CashierTotal(user_id, name, count, amount)
    for user_id, name, count, amount in refunds:
        old = rows.get(user_id, CashierTotal(user_id, name, 0, 0))
        rows[user_id] = CashierTotal(user_id, old.name, old.sales_count, old.sales, count, amount)
    return tuple(sorted(rows.values(), key=lambda c: (c.name.casefold(), c.user_id)))


@dataclass(frozen=True, slots=True)
class ZClose:
    """A closed shift: its figures, the count and who closed it. ``z_number`` is gapless."""

    figures: ShiftFigures
    z_number: int
    closed_at: str
    closed_by: Person
    counts: Mapping[str, int]
    check: DrawerCheck
    reason: str | None = None
    approved_by: Person | None = None
    journal_seq: int = 0
    journal_hash: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)
