"""Arithmetic a schema cannot express: totals that must add up to the centavo.

Each check raises ``InvalidEvent("amounts", ...)``. They run after the schema check, so
they may assume the payload's shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pos_contracts.caea import check_caea_granted_v1
from pos_contracts.errors import InvalidEvent
from pos_contracts.fiscal_rules import check_fiscal_authorized_v1, check_fiscal_block

Payload = Mapping[str, Any]

# rate code -> (numerator, denominator) of the percentage, so 10.5 % stays exact.
_IVA_PERCENT: dict[str, tuple[int, int]] = {
    "21": (21, 1),
    "10.5": (21, 2),
    "27": (27, 1),
    "5": (5, 1),
    "2.5": (5, 2),
    "0": (0, 1),
    "exempt": (0, 1),
    "not_taxed": (0, 1),
}


def iva_included(gross: int, rate: str) -> int:
    """IVA contained in an IVA-included amount: round_half_up(gross * r / (100 + r)).

    Integer arithmetic only, so every producer and consumer gets the same centavo.
    """
    num, den = _IVA_PERCENT[rate]
    if num == 0:
        return 0
    divisor = 100 * den + num
    sign = -1 if gross < 0 else 1
    return sign * ((2 * abs(gross) * num + divisor) // (2 * divisor))


def _fail(reason: str) -> None:
    raise InvalidEvent("amounts", reason)


def _unique(values: Iterable[object], what: str) -> None:
    items = list(values)
    if len(set(items)) == len(items):
        return  # the usual case, without counting (this runs per sale on the ingest)
    repeated = [v for v, n in Counter(items).items() if n > 1]
    _fail(f"{what} repetido: {repeated[0]!r}")


def _by_rate(lines: Sequence[Payload]) -> dict[str, int]:
    by_rate: dict[str, int] = {}
    for line in lines:
        rate = line["iva_rate"]
        by_rate[rate] = by_rate.get(rate, 0) + line["amount"]
    return by_rate


def _check_iva(iva: Sequence[Payload], by_rate: Mapping[str, int], total: int, where: str) -> None:
    _unique((row["rate"] for row in iva), f"{where}: tasa de IVA")
    for row in iva:
        rate, gross = row["rate"], row["gross"]
        if row["net"] + row["tax"] != gross:
            _fail(
                f"{where}: IVA {rate}: neto + impuesto ({row['net']} + {row['tax']}) "
                f"!= bruto {gross}"
            )
        if row["tax"] != iva_included(gross, rate):
            _fail(
                f"{where}: IVA {rate}: impuesto {row['tax']} != {iva_included(gross, rate)} "
                f"(redondeo half-up de bruto*r/(100+r))"
            )
        if gross != by_rate.get(rate, 0):
            _fail(f"{where}: IVA {rate}: bruto {gross} != suma de líneas {by_rate.get(rate, 0)}")
    missing = set(by_rate) - {row["rate"] for row in iva}
    if missing:
        _fail(f"{where}: falta el IVA de la tasa {sorted(missing)[0]}")
    if sum(row["gross"] for row in iva) != total:
        _fail(f"{where}: la suma de brutos de IVA no es el total {total}")


def _check_totals(
    lines: Sequence[Payload],
    tenders: Sequence[Payload],
    total: int,
    change: int,
    where: str,
    lines_sum: int | None = None,
) -> None:
    _unique((line["line_no"] for line in lines), f"{where}: line_no")
    if lines_sum is None:
        lines_sum = sum(line["amount"] for line in lines)
    if lines_sum != total:
        _fail(f"{where}: total {total} != suma de líneas {lines_sum}")
    paid = sum(t["amount"] for t in tenders)
    if paid - change != total:
        _fail(f"{where}: pagos {paid} - vuelto {change} != total {total}")
    cash = sum(t["amount"] for t in tenders if t["kind"] == "cash")
    if change > cash:
        _fail(f"{where}: vuelto {change} mayor que el efectivo recibido {cash}")


def check_sale_completed_v1(p: Payload) -> None:
    _check_sale(p, p["ticket_discount"], "descuento de ticket")


def check_sale_completed_v2(p: Payload) -> None:
    """As v1; the cash rounding is spread into the lines like the ticket discount, and
    each line's ``discount`` is its own ``line_discount`` plus its share of both."""
    spread = p["ticket_discount"] + p["rounding"]
    _check_sale(p, spread, "descuento de ticket más redondeo")
    shares = 0
    for line in p["lines"]:
        if line["line_discount"] > line["discount"]:
            _fail(f"venta: línea {line['line_no']}: descuento propio mayor que su descuento")
        shares += line["discount"] - line["line_discount"]
    if shares != spread:
        _fail(
            f"venta: lo repartido en las líneas ({shares}) no es el descuento de ticket más "
            f"el redondeo ({spread})"
        )


def _priced(line: Payload) -> bool:
    """gross = round_half_up(unit_price × quantity_milli / 1000), the till's rule. A line
    sold by weight may instead carry the price printed on a scale label, its quantity then
    being that price's weight to the gram: within half a milli-unit of unit price."""
    off = 1000 * line["gross_amount"] - line["unit_price"] * line["quantity_milli"]
    if -500 < off <= 500:
        return True
    return bool(line["sold_by_weight"]) and 2 * abs(off) <= 1000 + line["unit_price"]


def check_sale_completed_v3(p: Payload) -> None:
    """As v2 (ARCA's IVA rates admitted); the fiscal block adds up to the sale's total."""
    check_sale_completed_v2(p)
    check_fiscal_block(p["fiscal"], p["total"], "venta")


def check_sale_refunded_v2(p: Payload) -> None:
    check_sale_refunded_v1(p)
    check_fiscal_block(p["fiscal"], p["total"], "devolución")


def _check_sale(p: Payload, spread_in_lines: int, what: str) -> None:
    lines = p["lines"]
    # One pass over the lines (this runs for every sale the ingest receives); the checks
    # below still fail in the documented order, with the first offending line.
    lines_sum = discounted = 0
    by_rate: dict[str, int] = {}
    oversold: int | None = None
    mispriced: Payload | None = None
    for line in lines:
        gross, discount, amount = line["gross_amount"], line["discount"], line["amount"]
        lines_sum += amount
        discounted += gross - amount
        rate = line["iva_rate"]
        by_rate[rate] = by_rate.get(rate, 0) + amount
        if oversold is None and (discount > gross or amount > gross - discount):
            oversold = line["line_no"]
        if mispriced is None and not _priced(line):
            mispriced = line
    _check_totals(lines, p["tenders"], p["total"], p["change"], "venta", lines_sum)
    if mispriced is not None:
        exact = (mispriced["unit_price"] * mispriced["quantity_milli"] + 500) // 1000
        _fail(
            f"venta: línea {mispriced['line_no']}: bruto {mispriced['gross_amount']} != precio "
            f"unitario × cantidad ({exact}, redondeo half-up de precio × milésimas / 1000)"
        )
    # How a line's discount and its share of the ticket discount are split between
    # ``discount`` and ``amount`` is the till's business; what must hold either way is
    # that no line is sold above its gross and the lines carry the whole ticket discount.
    if oversold is not None:
        _fail(f"venta: línea {oversold}: importe mayor que bruto - descuento")
    if discounted < spread_in_lines:
        _fail(f"venta: {what} {spread_in_lines} mayor que lo descontado en las líneas {discounted}")
    _check_iva(p["iva"], by_rate, p["total"], "venta")


def check_sale_refunded_v1(p: Payload) -> None:
    _check_totals(p["lines"], p["tenders"], p["total"], 0, "devolución")
    _check_iva(p["iva"], _by_rate(p["lines"]), p["total"], "devolución")


def check_shift_closed_v1(p: Payload) -> None:
    totals = p["totals"]
    by_tender = totals["by_tender"]
    _unique((row["kind"] for row in by_tender), "cierre: medio de pago")
    for field in ("sales", "refunds"):
        if sum(row[field] for row in by_tender) != totals[field]:
            _fail(f"cierre: la suma por medio de pago no es el total de {field} {totals[field]}")
    cash = next((row for row in by_tender if row["kind"] == "cash"), {"sales": 0, "refunds": 0})
    expected = p["float"] + cash["sales"] - cash["refunds"] + totals["cash_in"] - totals["cash_out"]
    if p["expected_cash"] != expected:
        _fail(
            f"cierre: efectivo esperado {p['expected_cash']} != fondo + ventas - devoluciones "
            f"+ ingresos - retiros en efectivo ({expected})"
        )
    if p["over_short"] != p["counted_cash"] - p["expected_cash"]:
        _fail(f"cierre: diferencia {p['over_short']} != contado - esperado")
    for key, field in (("sales_by_iva", "sales"), ("refunds_by_iva", "refunds")):
        rows = totals[key]
        _unique((row["rate"] for row in rows), f"cierre: tasa de IVA en {key}")
        if sum(row["gross"] for row in rows) != totals[field]:
            _fail(f"cierre: la suma de {key} no es el total de {field}")
        for row in rows:
            if row["net"] + row["tax"] != row["gross"]:
                _fail(f"cierre: {key} {row['rate']}: neto + impuesto != bruto")


def check_shift_closed_v2(p: Payload) -> None:
    """As v1; the per-cashier rows add up to the shift's totals and counts."""
    check_shift_closed_v1(p)
    totals, cashiers = p["totals"], p["totals"]["by_cashier"]
    for field, whole in (
        ("sales", totals["sales"]),
        ("refunds", totals["refunds"]),
        ("sales_count", p["sales_count"]),
        ("refunds_count", p["refunds_count"]),
    ):
        if sum(row[field] for row in cashiers) != whole:
            _fail(f"cierre: la suma por cajero de {field} no es la del turno ({whole})")


def check_catalog_changed_v1(p: Payload) -> None:
    products = p["products"]
    check_catalog_codes(
        (product["sku"] for product in products),
        (code for product in products for code in product["barcodes"]),
        (product["plu"] for product in products),
    )


def check_catalog_codes(
    skus: Iterable[str], barcodes: Iterable[str], plus: Iterable[int | None]
) -> None:
    """Each code names one product: a till keys its products on the sku, its barcodes and
    its scale PLUs, so a repeated one could only be applied by guessing which is meant."""
    _unique(skus, "catálogo: sku")
    _unique(barcodes, "catálogo: código de barras")
    _unique((plu for plu in plus if plu is not None), "catálogo: PLU")


def check_people_changed_v1(p: Payload) -> None:
    _unique((person["user_id"] for person in p["people"]), "personal: user_id")


def _no_rules(p: Payload) -> None:
    """Nothing beyond the schema (e.g. shift.opened, cash.moved)."""


RULES: dict[tuple[str, int], Callable[[Payload], None]] = {
    ("sale.completed", 1): check_sale_completed_v1,
    ("sale.completed", 2): check_sale_completed_v2,
    ("sale.completed", 3): check_sale_completed_v3,
    ("sale.refunded", 1): check_sale_refunded_v1,
    ("sale.refunded", 2): check_sale_refunded_v2,
    ("fiscal.authorized", 1): check_fiscal_authorized_v1,
    ("shift.opened", 1): _no_rules,
    ("cash.moved", 1): _no_rules,
    ("shift.closed", 1): check_shift_closed_v1,
    ("shift.closed", 2): check_shift_closed_v2,
    ("catalog.changed", 1): check_catalog_changed_v1,
    ("catalog.changed", 2): check_catalog_changed_v1,  # v2 only admits more IVA rates
    ("caea.granted", 1): check_caea_granted_v1,
    ("people.changed", 1): check_people_changed_v1,
}
