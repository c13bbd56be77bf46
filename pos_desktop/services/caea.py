"""The CAEA use cases at the till (issue 12): keeping the fortnight's CAEA, and issuing a
comprobante with it while ARCA does not answer.

A CAEA comprobante is numbered by the till, per (CAEA point of sale, type), inside the
transaction that issues it (the sale's own, or the worker's for a comprobante that was
waiting for its CAE): the highest number recorded + 1, so numbers are consecutive and a
till restarted mid-offline goes on from where it was; never at or below the last number
ARCA held on that point of sale when the worker last asked (an earlier install's). It is
born authorized: its block carries number, moment (``issued_at``: ``CbteFchHsGen`` when it
is informed) and the CAEA, and the receipt prints at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pos_common.i18n import N_, _
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.events import FiscalAuthorized, FiscalDraft
from pos_desktop.domain.fiscal.amounts import sale_lines
from pos_desktop.domain.fiscal.authorization import Authorization
from pos_desktop.domain.fiscal.block import authorized_block, fiscal_block
from pos_desktop.domain.fiscal.buyer import ANONYMOUS, Buyer
from pos_desktop.domain.fiscal.caea import (
    Caea,
    MissingCaeaAction,
    NoCaeaPointOfSale,
    NoValidCaea,
    caea_outlook,
    covering,
)
from pos_desktop.domain.fiscal.dates import argentine_date, in_argentina
from pos_desktop.domain.fiscal.pending import pending_invoice
from pos_desktop.domain.sale import Sale
from pos_desktop.fiscal.caea_duties import ToInform
from pos_desktop.fiscal.caea_status import warning_text
from pos_desktop.fiscal.settings import CAEA_ARCA_LAST_KEY, load_fiscal_settings
from pos_desktop.fiscal.tasks import Authorized, FiscalTask
from pos_desktop.services.clock import local_now
from pos_desktop.services.fiscal import (
    FiscalPolicy,
    associated_of,
    fiscal_policy,
    fiscal_receipt,
    invoice_draft,
    print_details,
    task_of,
)

SOURCES = ("central", "arca", "manual")
ARCA_LAST_KEY = CAEA_ARCA_LAST_KEY  # {"<point of sale>/<type>": ARCA's last number}


class CaeaMissingNotice(PosError):
    message = (N_("ARCA does not answer and this till has no valid CAEA for {day}: the "
               "comprobante of ticket {ticket} waits for ARCA and its receipt prints once "
               "ARCA authorizes it."))


def _moment(at: datetime) -> str:
    """``issued_at`` in Argentine time: ``CbteFchHsGen`` is read from it as written."""
    return in_argentina(at).isoformat(timespec="milliseconds")


def _caea_for(uow: Any, policy: FiscalPolicy, at: datetime) -> Caea:
    if policy.caea_point_of_sale is None:
        raise NoCaeaPointOfSale()
    day = argentine_date(at)
    caea = covering(uow.caeas.of(policy.seller.cuit), day)
    if caea is None:
        raise NoValidCaea(day=day.strftime("%d/%m/%Y"))
    return caea


def _queue_key(point_of_sale: int, cbte_tipo: int) -> str:
    return f"{point_of_sale}/{cbte_tipo}"


def keep_arca_last(uow: Any, point_of_sale: int, cbte_tipo: int, number: int) -> None:
    """ARCA's last number on a CAEA (point of sale, type), as it answered when last asked:
    kept in the settings so a till restarted offline still numbers after it."""
    held = dict(uow.settings.get(ARCA_LAST_KEY, {}))
    key = _queue_key(point_of_sale, cbte_tipo)
    if held.get(key) != number:
        uow.settings.set(ARCA_LAST_KEY, {**held, key: number})


def next_caea_number(uow: Any, point_of_sale: int, cbte_tipo: int) -> int:
    """After the highest this till recorded and the last ARCA holds (an earlier install's
    comprobantes on the same point of sale, informed: this database never saw them)."""
    arca = int(uow.settings.get(ARCA_LAST_KEY, {}).get(_queue_key(point_of_sale, cbte_tipo), 0))
    return max(int(uow.fiscal.last_number(point_of_sale, cbte_tipo)), arca) + 1


def _issued(uow: Any, block: Mapping[str, Any], caea: Caea, at: datetime,
            associated: Mapping[str, Any] | None = None) -> dict[str, Any]:
    number = next_caea_number(uow, int(block["point_of_sale"]), int(block["type"]))
    return authorized_block(block, number=number, issued_at=_moment(at),
                            authorization=Authorization.caea(caea.code, caea.valid_to),
                            associated=None if associated is None else dict(associated))


def caea_invoice_draft(uow: Any, policy: FiscalPolicy, sale: Sale, buyer: Buyer | None,
                       at: datetime) -> FiscalDraft:
    """The sale's Factura issued now with the CAEA, on the CAEA point of sale (raises
    NoValidCaea / NoCaeaPointOfSale when it cannot be)."""
    caea = _caea_for(uow, policy, at)
    assert policy.caea_point_of_sale is not None
    pending = pending_invoice(seller=policy.seller, point_of_sale=policy.caea_point_of_sale,
                              lines=sale_lines(sale), buyer=buyer or ANONYMOUS,
                              identification_threshold=policy.identification_threshold)
    block = _issued(uow, fiscal_block(pending), caea, at)
    return FiscalDraft(str(uuid.uuid4()), block,
                       receipt=print_details(block, uow.settings.all()))


def offline_invoice_draft(uow: Any, policy: FiscalPolicy, sale: Sale, buyer: Buyer | None,
                          at: datetime, ticket: str) -> tuple[FiscalDraft, str | None]:
    """In contingency: the CAEA comprobante, or (``fiscal.caea_missing`` = pending) the
    comprobante pending for its CAE with the cashier's notice; ``refuse`` raises."""
    try:
        return caea_invoice_draft(uow, policy, sale, buyer, at), None
    except (NoValidCaea, NoCaeaPointOfSale):
        if policy.caea_missing is MissingCaeaAction.REFUSE:
            raise
    notice = CaeaMissingNotice(day=argentine_date(at).strftime("%d/%m/%Y"), ticket=ticket)
    return invoice_draft(policy, sale, buyer), str(notice)


def issue_pending_with_caea(uow: Any, task: FiscalTask, at: datetime, *,
                            print_receipt: bool = True) -> Authorized | None:
    """The worker's step in contingency: ``task`` (pending, never sent) issued with the
    CAEA in this transaction, as a ``FiscalAuthorized`` fact (journal entry, the
    ``fiscal.authorized`` event with the CAEA point of sale, the receipt). None when the
    till has no CAEA point of sale or no CAEA for the day: it stays pending."""
    policy = fiscal_policy(uow.settings)
    if policy is None:
        return None
    try:
        caea = _caea_for(uow, policy, at)
    except (NoValidCaea, NoCaeaPointOfSale):
        return None
    assert policy.caea_point_of_sale is not None
    associated_block, associated = associated_of(task)
    moved = {**task.block, "point_of_sale": policy.caea_point_of_sale.number}
    block = _issued(uow, moved, caea, at, associated_block)
    receipt = None
    if print_receipt:
        payload = uow.fiscal.source_payload(task.source_kind, task.source_id)
        if payload is not None:
            receipt = fiscal_receipt(payload, block, uow.settings.all(), associated)
    uow.record(FiscalAuthorized(document_id=task.document_id, source_kind=task.source_kind,
                                source_id=task.source_id, ticket=task.ticket, block=block,
                                occurred_at=local_now(), receipt=receipt))
    return Authorized(number=int(block["number"]), day=argentine_date(at), code=caea.code,
                      due=caea.valid_to, kind="CAEA", issued_at=at, processed_at="",
                      point_of_sale=policy.caea_point_of_sale.number)


def store_caea(uow_factory: Any, caea: Caea, *, source: str, granted_at: str) -> bool:
    """Keep a CAEA (from head office, ARCA or the manager); False: it was already here."""
    if source not in SOURCES:
        raise ValueError(f"unknown CAEA source {source!r}")
    with uow_factory() as uow:
        added = bool(uow.caeas.put(caea, source=source, granted_at=granted_at))
        uow.commit()
    return added


class SqliteCaeaBook:
    """The standalone duties' port (``pos_desktop.fiscal.caea_duties.CaeaBook``) over the
    till's database: each mark in its own transaction, so a restart resumes exactly."""

    def __init__(self, uow_factory: Any, cuit: Any) -> None:
        self.uow_factory = uow_factory
        self.cuit = cuit  # () -> the store's CUIT as configured now

    def caeas(self) -> list[Caea]:
        with self.uow_factory() as uow:
            return list(uow.caeas.of(self.cuit()))

    def keep(self, caea: Caea) -> None:
        store_caea(self.uow_factory, caea, source="arca",
                   granted_at=local_now())

    def to_inform(self) -> list[ToInform]:
        with self.uow_factory() as uow:
            rows = uow.fiscal.caea_documents()
        return [ToInform(task_of(r), r.get("inform_error")) for r in rows
                if r["informed_at"] is None]

    def informed(self, document_id: str, when: str) -> None:
        with self.uow_factory() as uow:
            uow.fiscal.mark_informed(document_id, when)
            uow.commit()

    def inform_refused(self, document_id: str, error: str) -> None:
        with self.uow_factory() as uow:
            uow.fiscal.mark_inform_error(document_id, error)
            uow.commit()

    def used_codes(self) -> set[str]:
        with self.uow_factory() as uow:
            return {str(r["authorization_code"]) for r in uow.fiscal.caea_documents()}

    def unused_informed(self, caea: Caea) -> bool:
        with self.uow_factory() as uow:
            return uow.caeas.unused_informed(caea.cuit, caea.period, caea.order) is not None

    def mark_unused_informed(self, caea: Caea, when: str) -> None:
        with self.uow_factory() as uow:
            uow.caeas.mark_unused_informed(caea.cuit, caea.period, caea.order, when)
            uow.commit()


def caea_notes(uow: Any, today: date) -> list[str]:
    """What the X report says of the CAEA (fiscal mode ARCA): the warning when offline
    sales would have none, and a comprobante ARCA refused to take as informed."""
    settings = load_fiscal_settings(uow.settings.all())
    if not settings.arca:
        return []
    outlook = caea_outlook(uow.caeas.of(settings.cuit), today,
                           has_point_of_sale=bool(settings.caea_point_of_sale))
    notes = []
    warning = warning_text(outlook, settings)
    if warning:
        notes.append(_("CAEA warning: {text}").format(text=warning))
    refused = next((d["inform_error"] for d in uow.fiscal.caea_documents()
                    if d["inform_error"] and d["informed_at"] is None), None)
    if refused:
        notes.append(_("ARCA refused a CAEA comprobante: {error}").format(error=refused))
    return notes
