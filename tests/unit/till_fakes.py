"""The unit of work port (``pos_desktop.services.ports``) in memory, for use-case tests.

``FakeTill`` is the database: what committed units of work left. Each ``FakeUnitOfWork``
works on a copy and puts it back only on ``commit()``, so leaving the ``with`` block
without committing (or raising) writes nothing, as in SQLite. Facts are written by the
same books as the till's (``pos_desktop.store.books.write_fact``): journal chain, envelope
validation, print job and audit are the real ones; only the rows are dicts and lists.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from pos_contracts import Envelope
from pos_desktop.config import Identity
from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.events import (
    CashMoved,
    DrawerOpened,
    E,
    Event,
    Payload,
    PrintJob,
    Recorded,
    SaleCompleted,
    SaleRefunded,
    ShiftClosed,
    ShiftOpened,
    XReportTaken,
)
from pos_desktop.domain.journal import GENESIS_HASH, JournalEntry
from pos_desktop.domain.people import LoginState, Person, User
from pos_desktop.domain.product import Product
from pos_desktop.domain.refund import RefundableLine
from pos_desktop.domain.shift import ShiftFigures, iva_totals, merge_cashiers, tender_totals
from pos_desktop.store.books import write_fact


@dataclass
class Tables:
    """Everything a till keeps, as plain Python."""

    counters: dict[str, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    sales: list[Payload] = field(default_factory=list)  # as recorded (journal block in)
    refunds: list[Payload] = field(default_factory=list)
    shifts: dict[str, dict[str, Any]] = field(default_factory=dict)
    cash_moves: list[Payload] = field(default_factory=list)
    parked: dict[int, dict[str, Any]] = field(default_factory=dict)
    draft: dict[str, Any] | None = None  # the sale on screen as last saved
    users: dict[str, tuple[User, str, LoginState]] = field(default_factory=dict)
    audit: list[tuple[AuditRecord, str | None]] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    outbox: list[tuple[Envelope, str, str]] = field(default_factory=list)  # + status
    print_jobs: list[PrintJob] = field(default_factory=list)
    fiscal: dict[str, dict[str, Any]] = field(default_factory=dict)  # by document id


class FakeTill:
    """The committed state, and the factory of units of work over it."""

    def __init__(self, identity: Identity | None = None) -> None:
        self.identity = identity or Identity()
        self.tables = Tables()
        self.commits = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def events(self, event_type: str | None = None) -> list[Envelope]:
        return [env for env, _tp, _s in self.tables.outbox
                if event_type is None or env.type == event_type]


class FakeUnitOfWork:
    def __init__(self, till: FakeTill) -> None:
        self.till = till
        self.identity = till.identity

    def __enter__(self) -> FakeUnitOfWork:
        self._work_on(copy.deepcopy(self.till.tables))
        return self

    def _work_on(self, t: Tables) -> None:
        self.t = t
        self._facts: list[Recorded[Any]] = []
        self.counters = _Counters(self.t)
        self.settings = _Settings(self.t)
        self.catalog = _Catalog(self.t)
        self.sales = _Sales(self.t)
        self.parked = _Parked(self.t)
        self.drafts = _Drafts(self.t)
        self.shifts = _Shifts(self.t)
        self.refunds = _Refunds(self.t)
        self.users = _Users(self.t)
        self.audit_log = _AuditLog(self.t, lambda: self.shifts.open_id(self.identity.terminal_id))
        self.outbox = _Outbox(self.t)
        self.fiscal = _Fiscal(self.t)

    def record(self, event: E) -> Recorded[E]:
        recorded = Recorded(event)
        self._facts.append(recorded)
        return recorded

    def commit(self) -> None:
        facts, self._facts = self._facts, []
        for recorded in facts:
            write_fact(_Ledger(self), recorded, self.identity)
        self.till.tables = self.t
        self.till.commits += 1
        for recorded in facts:
            recorded.committed = True
        self._work_on(copy.deepcopy(self.t))  # later writes in this block need a commit

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        del self.t  # uncommitted work is dropped


class _Ledger:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow, self.t = uow, uow.t

    def journal_head(self) -> tuple[int, str]:
        last = self.t.journal[-1] if self.t.journal else None
        return (0, GENESIS_HASH) if last is None else (last.seq, last.hash)

    def next_outbox_seq(self) -> int:
        return self.uow.counters.next("outbox")

    def write_journal(self, entry: JournalEntry) -> None:
        self.t.journal.append(entry)

    def write_rows(self, event: Event, payload: Payload, payload_json: str,
                   entry: JournalEntry | None, event_id: str | None) -> None:
        t = self.t
        if isinstance(event, SaleCompleted | SaleRefunded) and event.fiscal is not None:
            kind, source = (("sale", event.sale.sale_id) if isinstance(event, SaleCompleted)
                            else ("refund", event.refund_id))
            block = dict(event.fiscal.block)
            t.fiscal[event.fiscal.document_id] = {
                "document_id": event.fiscal.document_id, "source_kind": kind,
                "source_id": source, "block": block, "cbte_tipo": block["type"],
                "point_of_sale": block["point_of_sale"], "number": block["number"],
                "state": "pending", "original_id": event.fiscal.original_id}
        if isinstance(event, SaleCompleted):
            t.sales.append(payload)
        elif isinstance(event, SaleRefunded):
            t.refunds.append(payload)
        elif isinstance(event, ShiftOpened):
            t.shifts[event.shift_id] = {
                "shift_id": event.shift_id, "terminal_id": self.uow.identity.terminal_id,
                "status": "open", "opened_at": event.occurred_at,
                "opened_by_id": event.opened_by.user_id,
                "opened_by_name": event.opened_by.name, "float": event.float_amount,
                "float_counts": None if event.float_counts is None else
                json.dumps(dict(event.float_counts)),
            }
        elif isinstance(event, CashMoved):
            t.cash_moves.append(payload)
        elif isinstance(event, ShiftClosed):
            shift = t.shifts[event.shift_id]
            assert shift["status"] == "open"
            shift.update(status="closed", z_number=event.z_number,
                         report=event.report(payload), closed_event_id=event_id)
        elif not isinstance(event, DrawerOpened | XReportTaken):
            raise TypeError(f"the fake keeps no rows of {type(event).__name__}")

    def write_outbox(self, envelope: Envelope, traceparent: str) -> None:
        self.t.outbox.append((envelope, traceparent, "pending"))

    def write_print_job(self, job: PrintJob) -> None:
        self.t.print_jobs.append(job)

    def write_audit(self, record: AuditRecord) -> None:
        self.uow.audit_log.add(record)


class _Counters:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def next(self, name: str) -> int:
        self.t.counters[name] = self.t.counters.get(name, 0) + 1
        return self.t.counters[name]

    def peek(self, name: str) -> int:
        return self.t.counters.get(name, 0)


class _Settings:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def get(self, key: str, default: Any = None) -> Any:
        return copy.deepcopy(self.t.settings.get(key, default))

    def many(self, keys: Sequence[str]) -> dict[str, Any]:
        return {k: copy.deepcopy(self.t.settings[k]) for k in keys if k in self.t.settings}

    def set(self, key: str, value: Any) -> None:
        self.t.settings[key] = copy.deepcopy(value)

    def all(self) -> dict[str, Any]:
        return copy.deepcopy(self.t.settings)


class _Catalog:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def by_sku(self, sku: str) -> Product | None:
        return self.t.products.get(sku)

    def active_skus(self) -> list[str]:
        return [p.sku for p in self.t.products.values() if p.active]

    def barcode_owners(self, codes: Iterable[str]) -> dict[str, str]:
        owner = {c: p.sku for p in self.t.products.values() for c in p.barcodes}
        return {c: owner[c] for c in codes if c in owner}

    def upsert(self, items: Iterable[Product], *, catalog_version: int = 0) -> int:
        changed = 0
        for p in items:
            changed += self.t.products.get(p.sku) != p
            self.t.products[p.sku] = p
        return changed


class _Sales:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def payload_by_ticket(self, ticket_number: int) -> dict[str, Any] | None:
        return next((dict(s) for s in self.t.sales if s["ticket_number"] == ticket_number),
                    None)

    def payloads(self, since: str | None = None) -> Iterator[dict[str, Any]]:
        return iter([dict(s) for s in self.t.sales if since is None or
                     s["completed_at"] >= since])

    def count(self) -> int:
        return len(self.t.sales)


class _Parked:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def add(self, label: str, total: int, data: dict[str, Any], cashier_id: str | None
            ) -> int:
        parked_id = max(self.t.parked, default=0) + 1
        self.t.parked[parked_id] = {"id": parked_id, "label": label, "total": total,
                                    "data": copy.deepcopy(data), "cashier_id": cashier_id}
        return parked_id

    def list(self) -> list[dict[str, Any]]:
        return [{k: row[k] for k in ("id", "label", "total")} for row in self.t.parked.values()]

    def take(self, parked_id: int) -> dict[str, Any] | None:
        row = self.t.parked.pop(parked_id, None)
        return None if row is None else dict(row["data"])

    def count(self) -> int:
        return len(self.t.parked)


class _Drafts:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def save(self, data: dict[str, Any]) -> None:
        self.t.draft = copy.deepcopy(data)

    def clear(self) -> None:
        self.t.draft = None


class _Shifts:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def open_row(self, terminal_id: str) -> dict[str, Any] | None:
        return next((dict(s) for s in self.t.shifts.values()
                     if s["terminal_id"] == terminal_id and s["status"] == "open"), None)

    def open_id(self, terminal_id: str) -> str | None:
        row = self.open_row(terminal_id)
        return None if row is None else str(row["shift_id"])

    def by_z_number(self, z_number: int) -> dict[str, Any] | None:
        return next((dict(s) for s in self.t.shifts.values() if s.get("z_number") == z_number),
                    None)

    def last_closed(self) -> dict[str, Any] | None:
        closed = [s for s in self.t.shifts.values() if s.get("z_number") is not None]
        return dict(max(closed, key=lambda s: s["z_number"])) if closed else None

    def closed_events(self) -> list[tuple[int, str]]:
        return sorted((s["z_number"], s["closed_event_id"]) for s in self.t.shifts.values()
                      if s.get("z_number") is not None)

    def figures(self, shift: dict[str, Any], ticket: Callable[[int], str]) -> ShiftFigures:
        """The same sums as the SQL ones, over the recorded payloads."""
        sid = shift["shift_id"]
        sales = [s for s in self.t.sales if s["shift_id"] == sid]
        refunds = [r for r in self.t.refunds if r["shift_id"] == sid]
        moves = [m for m in self.t.cash_moves if m["shift_id"] == sid]

        def paid(rows: list[Payload]) -> dict[str, int]:
            out: dict[str, int] = {}
            for row in rows:
                for t in row["tenders"]:
                    out[t["kind"]] = out.get(t["kind"], 0) + t["amount"]
            return out

        def groups(rows: list[Payload]) -> list[tuple[str, int]]:
            return [(line_rate, sum(li["amount"] for li in row["lines"]
                                    if li["iva_rate"] == line_rate))
                    for row in rows for line_rate in {li["iva_rate"] for li in row["lines"]}]

        def people(rows: list[Payload], key: str) -> list[tuple[str, str, int, int]]:
            by: dict[str, list[Payload]] = {}
            for row in rows:
                by.setdefault((row[key] or {}).get("user_id", ""), []).append(row)
            return [(uid, (rs[0][key] or {}).get("name", "—"), len(rs),
                     sum(r["total"] for r in rs)) for uid, rs in by.items()]

        numbers = [s["ticket_number"] for s in sales]
        actions = [r.action for r, shift_id in self.t.audit if shift_id == sid]
        return ShiftFigures(
            shift_id=sid, opened_at=shift["opened_at"],
            opened_by=Person(shift["opened_by_id"], shift["opened_by_name"]),
            float=shift["float"], sales_count=len(sales),
            sales=sum(s["total"] for s in sales),
            discounts=sum(li["discount"] for s in sales for li in s["lines"])
            - sum(s["rounding"] for s in sales),
            rounding=sum(s["rounding"] for s in sales),
            refunds_count=len(refunds), refunds=sum(r["total"] for r in refunds),
            cash_in=sum(m["amount"] for m in moves if m["direction"] == "in"),
            cash_out=sum(m["amount"] for m in moves if m["direction"] == "out"),
            cash_moves=len(moves),
            by_tender=tender_totals(paid(sales), sum(s["change"] for s in sales), paid(refunds)),
            sales_by_iva=iva_totals(groups(sales)),
            refunds_by_iva=iva_totals(groups(refunds)),
            by_cashier=merge_cashiers(people(sales, "cashier"), people(refunds, "cashier")),
            voided_sales=actions.count("cancel_sale"), voided_lines=actions.count("void_line"),
            overrides=sum(1 for r, shift_id in self.t.audit
                          if shift_id == sid and r.approver is not None),
            first_ticket=ticket(min(numbers)) if numbers else None,
            last_ticket=ticket(max(numbers)) if numbers else None,
        )


class _Refunds:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def sale_by_ticket(self, ticket_number: int) -> dict[str, Any] | None:
        sale = next((s for s in self.t.sales if s["ticket_number"] == ticket_number), None)
        if sale is None:
            return None
        return {"sale_id": sale["sale_id"], "ticket_number": ticket_number,
                "shift_id": sale["shift_id"], "completed_at": sale["completed_at"],
                "total": sale["total"], "payload": json.dumps(sale)}

    def refundable_lines(self, sale_id: str) -> list[RefundableLine]:
        sale = next(s for s in self.t.sales if s["sale_id"] == sale_id)
        done: dict[int, int] = {}
        for refund in self.t.refunds:
            if refund["sale_id"] == sale_id:
                for li in refund["lines"]:
                    n = li["original_line_no"]
                    done[n] = done.get(n, 0) + li["quantity_milli"]
        return [RefundableLine(li["line_no"], li["sku"], li["description"],
                               li["sold_by_weight"], li["quantity_milli"], li["amount"],
                               li["iva_rate"], done.get(li["line_no"], 0))
                for li in sale["lines"]]

    def of_sale(self, sale_id: str) -> list[dict[str, Any]]:
        return [{"refund_id": r["refund_id"], "ticket": r["refund_ticket"],
                 "refunded_at": r["refunded_at"], "total": r["total"]}
                for r in self.t.refunds if r["sale_id"] == sale_id]


class _Users:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def add(self, user: User, pin_hash: str) -> None:
        self.t.users[user.user_id] = (user, pin_hash, LoginState())

    def get(self, user_id: str) -> User | None:
        found = self.t.users.get(user_id)
        return None if found is None else found[0]

    def credentials(self, user_id: str) -> tuple[User, str, LoginState] | None:
        return self.t.users.get(user_id)

    def list(self, *, active_only: bool = True) -> list[User]:
        return sorted((u for u, _h, _s in self.t.users.values() if u.active or not active_only),
                      key=lambda u: (u.name, u.user_id))

    def count(self) -> int:
        return len(self.t.users)

    def save_login_state(self, user_id: str, state: LoginState) -> None:
        user, pin_hash, _state = self.t.users[user_id]
        self.t.users[user_id] = (user, pin_hash, state)

    def update(self, user_id: str, **values: Any) -> None:
        user, pin_hash, state = self.t.users[user_id]
        pin_hash = values.pop("pin_hash", pin_hash)
        self.t.users[user_id] = (User(user.user_id, user.name, values.get("role", user.role),
                                      bool(values.get("active", user.active))), pin_hash, state)


class _AuditLog:
    def __init__(self, t: Tables, open_shift: Callable[[], str | None]) -> None:
        self.t, self.open_shift = t, open_shift

    def add(self, record: AuditRecord) -> None:
        self.t.audit.append((record, self.open_shift()))


class _Outbox:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def status_of(self, event_id: str | None) -> str | None:
        return next((s for env, _tp, s in self.t.outbox if env.event_id == event_id), None)

    def unsent(self, event_ids: Collection[str]) -> set[str]:
        return {env.event_id for env, _tp, s in self.t.outbox
                if env.event_id in event_ids and s != "sent"}


class _Fiscal:
    def __init__(self, t: Tables) -> None:
        self.t = t

    def of_source(self, kind: str, source_id: str) -> dict[str, Any] | None:
        return next((copy.deepcopy(d) for d in self.t.fiscal.values()
                     if d["source_kind"] == kind and d["source_id"] == source_id), None)
