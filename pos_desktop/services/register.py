"""The register: the sale in progress at this till and what the cashier does to it.

It keeps the open sale in memory and saves a copy of it after every change (each line,
each tender: ``SaleDrafts``, one short write of its own, never in a sale's commit), so a
crash or a power cut keeps it; ``recover`` puts it back on screen at the next start. It
touches the database otherwise only to look up products, to park/recall, and to
complete the sale atomically.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from pos_common.i18n import N_, ngettext
from pos_desktop.config import Identity
from pos_desktop.domain.barcode import DEFAULT_SCALE_PATTERN, ScaleLabelFormat
from pos_desktop.domain.errors import (
    EmptySale,
    InvalidDiscount,
    InvalidQuantity,
    PosError,
    UnknownProduct,
)
from pos_desktop.domain.fiscal.buyer import ANONYMOUS, Buyer, require_identification
from pos_desktop.domain.fiscal.errors import InvalidBuyer
from pos_desktop.domain.fiscal.kinds import ComprobanteType, check_buyer_fits, invoice_type
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition
from pos_desktop.domain.money import div_round, parse_money, parse_percent, parse_quantity
from pos_desktop.domain.product import Product
from pos_desktop.domain.sale import Discount, Sale, SaleLine, Tender, TenderKind
from pos_desktop.domain.shift import NoOpenShift
from pos_desktop.domain.tax import IvaRate
from pos_desktop.fiscal.contingency import Contingency
from pos_desktop.services.checkout import Cashier, CompletedSale, complete_sale
from pos_desktop.services.fiscal import FiscalPolicy
from pos_desktop.services.ports import UnitOfWork
from pos_desktop.store.catalog_repo import CatalogRepository

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

# "3*code", "0,350*code", "3x code"; "3*" alone is a quantity waiting for the next code.
_ENTRY = re.compile(r"^\s*([0-9]+(?:[.,][0-9]{1,3})?)\s*[*xX]\s*(\S*)\s*$")
_STARRED = re.compile(r"^\s*(.*?)\s*\*\s*(\S*)\s*$")
MAX_PLU_DIGITS = 5


@dataclass(frozen=True, slots=True)
class Entry:
    """What the cashier typed or scanned, read once for the window and the register."""

    quantity: str | None  # "3", "0,350": as typed, parsed against the product
    code: str | None  # None: the quantity waits for the next code ("3*" then a scan)


def read_entry(text: str) -> Entry:
    """``code``, ``3*code``, ``0,350*code`` or ``3*`` alone. Whatever stands before a
    ``*`` must be a quantity (``abc*code`` is a bad quantity, not an unknown code)."""
    m = _ENTRY.match(text)
    if m:
        return Entry(m.group(1), m.group(2) or None)
    starred = _STARRED.match(text)
    if starred and starred.group(1):
        raise InvalidQuantity(text=starred.group(1))
    code = text.strip().removeprefix("*").strip()
    return Entry(None, code or None)


class WeightNeeded(PosError):
    message = N_("{name} is sold by weight: type the kilos first, e.g. 0,350*{code}")


class Guard(Protocol):
    """Permission port: raises PermissionDenied unless the action is allowed now."""

    def check(self, action: str, **details: Any) -> None: ...


class CashierSession(Protocol):
    """Who is selling (``services.people.Session``); raises if nobody is logged in."""

    def cashier(self) -> Cashier: ...


class SaleDrafts(Protocol):
    """Where the sale on screen is saved as it changes (``store.drafts.DraftBook``)."""

    def save(self, data: dict[str, Any]) -> None: ...

    def clear(self) -> None: ...

    def close(self) -> None:
        """Wait for what was saved to be on disk, and let go of the file."""
        ...

    def pending(self) -> dict[str, Any] | None:
        """The sale left in progress when the till stopped (None if it was completed or
        parked, or there was none)."""
        ...


def changes_sale(
    method: Callable[Concatenate[Register, P], R],
) -> Callable[Concatenate[Register, P], R]:
    """After ``method`` changed the sale, save it (``Register.save_draft``); a refused
    change raises before anything is saved."""

    @functools.wraps(method)
    def saving(self: Register, /, *args: P.args, **kwargs: P.kwargs) -> R:
        result = method(self, *args, **kwargs)
        self.save_draft()
        return result

    return saving


class AllowAll:
    """Used where no people are configured (tests of pure selling, the benchmark)."""

    def check(self, action: str, **details: Any) -> None:
        return None


@dataclass
class Register:
    uow_factory: Callable[[], UnitOfWork]
    catalog: CatalogRepository  # on a read connection: lookups never wait for writers
    identity: Identity
    cashier: Cashier | None = None
    shift_id: Callable[[], str | None] = field(default=lambda: None)
    guard: Guard = field(default_factory=AllowAll)
    # With a session (the real till), a sale needs a logged-in cashier and an open shift.
    session: CashierSession | None = None
    scale: ScaleLabelFormat = field(default_factory=lambda: ScaleLabelFormat(DEFAULT_SCALE_PATTERN))
    print_receipts: bool = True
    shift_open: Callable[[], bool] | None = None
    """With a session: is a shift open? Asked at a sale's first line, so a closed shift
    is said at the first scan (and the shift offered), not at the payment."""
    cash_unit: int = 1
    """Cash is rounded down to this many centavos (``cash.rounding_unit``); 1: no rounding."""
    fiscal: FiscalPolicy | None = None
    """The comprobantes this till issues (fiscal mode ARCA); None: training, no comprobante."""
    contingency: Contingency | None = None
    """Set by the fiscal worker while ARCA does not answer: sales are issued with CAEA."""
    buyer: Buyer | None = None
    """Who the current sale's comprobante is for (None: an anonymous consumer)."""
    drafts: SaleDrafts | None = None
    """Where the sale in progress is saved at each change; None: kept in memory only."""
    sale: Sale = field(default_factory=Sale)

    def __setattr__(self, name: str, value: Any) -> None:
        # Every sale on this register (new, recalled or replaced) rounds cash the same way.
        super().__setattr__(name, value)
        if name == "sale":
            if not value.tenders:  # a recalled sale already being paid keeps its rounding
                value.cash_unit = self.cash_unit
            super().__setattr__("buyer", None)  # a new sale is for an anonymous consumer
        elif name == "cash_unit" and "sale" in self.__dict__ and not self.sale.tenders:
            self.sale.cash_unit = value  # a sale already being paid keeps its rounding

    # -- scanning ------------------------------------------------------------------------
    @changes_sale
    def scan(self, text: str, *, quantity: str | None = None) -> SaleLine:
        """Add what the cashier typed or scanned: ``code``, ``3*code``, ``0,350*code``, a
        scale label, or a scale PLU typed by hand with its weight (``0,500*401``).
        ``quantity`` is one typed before (``3*`` then the scan); one in ``text`` wins."""
        entry = read_entry(text)
        if entry.code is None:
            raise UnknownProduct(code=text.strip() or "—")
        self._need_open_shift()
        qty_text, code = entry.quantity or quantity, entry.code
        # A product's own code wins over the scale-label reading: shops print in-store codes
        # in the same 20–29 range, and reading one as a label would sell another product.
        exact = self.catalog.by_code(code)
        reading = self.scale.read(code) if qty_text is None and exact is None else None
        if reading is not None:
            product = self.catalog.by_plu(reading.plu)
            if product is None:
                raise UnknownProduct(code=code)
            if reading.price is not None:
                grams = div_round(reading.price * 1000, product.price) if product.price else 1000
                return self.sale.add(
                    product, max(grams, 1), barcode=code, fixed_gross=reading.price
                )
            assert reading.grams is not None
            return self.sale.add(product, reading.grams, barcode=code)
        product = exact or self._typed_plu(code)
        if product is None:
            raise UnknownProduct(code=code)
        if qty_text is None:
            if product.sold_by_weight:
                raise WeightNeeded(name=product.name, code=code)
            milli = 1000
        else:
            milli = parse_quantity(qty_text, weighed=product.sold_by_weight)
        barcode = code if code not in (product.sku, str(product.plu)) else None
        return self.sale.add(product, milli, barcode=barcode)

    def _typed_plu(self, code: str) -> Product | None:
        """The scale's PLU, typed by hand with the weight read off the scale."""
        if code.isascii() and code.isdigit() and len(code) <= MAX_PLU_DIGITS:
            return self.catalog.by_plu(int(code))
        return None

    @changes_sale
    def add_product(self, product: Product, quantity_milli: int = 1000) -> SaleLine:
        """Add a product picked from the search list or a product key."""
        self._need_open_shift()
        return self.sale.add(product, quantity_milli)

    def _need_open_shift(self) -> None:
        if not self.sale.lines and self.shift_open is not None and not self.shift_open():
            raise NoOpenShift()

    def search(self, text: str, limit: int = 50) -> list[Product]:
        return self.catalog.search(text, limit)

    # -- the product keys of a touch screen ---------------------------------------------------
    def categories(self) -> list[str]:
        return self.catalog.categories()

    def products_in(self, category: str, offset: int = 0, limit: int = 24) -> tuple[
            list[Product], int]:
        """One page of a category, and how many it has in all."""
        return (self.catalog.in_category(category, offset, limit),
                self.catalog.count_in_category(category))

    def quick_keys(self, favourites: Sequence[str], limit: int = 24) -> list[Product]:
        """The manager's favourites; without any, what cannot be scanned (weighed goods,
        goods with no barcode: bread, fruit, cold cuts)."""
        chosen = self.catalog.by_skus(list(favourites)[:limit])
        return chosen or self.catalog.without_barcode(limit)

    # -- editing -------------------------------------------------------------------------
    @changes_sale
    def set_quantity(self, line_no: int, text: str) -> None:
        line = self.sale.line(line_no)
        quantity = parse_quantity(text, weighed=line.product.sold_by_weight)
        if quantity < line.quantity_milli:  # fewer units: a void of those units
            trial = copy.deepcopy(self.sale)
            trial.set_quantity(line_no, quantity)
            self.guard.check("void_line", sale_id=self.sale.sale_id, line_no=line_no,
                             sku=line.product.sku, amount=line.gross - trial.line(line_no).gross,
                             quantity_milli=quantity)
        self._recheck_discounts(lambda sale: sale.set_quantity(line_no, quantity))
        self.sale.set_quantity(line_no, quantity)

    @changes_sale
    def void_line(self, line_no: int) -> SaleLine:
        line = self.sale.line(line_no)
        self.guard.check("void_line", sale_id=self.sale.sale_id, line_no=line_no,
                         sku=line.product.sku, amount=line.gross)
        self._recheck_discounts(lambda sale: sale.void_line(line_no))
        return self.sale.void_line(line_no)

    def _recheck_discounts(self, change: Callable[[Sale], object]) -> None:
        """A fixed-amount discount grows as a share when the amount under it shrinks (fewer
        units, a voided line, a lower price): the limit is checked again on the result, so
        a discount allowed at 10 % cannot quietly become 70 %."""
        before = _largest_discount(self.sale)
        trial = copy.deepcopy(self.sale)
        change(trial)
        after = _largest_discount(trial)
        if after > before:
            # "recheck": an approval for this growth is not one for a new discount
            self.guard.check(
                "discount", sale_id=self.sale.sale_id, percent_bp=after, recheck=True
            )

    @changes_sale
    def discount_line(self, line_no: int, text: str) -> None:
        discount = parse_discount(text)
        line = self.sale.line(line_no)
        self.guard.check(
            "discount",
            sale_id=self.sale.sale_id,
            line_no=line_no,
            percent_bp=_as_percent(discount, line.gross),
        )
        self.sale.set_line_discount(line_no, discount)

    @changes_sale
    def discount_ticket(self, text: str) -> None:
        discount = parse_discount(text)
        base = sum(li.after_line_discount for li in self.sale.lines)
        self.guard.check("discount", sale_id=self.sale.sale_id, line_no=None,
                         percent_bp=_as_percent(discount, base))
        self.sale.set_ticket_discount(discount)

    @changes_sale
    def override_price(self, line_no: int, text: str) -> None:
        line, price = self.sale.line(line_no), parse_money(text)
        self.guard.check("price_override", sale_id=self.sale.sale_id, line_no=line_no,
                         sku=line.product.sku,
                         old_price=line.unit_price, new_price=price)
        self._recheck_discounts(lambda sale: sale.set_price(line_no, price))
        self.sale.set_price(line_no, price)

    def _refuse_with_card_tenders(self) -> None:
        """A card, QR or transfer already charged must not vanish with the sale: the
        customer would be charged twice. Finish the sale or remove the payment first."""
        if any(t.kind is not TenderKind.CASH for t in self.sale.tenders):
            raise PosError(N_("A card or transfer payment was already taken: finish the sale, "
                              "or remove the payments first (F8 in the payment)."))

    @changes_sale
    def cancel(self) -> None:
        self._refuse_with_card_tenders()
        if self.sale.lines:
            self.guard.check("cancel_sale", sale_id=self.sale.sale_id,
                             lines=len(self.sale.lines), total=self.sale.total)
        self.sale = Sale()

    # -- paying --------------------------------------------------------------------------
    @changes_sale
    def tender(
        self, kind: TenderKind, amount: int | None = None, reference: str | None = None
    ) -> None:
        """Take a tender; ``None`` means the exact amount still due."""
        if not self.sale.lines:
            raise EmptySale()
        if amount is None:
            amount = self.sale.due_in_cash if kind is TenderKind.CASH else self.sale.due
        self.sale.add_tender(Tender(kind, amount, reference))

    @changes_sale
    def clear_tenders(self) -> None:
        """Remove the payments taken (F8 in the payment)."""
        self.sale.clear_tenders()

    def save_draft(self) -> None:
        """Save the sale on screen as it is now. A failed save is logged, never raised: the
        sale is still on screen, and its commit says what is wrong with the disk."""
        if self.drafts is None:
            return
        try:
            if self.sale.lines or self.sale.tenders:
                self.drafts.save(self._held())
            else:
                self.drafts.clear()
        except Exception:
            log.exception("could not save the sale in progress")

    def recover(self) -> Sale | None:
        """Put back on screen the sale left in progress when the till last stopped (a
        crash, kill -9, a power cut); None if there was none."""
        if self.drafts is None or self.sale.lines:
            return None
        data = self.drafts.pending()
        if data is None:
            return None
        self.sale = restore(data)
        self.buyer = restore_buyer(data.get("buyer"))  # after the sale: a new one resets it
        return self.sale

    def complete(self) -> CompletedSale:
        # The draft is left alone here: the commit path writes only the sale. The next
        # change replaces it, and ``pending`` ignores a draft whose sale is completed.
        done = complete_sale(
            self.uow_factory,
            self.sale,
            self.identity,
            cashier=self.current_cashier(),
            shift_id=self.shift_id(),
            print_receipt=self.print_receipts,
            require_shift=self.session is not None,
            buyer=self.buyer,
            contingency=self.contingency,
        )
        self.sale = Sale()
        return done

    # -- the comprobante ---------------------------------------------------------------------
    @changes_sale  # the buyer is kept with the sale in progress (a restart recovers both)
    def identify_buyer(self, buyer: Buyer | None) -> ComprobanteType | None:
        """Issue this sale's comprobante to ``buyer`` (None: anonymous again); returns the
        type it will be. A buyer the comprobante cannot go to is refused here."""
        if self.fiscal is not None and buyer is not None:
            check_buyer_fits(invoice_type(self.fiscal.seller.condition, buyer.condition), buyer)
        self.buyer = buyer
        return self.comprobante_type()

    def comprobante_type(self) -> ComprobanteType | None:
        """Factura A, B or C for the current buyer; None in fiscal mode none."""
        if self.fiscal is None:
            return None
        return invoice_type(self.fiscal.seller.condition,
                            (self.buyer or ANONYMOUS).condition)

    def check_identification(self) -> None:
        """RG 5700: refuse to take the payment when the total needs an identified buyer."""
        if self.fiscal is not None and self.sale.lines:
            require_identification(self.buyer or ANONYMOUS, self.sale.total,
                                   threshold=self.fiscal.identification_threshold)

    def current_cashier(self) -> Cashier | None:
        return self.cashier if self.session is None else self.session.cashier()

    def _cashier_id(self) -> str | None:
        cashier = self.current_cashier()
        return cashier.user_id if cashier else None

    def pay_and_complete(self, tenders: list[Tender]) -> CompletedSale:
        self.sale.clear_tenders()
        for t in tenders:
            self.sale.add_tender(t)
        return self.complete()

    # -- parking -------------------------------------------------------------------------
    def park(self, label: str = "") -> int:
        """Hold the sale on screen. Cash already taken stays with it (it is in the drawer):
        the recalled sale shows it paid and asks only the rest. A card or transfer is
        refused instead: finish that sale first (``_refuse_with_card_tenders``)."""
        if not self.sale.lines:
            raise EmptySale()
        self._refuse_with_card_tenders()
        data = self._held()
        with self.uow_factory() as uow:
            parked_id = uow.parked.add(
                label or self._count_label(),
                self.sale.total,
                data,
                self._cashier_id(),
            )
            uow.drafts.clear()  # with the parked row: held, never on screen twice
            uow.commit()
        self.sale = Sale()
        return parked_id

    def _count_label(self) -> str:
        """A held sale's name when the cashier gives none: "1 ítem", "3 ítems" (it was
        "1 ítems", and Spanish on an English till)."""
        count = len(self.sale.lines)
        return ngettext("{count} item", "{count} items", count).format(count=count)

    def parked(self) -> list[dict[str, Any]]:
        with self.uow_factory() as uow:
            return uow.parked.list()

    def recall(self, parked_id: int) -> Sale:
        """Bring back a parked sale; the sale on screen (if any) is parked in its place."""
        if self.sale.lines:
            self._refuse_with_card_tenders()
        with self.uow_factory() as uow:
            data = uow.parked.take(parked_id)
            if data is None:
                raise PosError(N_("That parked sale no longer exists."))
            if self.sale.lines:
                uow.parked.add(
                    self._count_label(), self.sale.total, self._held(),
                    self._cashier_id(),
                )
            uow.drafts.save(data)  # with the parked row's removal: never in neither place
            uow.commit()
        self.sale = restore(data)
        self.buyer = restore_buyer(data.get("buyer"))  # after the sale: a new one resets it
        return self.sale

    def _held(self) -> dict[str, Any]:
        """The sale on screen and its buyer (F8), as a draft or a parked sale keeps them."""
        return {**snapshot(self.sale), "buyer": buyer_snapshot(self.buyer)}


def parse_discount(text: str) -> Discount:
    """``10%`` → percent; ``$500`` or ``500`` → amount in pesos."""
    raw = text.strip()
    if not raw:
        raise InvalidDiscount(reason=N_("empty"))
    if raw.endswith("%"):
        return Discount(percent_bp=parse_percent(raw))
    amount = parse_money(raw)
    if amount <= 0:
        raise InvalidDiscount(reason=N_("must be greater than zero"))
    return Discount(amount=amount)


def _largest_discount(sale: Sale) -> int:
    """The largest discount of a sale (a line's or the ticket's), in basis points."""
    shares = [_as_percent(li.discount, li.gross) for li in sale.lines if li.discount]
    if sale.ticket_discount:
        base = sum(li.after_line_discount for li in sale.lines)
        shares.append(_as_percent(sale.ticket_discount, base))
    return max(shares, default=0)


def _as_percent(discount: Discount, base: int) -> int:
    if discount.percent_bp:
        return discount.percent_bp
    return 10_000 if base <= 0 else div_round(discount.amount * 10_000, base)


def snapshot(sale: Sale) -> dict[str, Any]:
    """A JSON-able copy of an open sale, for parking. Keeps the prices the customer saw,
    the cash already taken, and the rounding that cash was taken with."""
    return {
        "sale_id": sale.sale_id,
        "cash_unit": sale.cash_unit,
        "tenders": [[t.kind.value, t.amount, t.reference] for t in sale.tenders],
        "ticket_discount": [sale.ticket_discount.percent_bp, sale.ticket_discount.amount],
        "lines": [
            {
                "sku": li.product.sku,
                "name": li.product.name,
                "price": li.product.price,
                "iva_rate": li.product.iva_rate.value,
                "weighed": li.product.sold_by_weight,
                "plu": li.product.plu,
                "qty": li.quantity_milli,
                "unit_price": li.unit_price,
                "barcode": li.barcode,
                "discount": [li.discount.percent_bp, li.discount.amount],
                "fixed_gross": li.fixed_gross,
                "overridden": li.price_overridden,
            }
            for li in sale.lines
        ],
    }


def buyer_snapshot(buyer: Buyer | None) -> dict[str, Any] | None:
    """The buyer identified with F8, JSON-able (None: an anonymous consumer)."""
    if buyer is None:
        return None
    return {"document_type": buyer.document_type.value, "number": buyer.document_number,
            "condition": buyer.condition.value, "name": buyer.name}


def restore_buyer(data: dict[str, Any] | None) -> Buyer | None:
    if not data:
        return None
    try:
        return Buyer(DocumentType(data["document_type"]), int(data["number"]),
                     IvaCondition(data["condition"]), str(data["name"]))
    except (KeyError, ValueError, InvalidBuyer):  # the screen shows an anonymous consumer
        log.warning("the recovered sale's buyer could not be read: anonymous again",
                    exc_info=True)
        return None


def restore(data: dict[str, Any]) -> Sale:
    sale = Sale(sale_id=data["sale_id"])
    for li in data["lines"]:
        product = Product(
            li["sku"],
            li["name"],
            li["price"],
            IvaRate(li["iva_rate"]),
            li["weighed"],
            plu=li["plu"],
        )
        sale.lines.append(
            SaleLine(
                sale._next_line,
                product,
                li["qty"],
                li["unit_price"],
                li["barcode"],
                Discount(*li["discount"]),
                li["fixed_gross"],
                li["overridden"],
            )
        )
        sale._next_line += 1
    sale.ticket_discount = Discount(*data["ticket_discount"])
    sale.cash_unit = int(data.get("cash_unit", 1))
    for kind, amount, reference in data.get("tenders", []):  # none in sales parked before
        sale.tenders.append(Tender(TenderKind(kind), amount, reference))
    return sale


__all__ = [
    "AllowAll", "Entry", "Guard", "InvalidQuantity", "Register", "WeightNeeded", "read_entry",
]
