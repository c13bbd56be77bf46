"""The rows of the fiscal facts: a sale's or refund's comprobante (written with it), its
authorization (``FiscalAuthorized``) and its rejection (``FiscalRejected``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_desktop.domain.events import FiscalAuthorized, FiscalDraft, FiscalRejected
from pos_desktop.domain.journal import JournalEntry

if TYPE_CHECKING:
    from pos_desktop.store.uow import UnitOfWork


def fiscal_document(uow: UnitOfWork, draft: FiscalDraft, kind: str, source_id: str,
                    ticket: str) -> None:
    """The comprobante of a sale or refund, in the fact's own transaction."""
    block = draft.block
    authorization = block.get("authorization")
    uow.fiscal.add({
        "document_id": draft.document_id,
        "seq": uow.fiscal.next_seq(),
        "source_kind": kind,
        "source_id": source_id,
        "ticket": ticket,
        "original_id": draft.original_id,
        "cbte_tipo": block["type"],
        "point_of_sale": block["point_of_sale"],
        "block": dict(block),
        "state": "pending" if authorization is None else "authorized",
        "number": block.get("number"),
        "cbte_fch": block.get("cbte_fch"),
        "issued_at": block.get("issued_at"),
        "authorization_kind": None if authorization is None else authorization["kind"],
        "authorization_code": None if authorization is None else authorization["code"],
        "authorization_due": None if authorization is None else authorization["due"],
    })


def authorized_rows(uow: UnitOfWork, event: FiscalAuthorized, entry: JournalEntry | None,
                    event_id: str | None) -> None:
    b = event.block
    uow.fiscal.set(
        event.document_id, state="authorized", block=dict(b), cbte_tipo=b["type"],
        point_of_sale=b["point_of_sale"],  # the CAEA one when issued offline
        number=b["number"], cbte_fch=b["cbte_fch"], issued_at=b["issued_at"],
        authorization_kind=b["authorization"]["kind"],
        authorization_code=b["authorization"]["code"],
        authorization_due=b["authorization"]["due"], attempt_number=None, attempt_at=None,
        messages=None, last_error=None, journal_seq=None if entry is None else entry.seq,
        event_id=event_id)


def rejected_rows(uow: UnitOfWork, event: FiscalRejected) -> None:
    messages = [{"code": code, "text": text} for code, text in event.messages]
    first = messages[0] if messages else {"code": 0, "text": ""}
    uow.fiscal.set(event.document_id, state="rejected", attempt_number=None, attempt_at=None,
                   messages=messages, last_error=f"{first['code']}: {first['text']}")
