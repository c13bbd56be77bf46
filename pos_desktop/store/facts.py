"""The rows each business fact writes in the till's SQLite file, and the ``Ledger`` that
puts a fact's consequences there (see ``pos_desktop.store.books``).

A new kind of fact registers its rows here: ``@fact_rows.register`` on a function taking
the fact, the ledger, the payload as recorded and its canonical JSON, its journal entry
and its event id. A fact
that has no rows of its own registers ``no_rows``; one that registers nothing is refused
at commit (a fact whose rows were forgotten must not commit without them).
"""

from __future__ import annotations

import json
from functools import singledispatch
from typing import TYPE_CHECKING

from pos_contracts import Envelope
from pos_desktop.domain.audit import AuditRecord
from pos_desktop.domain.events import (
    CashMoved,
    DrawerOpened,
    Event,
    FiscalAuthorized,
    FiscalRejected,
    Payload,
    PrintJob,
    SaleCompleted,
    SaleRefunded,
    ShiftClosed,
    ShiftOpened,
    XReportTaken,
)
from pos_desktop.domain.journal import JournalEntry
from pos_desktop.store.fiscal_facts import authorized_rows, fiscal_document, rejected_rows

if TYPE_CHECKING:
    from pos_desktop.store.uow import UnitOfWork


class SqliteLedger:
    """A fact's consequences, through the repositories of one unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def journal_head(self) -> tuple[int, str]:
        return self.uow.journal.head()

    def next_outbox_seq(self) -> int:
        return self.uow.counters.next("outbox")

    def write_journal(self, entry: JournalEntry) -> None:
        self.uow.journal.add(entry)

    def write_rows(self, event: Event, payload: Payload, payload_json: str,
                   entry: JournalEntry | None, event_id: str | None) -> None:
        fact_rows(event, self, payload, payload_json, entry, event_id)

    def write_outbox(self, envelope: Envelope, traceparent: str) -> None:
        self.uow.outbox.add(envelope, traceparent)

    def write_print_job(self, job: PrintJob) -> None:
        self.uow.print_jobs.add(job.kind, job.ref, job.document)

    def write_audit(self, record: AuditRecord) -> None:
        self.uow.audit_log.add(record)


@singledispatch
def fact_rows(event: Event, ledger: SqliteLedger, payload: Payload,
              payload_json: str, entry: JournalEntry | None,
              event_id: str | None) -> None:
    raise TypeError(f"{type(event).__name__} has no rows registered in {__name__}")


def _seq(entry: JournalEntry | None) -> int:
    assert entry is not None, "a journaled fact has its entry"
    return entry.seq


@fact_rows.register
def no_rows(event: DrawerOpened | XReportTaken, ledger: SqliteLedger, payload: Payload,
            payload_json: str, entry: JournalEntry | None,
            event_id: str | None) -> None:
    """The print job and the audit row are all these facts write."""


@fact_rows.register
def _sale(event: SaleCompleted, ledger: SqliteLedger, payload: Payload,
          payload_json: str, entry: JournalEntry | None,
          event_id: str | None) -> None:
    origin, cashier, sale_id = ledger.uow.identity, event.cashier, event.sale.sale_id
    ledger.uow.sales.add(
        {
            "sale_id": sale_id,
            "ticket_number": event.ticket_number,
            "store_id": origin.store_id,
            "terminal_id": origin.terminal_id,
            "shift_id": event.shift_id,
            "cashier_id": cashier.user_id if cashier else None,
            "cashier_name": cashier.name if cashier else None,
            "completed_at": event.occurred_at,
            "total": payload["total"],
            # the lines' discounts also carry the cash rounding: the Z shows it on its own row
            "discounts": sum(li["discount"] for li in payload["lines"]) - payload["rounding"],
            "change": payload["change"],
            "journal_seq": _seq(entry),
            "payload": payload_json,  # = journal record + "journal" (verify)
        },
        [
            {
                "sale_id": sale_id,
                "line_no": li["line_no"],
                "sku": li["sku"],
                "barcode": li["barcode"],
                "description": li["description"],
                "sold_by_weight": int(li["sold_by_weight"]),
                "quantity_milli": li["quantity_milli"],
                "unit_price": li["unit_price"],
                "gross_amount": li["gross_amount"],
                "discount": li["discount"],
                "amount": li["amount"],
                "iva_rate": li["iva_rate"],
            }
            for li in payload["lines"]
        ],
        [{"sale_id": sale_id, "idx": i, **t} for i, t in enumerate(payload["tenders"], start=1)],
    )
    if event.fiscal is not None:
        fiscal_document(ledger.uow, event.fiscal, "sale", sale_id, event.ticket)


@fact_rows.register
def _refund(event: SaleRefunded, ledger: SqliteLedger, payload: Payload,
            payload_json: str, entry: JournalEntry | None,
            event_id: str | None) -> None:
    refund_id, sale_id = event.refund_id, event.sale_id
    ledger.uow.refunds.add(
        {
            "refund_id": refund_id,
            "refund_number": event.refund_number,
            "ticket": event.ticket,
            "sale_id": sale_id,
            "original_ticket": event.original_ticket,
            "shift_id": event.shift_id,
            "cashier_id": event.cashier.user_id,
            "cashier_name": event.cashier.name,
            "approver_id": event.approved_by.user_id,
            "approver_name": event.approved_by.name,
            "reason": event.reason,
            "refunded_at": event.occurred_at,
            "total": payload["total"],
            "journal_seq": _seq(entry),
            "payload": payload_json,  # = journal record + "journal" (verify)
        },
        [{"refund_id": refund_id, "sale_id": sale_id,
          **{k: v for k, v in li.items() if k != "sold_by_weight"},
          "sold_by_weight": int(li["sold_by_weight"])} for li in payload["lines"]],
        [{"refund_id": refund_id, "idx": i, **t}
         for i, t in enumerate(payload["tenders"], start=1)],
    )
    if event.fiscal is not None:
        fiscal_document(ledger.uow, event.fiscal, "refund", refund_id, event.ticket)


@fact_rows.register
def _shift_opened(event: ShiftOpened, ledger: SqliteLedger, payload: Payload,
                  payload_json: str, entry: JournalEntry | None,
                  event_id: str | None) -> None:
    counts = event.float_counts
    ledger.uow.shifts.add_open({
        "shift_id": event.shift_id,
        "terminal_id": ledger.uow.identity.terminal_id,
        "opened_at": event.occurred_at,
        "opened_by_id": event.opened_by.user_id,
        "opened_by_name": event.opened_by.name,
        "float": event.float_amount,
        "float_counts": None if counts is None else json.dumps(dict(counts)),
        "opened_journal_seq": _seq(entry),
    })


@fact_rows.register
def _cash_moved(event: CashMoved, ledger: SqliteLedger, payload: Payload,
                payload_json: str, entry: JournalEntry | None,
                event_id: str | None) -> None:
    ledger.uow.cash_moves.add({
        "movement_id": event.movement_id,
        "shift_id": event.shift_id,
        "direction": event.direction,
        "amount": event.amount,
        "reason": event.reason,
        "user_id": event.by.user_id,
        "user_name": event.by.name,
        "approver_id": event.approver.user_id if event.approver else None,
        "approver_name": event.approver.name if event.approver else None,
        "moved_at": event.occurred_at,
        "journal_seq": _seq(entry),
        "payload": payload_json,
    })


@fact_rows.register
def _shift_closed(event: ShiftClosed, ledger: SqliteLedger, payload: Payload,
                  payload_json: str, entry: JournalEntry | None,
                  event_id: str | None) -> None:
    ledger.uow.shifts.close(
        event.shift_id,
        closed_at=event.occurred_at,
        closed_by_id=event.closed_by.user_id,
        closed_by_name=event.closed_by.name,
        z_number=event.z_number,
        counted_cash=payload["counted_cash"],
        counts=json.dumps(dict(event.counts)),
        expected_cash=payload["expected_cash"],
        over_short=payload["over_short"],
        reason=event.reason,
        report=json.dumps(event.report(payload), ensure_ascii=False),
        closed_journal_seq=_seq(entry),
        closed_event_id=event_id,
    )


@fact_rows.register
def _fiscal_authorized(event: FiscalAuthorized, ledger: SqliteLedger, payload: Payload,
                       payload_json: str, entry: JournalEntry | None,
                       event_id: str | None) -> None:
    authorized_rows(ledger.uow, event, entry, event_id)


@fact_rows.register
def _fiscal_rejected(event: FiscalRejected, ledger: SqliteLedger, payload: Payload,
                     payload_json: str, entry: JournalEntry | None,
                     event_id: str | None) -> None:
    rejected_rows(ledger.uow, event)
