"""Valid, internally consistent event streams for tests and benchmarks of both ends.

``SimulatedTerminal`` behaves like one till: gapless seq, gapless ticket numbers, a
hash-chained journal, and a shift whose Z close adds up to what was sold. Deterministic
for a given seed.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from pos_contracts.envelope import Envelope, build_envelope
from pos_contracts.rules import iva_included

_ART = timezone(timedelta(hours=-3))
_PRODUCTS = (
    ("7790001", "7790895000997", "Yerba Mate Playadito 1 kg", False, 450000, "21"),
    ("7790002", "7790070012345", "Aceite de girasol 1,5 l", False, 329900, "21"),
    ("7790003", "7790580123456", "Leche entera 1 l", False, 129900, "21"),
    ("7790004", "7791234567890", "Pan lactal", False, 219950, "21"),
    ("2000123", None, "Manzana roja (kg)", True, 259900, "10.5"),
    ("2000124", None, "Carne picada especial (kg)", True, 899900, "10.5"),
    ("7790005", "7790001000017", "Gaseosa cola 2,25 l", False, 289900, "21"),
    ("7790006", "7790002000015", "Vino tinto malbec", False, 549900, "21"),
    ("7790007", "7790003000013", "Alfajor triple", False, 99900, "27"),
    ("7790008", "7790004000011", "Libro de cuentos", False, 1599900, "exempt"),
)


def iva_breakdown(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``iva`` array of a ticket from its lines' amounts."""
    gross: Counter[str] = Counter()
    for line in lines:
        gross[line["iva_rate"]] += line["amount"]
    return [
        {"rate": rate, "gross": g, "net": g - iva_included(g, rate), "tax": iva_included(g, rate)}
        for rate, g in sorted(gross.items())
    ]


class SimulatedTerminal:
    """One till producing valid events in order."""

    def __init__(
        self,
        store_id: str = "S001",
        terminal_id: str = "T01",
        *,
        seed: int = 0,
        day: str = "2026-11-28",
    ) -> None:
        self.store_id, self.terminal_id = store_id, terminal_id
        self._random = random.Random(seed)
        self._clock = datetime.fromisoformat(day).replace(hour=8, tzinfo=_ART)
        self.seq = 0
        self.ticket_number = 0
        self.refund_number = 0
        self.z_number = 0
        self.journal_seq = 0
        self.journal_hash = "0" * 64
        self.shift_id: str | None = None
        self._shift: dict[str, Any] = {}
        self.cashier = {"user_id": "u-cajero", "name": "Ana"}
        self.manager = {"user_id": "u-encargada", "name": "Marta"}

    # -- plumbing ---------------------------------------------------------------------
    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def _tick(self) -> str:
        self._clock += timedelta(seconds=self._random.randint(5, 30))
        return self._clock.isoformat(timespec="milliseconds")

    def _journal(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.journal_seq += 1
        digest = hashlib.sha256(
            (self.journal_hash + repr(sorted(payload.items()))).encode()
        ).hexdigest()
        entry = {"seq": self.journal_seq, "prev_hash": self.journal_hash, "hash": digest}
        self.journal_hash = digest
        return entry

    def _emit(self, event_type: str, payload: dict[str, Any], at: str) -> Envelope:
        self.seq += 1
        return build_envelope(
            event_type,
            payload,
            store_id=self.store_id,
            terminal_id=self.terminal_id,
            seq=self.seq,
            occurred_at=at,
            event_id=self._uuid(),
            trace_id=uuid.UUID(int=self._random.getrandbits(128)).hex,
        )

    def _ticket(self, number: int) -> str:
        digits = "".join(c for c in self.terminal_id if c.isdigit())
        return f"{int(digits or 1):04d}-{number:08d}"

    def start_day(self, day: str) -> None:
        """Move the till's clock to 08:00 of another day (seq and tickets carry on)."""
        self._clock = datetime.fromisoformat(day).replace(hour=8, tzinfo=_ART)

    # -- events -----------------------------------------------------------------------
    def open_shift(self, float_amount: int = 2_000_000) -> Envelope:
        self.shift_id = self._uuid()
        self._shift = {
            "float": float_amount,
            "sales": Counter(),
            "refunds": Counter(),
            "cash_in": 0,
            "cash_out": 0,
            "sales_lines": [],
            "refund_lines": [],
            "tickets": [],
        }
        at = self._tick()
        payload = {
            "shift_id": self.shift_id,
            "opened_by": self.manager,
            "opened_at": at,
            "currency": "ARS",
            "float": float_amount,
        }
        payload["journal"] = self._journal(payload)
        return self._emit("shift.opened", payload, at)

    def sale(self, line_count: int | None = None, *, tender: str | None = None) -> Envelope:
        count = line_count or self._random.randint(1, 12)
        lines: list[dict[str, Any]] = []
        for line_no in range(1, count + 1):
            sku, barcode, description, by_weight, price, rate = self._random.choice(_PRODUCTS)
            quantity = (
                self._random.randint(150, 2500) if by_weight else 1000 * self._random.randint(1, 4)
            )
            gross = (quantity * price + 500) // 1000
            discount = gross // 10 if self._random.random() < 0.1 else 0
            lines.append(
                {
                    "line_no": line_no,
                    "sku": sku,
                    "barcode": barcode,
                    "description": description,
                    "sold_by_weight": by_weight,
                    "quantity_milli": quantity,
                    "unit_price": price,
                    "gross_amount": gross,
                    "discount": discount,
                    "line_discount": discount,
                    "amount": gross - discount,
                    "iva_rate": rate,
                }
            )
        total = sum(line["amount"] for line in lines)
        kind = tender or self._random.choice(("cash", "cash", "debit", "credit", "transfer"))
        paid = -(-total // 100_000) * 100_000 if kind == "cash" else total
        self.ticket_number += 1
        at = self._tick()
        payload: dict[str, Any] = {
            "sale_id": self._uuid(),
            "ticket_number": self.ticket_number,
            "ticket": self._ticket(self.ticket_number),
            "shift_id": self.shift_id,
            "cashier": self.cashier,
            "completed_at": at,
            "currency": "ARS",
            "lines": lines,
            "ticket_discount": 0,
            "rounding": 0,
            "total": total,
            "iva": iva_breakdown(lines),
            "tenders": [{"kind": kind, "amount": paid, "reference": None}],
            "change": paid - total,
            "fiscal": None,  # v3: a training till's sale (no comprobante)
        }
        payload["journal"] = self._journal(payload)
        if self._shift:
            self._shift["sales"][kind] += total
            self._shift["sales_lines"] += lines
            self._shift["tickets"].append(payload["ticket"])
        return self._emit("sale.completed", payload, at)

    def refund(self, sale: Envelope, *, tender: str = "cash") -> Envelope:
        """Give back the first line of a sale."""
        original = sale.payload["lines"][0]
        lines = [
            {
                "line_no": 1,
                "original_line_no": original["line_no"],
                "sku": original["sku"],
                "description": original["description"],
                "sold_by_weight": original["sold_by_weight"],
                "quantity_milli": original["quantity_milli"],
                "amount": original["amount"],
                "iva_rate": original["iva_rate"],
            }
        ]
        self.refund_number += 1
        at = self._tick()
        payload: dict[str, Any] = {
            "refund_id": self._uuid(),
            "sale_id": sale.payload["sale_id"],
            "original_ticket": sale.payload["ticket"],
            "refund_ticket_number": self.refund_number,
            "refund_ticket": self._ticket(self.refund_number),
            "shift_id": self.shift_id,
            "cashier": self.cashier,
            "approved_by": self.manager,
            "reason": "Producto fallado",
            "refunded_at": at,
            "currency": "ARS",
            "lines": lines,
            "total": original["amount"],
            "iva": iva_breakdown(lines),
            "tenders": [{"kind": tender, "amount": original["amount"], "reference": None}],
            "fiscal": None,  # v2: no Nota de Crédito
        }
        payload["journal"] = self._journal(payload)
        if self._shift:
            self._shift["refunds"][tender] += original["amount"]
            self._shift["refund_lines"] += lines
        return self._emit("sale.refunded", payload, at)

    def move_cash(
        self, direction: str, amount: int, reason: str = "Retiro a caja fuerte"
    ) -> Envelope:
        assert self.shift_id, "open a shift first"
        at = self._tick()
        payload: dict[str, Any] = {
            "movement_id": self._uuid(),
            "shift_id": self.shift_id,
            "direction": direction,
            "amount": amount,
            "currency": "ARS",
            "reason": reason,
            "by": self.manager,
            "moved_at": at,
        }
        payload["journal"] = self._journal(payload)
        self._shift["cash_in" if direction == "in" else "cash_out"] += amount
        return self._emit("cash.moved", payload, at)

    def close_shift(self, counted_difference: int = 0) -> Envelope:
        assert self.shift_id, "open a shift first"
        s = self._shift
        kinds = sorted(set(s["sales"]) | set(s["refunds"]))
        by_tender = [{"kind": k, "sales": s["sales"][k], "refunds": s["refunds"][k]} for k in kinds]
        expected = (
            s["float"] + s["sales"]["cash"] - s["refunds"]["cash"] + s["cash_in"] - s["cash_out"]
        )
        self.z_number += 1
        at = self._tick()
        payload: dict[str, Any] = {
            "shift_id": self.shift_id,
            "z_number": self.z_number,
            "closed_by": self.manager,
            "closed_at": at,
            "currency": "ARS",
            "float": s["float"],
            "expected_cash": expected,
            "counted_cash": max(0, expected + counted_difference),
            "over_short": max(0, expected + counted_difference) - expected,
            "totals": {
                "sales": sum(s["sales"].values()),
                "refunds": sum(s["refunds"].values()),
                "cash_in": s["cash_in"],
                "cash_out": s["cash_out"],
                "by_tender": by_tender,
                "sales_by_iva": iva_breakdown(s["sales_lines"]),
                "refunds_by_iva": iva_breakdown(s["refund_lines"]),
                "discounts": 0,
                "rounding": 0,
                "by_cashier": [
                    {
                        **(self.cashier or {"user_id": "", "name": "—"}),
                        "sales_count": len(s["tickets"]),
                        "sales": sum(s["sales"].values()),
                        "refunds_count": len(s["refund_lines"]),
                        "refunds": sum(s["refunds"].values()),
                    }
                ],
                "voided_sales": 0,
                "voided_lines": 0,
                "overrides": 0,
            },
            "sales_count": len(s["tickets"]),
            "refunds_count": len(s["refund_lines"]),
            "first_ticket": s["tickets"][0] if s["tickets"] else None,
            "last_ticket": s["tickets"][-1] if s["tickets"] else None,
        }
        payload["journal"] = self._journal(payload)
        self.shift_id, self._shift = None, {}
        return self._emit("shift.closed", payload, at)
