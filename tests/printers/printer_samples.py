"""Sale payloads (wire format ``sale.completed`` v1) and a shop, for the printer tests."""

from __future__ import annotations

from typing import Any

from pos_printers.model import StoreInfo


def round_half_up_div(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def iva_breakdown(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rates = {"21": (21, 1), "10.5": (21, 2), "27": (27, 1)}
    by_rate: dict[str, int] = {}
    for line in lines:
        by_rate[line["iva_rate"]] = by_rate.get(line["iva_rate"], 0) + line["amount"]
    out = []
    for rate, gross in by_rate.items():
        if rate == "exempt":
            tax = 0
        else:
            num, den = rates[rate]
            # tax = gross * r / (100 + r), r = num/den
            tax = round_half_up_div(gross * num, 100 * den + num)
        out.append({"rate": rate, "gross": gross, "net": gross - tax, "tax": tax})
    return out


def line(no: int, description: str, unit_price: int, quantity_milli: int = 1000, *,
         by_weight: bool = False, discount: int = 0, rate: str = "21") -> dict[str, Any]:
    gross = unit_price * quantity_milli // 1000
    return {"line_no": no, "sku": f"SKU{no:04d}", "barcode": None, "description": description,
            "sold_by_weight": by_weight, "quantity_milli": quantity_milli,
            "unit_price": unit_price, "gross_amount": gross, "discount": discount,
            "amount": gross - discount, "iva_rate": rate}


def sale_payload(lines: list[dict[str, Any]] | None = None, *, ticket_number: int = 1234,
                 tenders: list[dict[str, Any]] | None = None, change: int | None = None,
                 ticket_discount: int = 0) -> dict[str, Any]:
    if lines is None:
        lines = [
            line(1, "Yerba Mate Playadito 1 kg", 450000, 2000),
            line(2, "Queso cremoso La Serenísima", 1200000, 750, by_weight=True, rate="10.5"),
            line(3, "Pañuelos descartables «Elite» × 6 unidades — edición económica",
                 99900, discount=10000),
            line(4, "Café Ñandú torrado intenso", 350000),
        ]
    if ticket_discount:  # spread into the lines, as the till does (all on the first here)
        lines[0]["amount"] -= ticket_discount
        lines[0]["discount"] += ticket_discount
    total = sum(x["amount"] for x in lines)
    if tenders is None:
        paid = (total // 100000 + 1) * 100000
        tenders = [{"kind": "cash", "amount": paid, "reference": None}]
        change = paid - total
    return {
        "sale_id": "6f1c2d1e-3d4b-4a7b-9a0e-0a1b2c3d4e5f",
        "ticket_number": ticket_number, "ticket": f"0001-{ticket_number:08d}",
        "shift_id": None, "cashier": {"user_id": "u-cajero", "name": "Ana Núñez"},
        "completed_at": "2026-11-28T10:31:05.123-03:00", "currency": "ARS",
        "lines": lines, "ticket_discount": ticket_discount, "total": total,
        "iva": iva_breakdown(lines), "tenders": tenders, "change": change or 0,
        "journal": {"seq": 17, "prev_hash": "0" * 64, "hash": "1" * 64},
    }


def twelve_line_payload() -> dict[str, Any]:
    names = ["Leche entera 1 l", "Pan francés", "Azúcar 1 kg", "Aceite girasol 1,5 l",
             "Fideos tirabuzón 500 g", "Galletitas de agua", "Arroz largo fino 1 kg",
             "Dulce de leche 400 g", "Jabón en polvo 800 g", "Tomate triturado 520 g",
             "Manzanas rojas", "Agua mineral sin gas 2 l"]
    lines = [line(i + 1, n, 100000 + 12345 * i, 1000 + 500 * (i % 3),
                  by_weight=n == "Manzanas rojas" or n == "Pan francés")
             for i, n in enumerate(names)]
    return sale_payload(lines)


STORE = StoreInfo(
    name="Almacén Don Ñato",
    cuit="30-71234567-9",
    address="Av. Corrientes 1234, C1043 CABA",
    iva_condition="Responsable Inscripto",
    header_lines=("Ing. Brutos: 901-123456-7", "Inicio de actividades: 01/03/2020"),
    footer_lines=("¡Gracias por su compra!", "Cambios dentro de los 30 días con ticket"),
    terminal_number=1,
)
