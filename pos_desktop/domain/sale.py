"""A sale at the till: lines, discounts, tenders and totals.

Amounts are IVA-inclusive integer centavos. The order of rounding (documented in README):

1. line gross   = round_half_up(unit_price × quantity_milli / 1000)  (or the label's price)
2. line discount = the amount given, or round_half_up(gross × percent)
3. ticket discount: an amount, or round_half_up(sum of lines after (2) × percent), spread
   over the lines in proportion to their amounts by the largest-remainder method, so the
   lines always add up to the total to the centavo and each line knows its IVA rate;
4. cash rounding: when cash settles the balance, the part paid in cash is rounded *down*
   to the till's cash unit (no centavo coins circulate), in the customer's favour; the
   difference is spread over the lines like a ticket discount, so the total, the lines
   and IVA are what was really charged, and the drawer's expected cash is exact;
5. IVA contained per rate, once per rate group (see ``tax.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import Enum

from pos_common.i18n import N_
from pos_desktop.domain.errors import (
    EmptySale,
    InvalidDiscount,
    InvalidQuantity,
    NoSuchLine,
    PaymentError,
    SaleNotOpen,
)
from pos_desktop.domain.money import div_round
from pos_desktop.domain.product import Product
from pos_desktop.domain.tax import IvaLine, IvaRate, iva_breakdown

MAX_QUANTITY_MILLI = 9_999_000


class TenderKind(Enum):
    CASH = "cash"
    DEBIT = "debit"
    CREDIT = "credit"
    TRANSFER = "transfer"  # transfer or QR wallet (Mercado Pago, MODO…)


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount: int
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Discount:
    """Either a percentage (basis points) or a fixed amount of centavos, never both."""

    percent_bp: int = 0
    amount: int = 0

    def __post_init__(self) -> None:
        if self.percent_bp and self.amount:
            raise InvalidDiscount(reason=N_("percent or amount, not both"))
        if self.percent_bp < 0 or self.amount < 0 or self.percent_bp > 10_000:
            raise InvalidDiscount(reason=N_("out of range"))

    def of(self, base: int) -> int:
        if self.amount:
            return self.amount
        return div_round(base * self.percent_bp, 10_000)

    def __bool__(self) -> bool:
        return bool(self.percent_bp or self.amount)


NO_DISCOUNT = Discount()


@dataclass(slots=True)
class SaleLine:
    line_no: int
    product: Product
    quantity_milli: int
    unit_price: int
    barcode: str | None = None
    discount: Discount = NO_DISCOUNT
    fixed_gross: int | None = None  # a price-embedded scale label fixes the amount
    price_overridden: bool = False

    @property
    def gross(self) -> int:
        if self.fixed_gross is not None:
            return self.fixed_gross
        return div_round(self.unit_price * self.quantity_milli, 1000)

    @property
    def line_discount(self) -> int:
        return self.discount.of(self.gross)

    @property
    def after_line_discount(self) -> int:
        return self.gross - self.line_discount


@dataclass(frozen=True, slots=True)
class Totals:
    gross: int
    line_discounts: int
    ticket_discount: int
    total: int
    line_amounts: dict[int, int]  # line_no → final amount (after its ticket-discount share)
    iva: list[IvaLine]
    rounding: int = 0
    """Cash rounding forgiven to the customer (spread over the lines like ticket_discount)."""

    @property
    def discounts(self) -> int:
        return self.line_discounts + self.ticket_discount


def spread(amount: int, weights: list[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights`` (largest remainder; ties → earlier)."""
    total = sum(weights)
    if not weights or total <= 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


class SaleStatus(Enum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass
class Sale:
    sale_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    lines: list[SaleLine] = field(default_factory=list)
    ticket_discount: Discount = NO_DISCOUNT
    tenders: list[Tender] = field(default_factory=list)
    status: SaleStatus = SaleStatus.OPEN
    voided_lines: int = 0
    _next_line: int = 1
    cash_unit: int = 1
    """Smallest amount of cash the till takes or gives, in centavos (100 = $ 1); 1: none."""
    _final: Totals | None = field(default=None, repr=False, compare=False)
    """The totals ``complete`` checked: a completed sale cannot change, so its receipt,
    event and rows use them instead of working them out again."""

    # -- lines ---------------------------------------------------------------------------
    def _require_open(self) -> None:
        if self.status is not SaleStatus.OPEN:
            raise SaleNotOpen()

    def add(
        self,
        product: Product,
        quantity_milli: int = 1000,
        *,
        barcode: str | None = None,
        fixed_gross: int | None = None,
    ) -> SaleLine:
        """Add a product. A repeated scan of the same unit item adds to the last line."""
        self._require_open()
        _check_quantity(quantity_milli, product)
        last = self.lines[-1] if self.lines else None
        if (
            last is not None
            and fixed_gross is None
            and last.fixed_gross is None
            and not product.sold_by_weight
            and last.product.sku == product.sku
            and not last.discount
            and not last.price_overridden
            and last.quantity_milli + quantity_milli <= MAX_QUANTITY_MILLI
        ):
            last.quantity_milli += quantity_milli
            return last
        line = SaleLine(
            self._next_line,
            product,
            quantity_milli,
            product.price,
            barcode,
            fixed_gross=fixed_gross,
        )
        self._next_line += 1
        self.lines.append(line)
        return line

    def line(self, line_no: int) -> SaleLine:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise NoSuchLine(line_no=line_no)

    def set_quantity(self, line_no: int, quantity_milli: int) -> None:
        self._require_open()
        line = self.line(line_no)
        _check_quantity(quantity_milli, line.product)
        if line.fixed_gross is not None:
            raise InvalidQuantity(text=N_("scale label"))
        line.quantity_milli = quantity_milli
        self._check_discounts()

    def set_price(self, line_no: int, unit_price: int) -> None:
        self._require_open()
        if unit_price <= 0:
            raise InvalidDiscount(reason=N_("price must be positive"))
        line = self.line(line_no)
        line.unit_price = unit_price
        line.price_overridden = True
        self._check_discounts()

    def void_line(self, line_no: int) -> SaleLine:
        self._require_open()
        line = self.line(line_no)
        self.lines.remove(line)
        self.voided_lines += 1
        if not self.lines:
            self.ticket_discount = NO_DISCOUNT
        self.tenders.clear()  # the amount due changed: tenders are taken again
        return line

    # -- discounts -----------------------------------------------------------------------
    def set_line_discount(self, line_no: int, discount: Discount) -> None:
        self._require_open()
        line = self.line(line_no)
        if discount.of(line.gross) > line.gross:
            raise InvalidDiscount(reason=N_("more than the line amount"))
        line.discount = discount

    def set_ticket_discount(self, discount: Discount) -> None:
        self._require_open()
        if not self.lines:
            raise EmptySale()
        base = sum(line.after_line_discount for line in self.lines)
        if discount.of(base) > base:
            raise InvalidDiscount(reason=N_("more than the sale amount"))
        self.ticket_discount = discount

    def _check_discounts(self) -> None:
        for line in self.lines:
            if line.line_discount > line.gross:
                line.discount = NO_DISCOUNT
        base = sum(line.after_line_discount for line in self.lines)
        if self.ticket_discount.of(base) > base:
            self.ticket_discount = NO_DISCOUNT

    # -- totals --------------------------------------------------------------------------
    def totals(self, *, as_if_cash: bool = False) -> Totals:
        """Totals now; ``as_if_cash``: as they will be once cash settles the balance."""
        if self._final is not None and self.status is SaleStatus.COMPLETED:
            return self._final
        after = [line.after_line_discount for line in self.lines]
        base = sum(after)
        ticket = self.ticket_discount.of(base) if self.ticket_discount else 0
        rounding = self._cash_rounding(base - ticket, as_if_cash)
        shares = spread(ticket + rounding, after)
        amounts: dict[int, int] = {}
        by_rate: dict[IvaRate, int] = {}
        for line, a, share in zip(self.lines, after, shares, strict=True):
            amounts[line.line_no] = a - share
            by_rate[line.product.iva_rate] = by_rate.get(line.product.iva_rate, 0) + a - share
        gross = sum(line.gross for line in self.lines)
        return Totals(
            gross=gross,
            line_discounts=gross - base,
            ticket_discount=ticket,
            total=base - ticket - rounding,
            line_amounts=amounts,
            iva=iva_breakdown(by_rate),
            rounding=rounding,
        )

    def _cash_rounding(self, before: int, as_if_cash: bool) -> int:
        """What the customer is let off when cash settles the sale: the rest the final cash
        tender pays is rounded down to the cash unit. A card paying last pays to the
        centavo; cash that does not settle the sale (a part, then a card) is not rounded;
        a rest below one unit is not rounded to nothing."""
        if self.cash_unit <= 1:
            return 0
        if as_if_cash:
            settled_before = self.tendered
        elif self.tenders and self.tenders[-1].kind is TenderKind.CASH:
            settled_before = self.tendered - self.tenders[-1].amount
        else:
            return 0
        rest = before - settled_before
        if rest < self.cash_unit:
            return 0
        rounding = rest % self.cash_unit
        if not as_if_cash and self.tenders[-1].amount < rest - rounding:
            return 0  # this cash does not settle the sale: something else will
        return rounding

    @property
    def total(self) -> int:
        return self.totals().total

    # -- payment -------------------------------------------------------------------------
    @property
    def tendered(self) -> int:
        return sum(t.amount for t in self.tenders)

    @property
    def due(self) -> int:
        return max(self.total - self.tendered, 0)

    @property
    def due_in_cash(self) -> int:
        """What is still due if the rest is paid in cash (rounded to the cash unit)."""
        if self.due == 0:
            return 0  # settled (maybe by rounded cash already): nothing more to pay
        return max(self.totals(as_if_cash=True).total - self.tendered, 0)

    @property
    def change(self) -> int:
        return max(self.tendered - self.total, 0)

    def add_tender(self, tender: Tender) -> None:
        """Take a tender. Only cash may exceed what is due (the excess is change)."""
        self._require_open()
        if not self.lines:
            raise EmptySale()
        if tender.amount <= 0:
            raise PaymentError(reason=N_("the amount must be greater than zero"))
        due = self.due
        if due == 0:
            raise PaymentError(reason=N_("the sale is already paid"))
        if tender.kind is not TenderKind.CASH and tender.amount > due:
            raise PaymentError(reason=N_("only cash can exceed the amount due"))
        self.tenders.append(tender)

    def clear_tenders(self) -> None:
        self._require_open()
        self.tenders.clear()

    def complete(self) -> None:
        self._require_open()
        if not self.lines:
            raise EmptySale()
        totals, tendered = self.totals(), self.tendered
        total = totals.total
        if total <= 0:
            raise PaymentError(reason=N_("the total must be greater than zero"))
        if tendered < total:
            raise PaymentError(reason=N_("the tenders do not cover the total"))
        cash = sum(t.amount for t in self.tenders if t.kind is TenderKind.CASH)
        if tendered - total > cash:
            raise PaymentError(reason=N_("change can only be given from cash"))
        self.status, self._final = SaleStatus.COMPLETED, totals

    def reopen(self) -> None:
        """Back to open after a completion that was not recorded (nothing was written)."""
        self.status, self._final = SaleStatus.OPEN, None

    def cancel(self) -> None:
        self._require_open()
        self.status = SaleStatus.CANCELLED


def _check_quantity(quantity_milli: int, product: Product) -> None:
    if quantity_milli <= 0 or quantity_milli > MAX_QUANTITY_MILLI:
        raise InvalidQuantity(text=str(quantity_milli / 1000))
    if not product.sold_by_weight and quantity_milli % 1000:
        raise InvalidQuantity(text=str(quantity_milli / 1000))
