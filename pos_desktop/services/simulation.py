"""Realistic scripted sales through the same register the window uses."""

from __future__ import annotations

import random
from collections.abc import Callable

from pos_desktop.domain.barcode import make_scale_label
from pos_desktop.domain.product import Product
from pos_desktop.domain.sale import TenderKind
from pos_desktop.services.checkout import CompletedSale
from pos_desktop.services.register import Register

# Cash notes customers actually hand over (centavos).
NOTES = (100_000, 200_000, 1_000_000, 2_000_000)


def simulate_sale(register: Register, products: list[Product], rng: random.Random) -> CompletedSale:
    for _ in range(rng.randint(1, 12)):
        p = rng.choice(products)
        if p.sold_by_weight:
            grams = rng.randint(80, 2500)
            if p.plu is not None and rng.random() < 0.6:
                register.scan(make_scale_label(p.plu, grams))
            else:
                register.scan(f"{grams / 1000:.3f}*{p.sku}".replace(".", ","))
        elif rng.random() < 0.2:
            register.scan(f"{rng.randint(2, 6)}*{p.barcodes[0] if p.barcodes else p.sku}")
        else:
            register.scan(p.barcodes[0] if p.barcodes else p.sku)
    sale = register.sale
    if rng.random() < 0.1:
        register.discount_line(sale.lines[0].line_no, f"{rng.choice((5, 10, 15))}%")
    if rng.random() < 0.05:
        register.discount_ticket("10%")
    _pay(register, rng)
    return register.complete()


def _pay(register: Register, rng: random.Random) -> None:
    total = register.sale.total
    roll = rng.random()
    if roll < 0.45:
        note = next((n for n in NOTES if n >= total), None)
        register.tender(TenderKind.CASH, note if note and rng.random() < 0.7 else None)
    elif roll < 0.7:
        register.tender(TenderKind.DEBIT)
    elif roll < 0.85:
        register.tender(TenderKind.CREDIT)
    elif roll < 0.93:
        register.tender(TenderKind.TRANSFER, reference=f"MP-{rng.randint(10**8, 10**9)}")
    else:
        part = max(1, total // 2) if total > 1 else None
        register.tender(TenderKind.CASH, part)
        if register.sale.due:
            register.tender(TenderKind.DEBIT)


def simulate(
    register: Register,
    products: list[Product],
    count: int,
    *,
    seed: int | None = None,
    on_sale: Callable[[CompletedSale], None] | None = None,
) -> list[CompletedSale]:
    rng = random.Random(seed)
    sellable = [p for p in products if p.active]
    done = []
    for _ in range(count):
        sale = simulate_sale(register, sellable, rng)
        if on_sale:
            on_sale(sale)
        done.append(sale)
    return done
