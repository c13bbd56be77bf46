"""The fiscal use cases: which comprobante a sale or refund calls for (in its own
transaction), and what the fiscal worker records when ARCA answers.

- ``fiscal_policy``: the till's fiscal mode from its settings, read inside the sale's
  transaction (None: fiscal mode *none*, training);
- ``invoice_draft`` / ``credit_note_draft``: the comprobante decided at commit (type from
  seller × buyer, point of sale, ARCA's amounts; RG 5700), as a ``FiscalDraft``;
- ``SqliteFiscalBook``: the worker's port over the till's database. An authorization is
  the ``FiscalAuthorized`` fact (journal entry ``fiscal``, ``fiscal.authorized`` event,
  the receipt's print job), a rejection the ``FiscalRejected`` fact; attempts and doubts
  are bookkeeping of the document row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pos_arca import ArcaMessage
from pos_common.i18n import N_
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.events import FiscalAuthorized, FiscalDraft, FiscalRejected
from pos_desktop.domain.fiscal.amounts import refund_lines, sale_lines
from pos_desktop.domain.fiscal.authorization import Authorization
from pos_desktop.domain.fiscal.block import (
    authorized_block,
    fiscal_block,
    read_authorization,
    read_pending,
)
from pos_desktop.domain.fiscal.buyer import ANONYMOUS, DEFAULT_IDENTIFICATION_THRESHOLD, Buyer
from pos_desktop.domain.fiscal.caea import MissingCaeaAction
from pos_desktop.domain.fiscal.comprobante import AssociatedComprobante
from pos_desktop.domain.fiscal.kinds import ComprobanteType
from pos_desktop.domain.fiscal.numbering import ComprobanteNumber, PointOfSale
from pos_desktop.domain.fiscal.parties import Seller
from pos_desktop.domain.fiscal.pending import pending_credit_note, pending_invoice
from pos_desktop.domain.fiscal.qr import qr_url
from pos_desktop.domain.refund import RefundPlan
from pos_desktop.domain.sale import Sale
from pos_desktop.fiscal.faults import FAULT_KEY
from pos_desktop.fiscal.settings import FiscalSettings, load_fiscal_settings
from pos_desktop.fiscal.tasks import Attempt, Authorized, FiscalTask, Original, Queue
from pos_desktop.services.clock import local_now
from pos_desktop.services.ports import Settings as SettingsRepo
from pos_desktop.store.uow import UnitOfWork

FISCAL_KEYS = ("fiscal.mode", "store.cuit", "store.iva_condition", "fiscal.point_of_sale",
               "fiscal.identification_threshold", "fiscal.environment",
               "fiscal.caea_point_of_sale", "fiscal.caea_missing")
PRINT_KEYS = ("store.name", "store.legal_name", "store.address", "store.cuit", "store.iibb",
              "store.iva_condition", "store.activities_start")


@dataclass(frozen=True, slots=True)
class FiscalPolicy:
    seller: Seller
    point_of_sale: PointOfSale
    identification_threshold: int
    caea_point_of_sale: PointOfSale | None = None  # offline (issue 12); never the CAE one
    caea_missing: MissingCaeaAction = MissingCaeaAction.PENDING


def policy_of(settings: FiscalSettings) -> FiscalPolicy | None:
    if not settings.arca or not settings.cuit or not settings.point_of_sale:
        return None
    caea = settings.caea_point_of_sale
    return FiscalPolicy(Seller(settings.cuit, settings.seller_condition),
                        PointOfSale(settings.point_of_sale), settings.identification_threshold,
                        PointOfSale(caea) if caea and caea != settings.point_of_sale else None,
                        settings.caea_missing)


def fiscal_policy(settings: SettingsRepo) -> FiscalPolicy | None:
    """The policy from a settings repository (a few key reads, inside the transaction)."""
    found = settings.many(FISCAL_KEYS)
    return policy_of(load_fiscal_settings({k: found.get(k) for k in FISCAL_KEYS}))


def policy_of_block(block: Mapping[str, Any]) -> FiscalPolicy:
    """The policy a comprobante was issued under (a refund after the till left ARCA mode
    still cancels the sale's comprobante, at the point of sale it was issued on)."""
    pending = read_pending(block)
    return FiscalPolicy(pending.seller, pending.point_of_sale, DEFAULT_IDENTIFICATION_THRESHOLD)


def invoice_draft(policy: FiscalPolicy, sale: Sale, buyer: Buyer | None) -> FiscalDraft:
    """The sale's Factura (raises IdentificationRequired, BuyerDoesNotFit...)."""
    pending = pending_invoice(seller=policy.seller, point_of_sale=policy.point_of_sale,
                              lines=sale_lines(sale), buyer=buyer or ANONYMOUS,
                              identification_threshold=policy.identification_threshold)
    return FiscalDraft(str(uuid.uuid4()), fiscal_block(pending))


def credit_note_draft(policy: FiscalPolicy, original: Mapping[str, Any], sale_id: str,
                      plan: RefundPlan) -> FiscalDraft:
    """The Nota de Crédito of a refund of the sale whose fiscal document is ``original``:
    the original's class and buyer, at this till's point of sale."""
    block = original["block"]
    original_buyer = read_pending(block).buyer
    pending = pending_credit_note(
        original=ComprobanteType(int(original["cbte_tipo"])), seller=policy.seller,
        point_of_sale=policy.point_of_sale, lines=refund_lines(plan), buyer=original_buyer,
        identification_threshold=policy.identification_threshold)
    associated = {"sale_id": sale_id, "type": int(original["cbte_tipo"]),
                  "point_of_sale": int(original["point_of_sale"]),
                  "number": original["number"]}
    return FiscalDraft(str(uuid.uuid4()), fiscal_block(pending, associated=associated),
                       original_id=str(original["document_id"]))


# -- the receipt of an authorized comprobante ---------------------------------------------------
def print_details(block: Mapping[str, Any], stored: Mapping[str, Any],
                  associated: AssociatedComprobante | None = None) -> dict[str, Any]:
    """What a fiscal receipt prints beside the payload: the RG 4892 QR and the seller as
    RG 1415 asks (legal name, address, CUIT, IIBB, IVA condition, start of activities)."""
    pending = read_pending(block)
    authorization = read_authorization(block)
    if authorization is None:
        raise ValueError("a fiscal receipt needs its authorization")
    comprobante = pending.issued(number=int(block["number"]),
                                 issued_at=datetime.fromisoformat(block["issued_at"]),
                                 authorization=authorization, associated=associated)
    return {
        "qr": qr_url(comprobante),
        "seller": {
            "legal_name": str(stored.get("store.legal_name") or stored.get("store.name") or ""),
            "address": str(stored.get("store.address") or ""),
            "cuit": str(stored.get("store.cuit") or ""),
            "iibb": str(stored.get("store.iibb") or ""),
            "iva_condition": str(stored.get("store.iva_condition") or ""),
            "activities_start": str(stored.get("store.activities_start") or ""),
        },
        "buyer_document": pending.buyer.printed_document,
    }


def fiscal_receipt(payload: Mapping[str, Any], block: Mapping[str, Any],
                   stored: Mapping[str, Any], associated: AssociatedComprobante | None = None
                   ) -> dict[str, Any]:
    """The print job of a fiscal receipt: the sale's (or refund's) payload as recorded with
    its fiscal block authorized, and what only the paper needs."""
    return {"sale": {**payload, "fiscal": dict(block)},
            "fiscal_print": print_details(block, stored, associated)}


class ComprobantePending(PosError):
    message = (N_("Ticket {ticket}'s comprobante is waiting for ARCA's authorization: its receipt "
               "prints once ARCA authorizes it."))


def receipt_data(uow: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """What prints for a recorded sale: its fiscal receipt when it has a comprobante
    (authorized: a comprobante without its CAE is no receipt yet), else the payload."""
    document = uow.fiscal.of_source("sale", payload["sale_id"])
    if document is None:
        return payload
    if document["state"] != "authorized":
        raise ComprobantePending(ticket=payload["ticket"])
    return fiscal_receipt(payload, document["block"], uow.settings.all())


# -- the worker's port over the till's database -------------------------------------------------
class SqliteFiscalBook:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], *,
                 print_receipts: Callable[[], bool] = lambda: True) -> None:
        self.uow_factory = uow_factory
        self.print_receipts = print_receipts

    def pending(self) -> Sequence[FiscalTask]:
        with self.uow_factory() as uow:
            rows = uow.fiscal.open_documents()
        return [task_of(row) for row in rows]

    def authorized_numbers(self) -> Mapping[Queue, int]:
        with self.uow_factory() as uow:
            numbers = uow.fiscal.authorized_numbers()
        return {Queue(p, t): n for (p, t), n in numbers.items()}

    def attempting(self, task: FiscalTask, attempt: Attempt) -> None:
        with self.uow_factory() as uow:
            uow.fiscal.count_attempt(task.document_id, attempt.number, attempt.at.isoformat())
            uow.commit()

    def released(self, task: FiscalTask) -> None:
        with self.uow_factory() as uow:
            uow.fiscal.set(task.document_id, state="pending", attempt_number=None,
                           attempt_at=None)
            uow.commit()

    def in_doubt(self, task: FiscalTask, reason: str) -> None:
        with self.uow_factory() as uow:
            uow.fiscal.set(task.document_id, state="in_doubt", last_error=reason[:500])
            uow.commit()

    def authorized(self, task: FiscalTask, result: Authorized) -> None:
        authorization = Authorization.cae(result.code, result.due)
        associated_block, associated = associated_of(task)
        block = authorized_block(task.block, number=result.number,
                                 issued_at=result.issued_at.astimezone().isoformat(
                                     timespec="milliseconds"),
                                 authorization=authorization, associated=associated_block)
        with self.uow_factory() as uow:
            receipt = None
            if self.print_receipts():
                payload = uow.fiscal.source_payload(task.source_kind, task.source_id)
                stored = uow.settings.many(PRINT_KEYS)  # what the paper prints, one read
                if payload is not None:
                    receipt = fiscal_receipt(payload, block, stored, associated)
            uow.record(FiscalAuthorized(
                document_id=task.document_id, source_kind=task.source_kind,
                source_id=task.source_id, ticket=task.ticket, block=block,
                occurred_at=local_now(), receipt=receipt))
            uow.commit()

    def arca_last_caea(self, queue: Queue, number: int) -> None:
        from pos_desktop.services.caea import keep_arca_last

        with self.uow_factory() as uow:
            keep_arca_last(uow, queue.point_of_sale, queue.cbte_tipo, number)
            uow.commit()

    def arca_fault(self, fault: Mapping[str, Any] | None) -> None:
        with self.uow_factory() as uow:
            uow.settings.set(FAULT_KEY, None if fault is None else dict(fault))
            uow.commit()

    def issue_caea(self, task: FiscalTask, at: datetime) -> Authorized | None:
        from pos_desktop.services.caea import issue_pending_with_caea

        with self.uow_factory() as uow:
            issued = issue_pending_with_caea(uow, task, at, print_receipt=self.print_receipts())
            if issued is not None:
                uow.commit()
        return issued

    def rejected(self, task: FiscalTask, messages: Sequence[ArcaMessage]) -> None:
        with self.uow_factory() as uow:
            uow.record(FiscalRejected(document_id=task.document_id,
                                      messages=tuple((m.code, m.text) for m in messages),
                                      occurred_at=local_now()))
            uow.commit()


def associated_of(task: FiscalTask) -> tuple[dict[str, Any] | None,
                                             AssociatedComprobante | None]:
    """A credit note's original as its block and its receipt say it (None: an invoice)."""
    if task.original is None:
        return None, None
    o = task.original
    return ({**task.block["associated"], "number": o.number},
            AssociatedComprobante(ComprobanteType(o.cbte_tipo), PointOfSale(o.point_of_sale),
                                  ComprobanteNumber(o.number), str(task.block["seller"]["cuit"]),
                                  o.day))


def task_of(row: Mapping[str, Any]) -> FiscalTask:
    attempt = None
    if row.get("attempt_number") is not None and row.get("attempt_at"):
        attempt = Attempt(int(row["attempt_number"]), datetime.fromisoformat(row["attempt_at"]))
    original = waits_for = None
    if row.get("original_id"):
        if row.get("original_state") == "authorized" and row.get("original_number"):
            original = Original(int(row["original_type"]), int(row["original_point_of_sale"]),
                                int(row["original_number"]),
                                date.fromisoformat(str(row["original_cbte_fch"])))
        else:
            waits_for = str(row["original_id"])
    return FiscalTask(
        document_id=str(row["document_id"]), seq=int(row["seq"]),
        source_kind=str(row["source_kind"]), source_id=str(row["source_id"]),
        ticket=str(row["ticket"]), block=row["block"], created_at=str(row["created_at"]),
        attempt=attempt, in_doubt=row["state"] == "in_doubt", original=original,
        waits_for=waits_for)
