"""Opening a shift, moving cash, the X report and the Z close.

Each money event (opening float, cash in/out, the Z) is recorded as a business fact
(``ShiftOpened``, ``CashMoved``, ``ShiftClosed``): its commit writes it with its journal
entry, its outbox event and its audit row in ONE transaction, like a sale (invariant 2).
The Z needs no network: it is written locally and its ``shift.closed`` event waits in the
outbox ("pending upload") until the publisher gets the broker's confirm.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pos_common.i18n import N_, format_money
from pos_desktop.config import Identity
from pos_desktop.domain.denominations import count_total, normalise
from pos_desktop.domain.errors import ShiftError
from pos_desktop.domain.events import (
    CashMoved,
    DrawerOpened,
    ShiftClosed,
    ShiftOpened,
    XReportTaken,
)
from pos_desktop.domain.fiscal.dates import argentine_date
from pos_desktop.domain.people import Person
from pos_desktop.domain.permissions import Action
from pos_desktop.domain.shift import (
    DEFAULT_TOLERANCE,
    DrawerCheck,
    InvalidCashMove,
    NoOpenShift,
    ParkedSalesPending,
    SaleInProgress,
    ShiftAlreadyOpen,
    ShiftFigures,
)
from pos_desktop.fiscal.faults import fault_notes
from pos_desktop.services.caea import caea_notes
from pos_desktop.services.clock import local_now
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import TOLERANCE_KEY
from pos_desktop.services.ports import UnitOfWork
from pos_desktop.services.reports import (
    figures_dict,
    report_document,
    store_heading,
    write_pdf,
)

log = logging.getLogger(__name__)
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class OpenedShift:
    shift_id: str
    opened_at: str
    opened_by: Person
    float: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CashMove:
    movement_id: str
    direction: str
    amount: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ZResult:
    z_number: int
    shift_id: str
    payload: dict[str, Any]  # the shift.closed event payload
    report: dict[str, Any]  # payload + local extras (by cashier, voids, counts...)
    pdf: Path | None


class ShiftService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        identity: Identity,
        guard: TillGuard,
        *,
        has_open_sale: Callable[[], bool] = lambda: False,
        reports_dir: Path | None = None,
        print_reports: bool = True,
        reads: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.reads = reads or uow_factory
        """For pure reads: a read connection, so asking never waits for the write lock."""
        self.identity = identity
        self.guard = guard
        self.has_open_sale = has_open_sale
        self.reports_dir = reports_dir
        self.print_reports = print_reports

    # -- state ---------------------------------------------------------------------------
    def current(self) -> dict[str, Any] | None:
        with self.reads() as uow:
            return uow.shifts.open_row(self.identity.terminal_id)

    def current_id(self) -> str | None:
        with self.reads() as uow:
            return uow.shifts.open_id(self.identity.terminal_id)

    def tolerance(self) -> int:
        with self.reads() as uow:
            return int(uow.settings.get(TOLERANCE_KEY, DEFAULT_TOLERANCE))

    # -- opening -------------------------------------------------------------------------
    def open_shift(self, float_amount: int | None = None, *,
                   counts: Mapping[str, int] | None = None) -> OpenedShift:
        """Open with a float, typed (``float_amount``) or counted by denomination."""
        if counts is not None:
            counted = count_total(counts)
            if float_amount is not None and float_amount != counted:
                raise InvalidCashMove(reason=N_("the float and its count differ"))
            float_amount = counted
        if float_amount is None or float_amount < 0:
            raise InvalidCashMove(reason=N_("the float must be zero or more"))
        auth = self.guard.authorize(Action.OPEN_SHIFT, float=float_amount)
        with self.uow_factory() as uow:
            already = uow.shifts.open_row(self.identity.terminal_id)
            if already is not None:
                raise ShiftAlreadyOpen(opened_at=already["opened_at"],
                                       name=already["opened_by_name"])
            fact = uow.record(ShiftOpened(
                shift_id=str(uuid.uuid4()), opened_by=auth.actor, occurred_at=local_now(),
                float_amount=float_amount,
                float_counts=None if counts is None else normalise(counts),
                audit=auth.audit_record(),
            ))
            uow.commit()
        opened = fact.event
        log.info("shift opened", extra={"shift_id": opened.shift_id, "float": float_amount})
        return OpenedShift(opened.shift_id, opened.occurred_at, auth.actor, float_amount,
                           fact.payload)

    # -- cash in / out -------------------------------------------------------------------
    def cash_in(self, amount: int, reason: str) -> CashMove:
        return self._move("in", amount, reason)

    def cash_out(self, amount: int, reason: str) -> CashMove:
        return self._move("out", amount, reason)

    def _move(self, direction: str, amount: int, reason: str) -> CashMove:
        reason = reason.strip()
        if amount <= 0:
            raise InvalidCashMove(reason=N_("the amount must be greater than zero"))
        if not reason or len(reason) > MAX_REASON:
            raise InvalidCashMove(reason=N_("write the reason"))
        action = Action.CASH_IN if direction == "in" else Action.CASH_OUT
        auth = self.guard.authorize(action, amount=amount, reason=reason)
        with self.uow_factory() as uow:
            fact = uow.record(CashMoved(
                movement_id=str(uuid.uuid4()), shift_id=self._open_id(uow),
                direction=direction, amount=amount, reason=reason, by=auth.actor,
                approver=auth.approver, occurred_at=local_now(), audit=auth.audit_record(),
            ))
            uow.commit()
        moved = fact.event
        return CashMove(moved.movement_id, direction, amount, fact.payload)

    def open_drawer(self, reason: str = "") -> None:
        """Open the drawer without a sale: a supervisor's action, audited, then the kick."""
        auth = self.guard.authorize(Action.OPEN_DRAWER, reason=reason.strip())
        with self.uow_factory() as uow:
            uow.record(DrawerOpened(by=auth.actor, reason=reason.strip(),
                                    occurred_at=local_now(), audit=auth.audit_record()))
            uow.commit()

    # -- X -------------------------------------------------------------------------------
    def figures(self) -> ShiftFigures:
        """The open shift's figures, read-only and unaudited: for support tooling
        (``pos-desktop report x``). The window shows ``x_report`` instead."""
        with self.uow_factory() as uow:
            return self._figures(uow, self._open_row(uow))

    def x_data(self, figures: ShiftFigures) -> dict[str, Any]:
        """An X's figures with what ARCA's side asks the manager to see to (the CAEA)."""
        with self.uow_factory() as uow:
            return x_data(uow, figures)

    def heading(self) -> dict[str, str]:
        """The shop's name and CUIT as a report's page shows them (an X on paper or PDF)."""
        with self.uow_factory() as uow:
            return store_heading(uow.settings)

    def x_report(self, *, print_it: bool = False) -> ShiftFigures:
        """The shift so far (no reset, nothing closed). Printing it is audited."""
        auth = self.guard.authorize(Action.X_REPORT, printed=print_it)
        with self.uow_factory() as uow:
            figures = self._figures(uow, self._open_row(uow))
            uow.record(XReportTaken(
                shift_id=figures.shift_id, occurred_at=local_now(),
                document=report_document(x_data(uow, figures), x=True) if print_it else None,
                audit=auth.audit_record(),
            ))
            uow.commit()
        return figures

    # -- Z -------------------------------------------------------------------------------
    def z_preflight(self) -> None:
        """Before the count: an open shift, no parked sale, no sale on screen, and the right
        to close (an approval given now stays pending until ``close_shift`` uses it)."""
        self.guard.ensure(Action.CLOSE_SHIFT)
        with self.uow_factory() as uow:
            self._open_row(uow)
            self._no_loose_sales(uow)

    def check_count(self, counts: Mapping[str, int]) -> DrawerCheck:
        """The blind count against the expected cash (show this only after counting)."""
        counted = count_total(counts)
        self.guard.ensure(Action.CLOSE_SHIFT)
        with self.uow_factory() as uow:
            figures = self._figures(uow, self._open_row(uow))
            tolerance = int(uow.settings.get(TOLERANCE_KEY, DEFAULT_TOLERANCE))
        return DrawerCheck(counted, figures.expected_cash, tolerance)

    def close_shift(self, counts: Mapping[str, int], reason: str | None = None) -> ZResult:
        """The Z: count, totals, gapless Z number, journal, event, print job — at once."""
        counted = count_total(counts)
        auth = self.guard.authorize(Action.CLOSE_SHIFT, counted=counted)
        with self.uow_factory() as uow:
            shift = self._open_row(uow)
            self._no_loose_sales(uow)
            figures = self._figures(uow, shift)
            tolerance = int(uow.settings.get(TOLERANCE_KEY, DEFAULT_TOLERANCE))
            check = DrawerCheck(counted, figures.expected_cash, tolerance)
            why = check.require_reason(reason, format_money(check.over_short),
                                       format_money(tolerance))
            z_number = uow.counters.next("z")
            fact = uow.record(ShiftClosed(
                shift_id=shift["shift_id"], z_number=z_number, closed_by=auth.actor,
                occurred_at=local_now(), figures=figures, counted=counted,
                counts=normalise(counts), reason=why,
                local={
                    **figures_dict(figures),
                    "store_id": self.identity.store_id,
                    **store_heading(uow.settings),
                    "terminal_id": self.identity.terminal_id,
                    "counts": normalise(counts),
                    "float_counts": json.loads(shift["float_counts"] or "null"),
                    "reason": why,
                    "tolerance": tolerance,
                    "approved_by": auth.approver.as_dict() if auth.approver else None,
                },
                z_document=report_document if self.print_reports else None,
                audit=auth.audit_record(),
            ))
            uow.commit()
        report = fact.event.report(fact.payload)
        log.info("shift closed", extra={"z_number": z_number, "over_short": check.over_short})
        return ZResult(z_number, shift["shift_id"], fact.payload, report, self._save_pdf(report))

    def z_report(self, z_number: int | None = None) -> dict[str, Any]:
        """A closed Z (the last one by default), with its upload state."""
        with self.uow_factory() as uow:
            shifts = uow.shifts
            row = shifts.last_closed() if z_number is None else shifts.by_z_number(z_number)
            if row is None or row["report"] is None:
                raise NoZReport(number=z_number if z_number is not None else "—")
            report = dict(json.loads(row["report"]))
            status = uow.outbox.status_of(row["closed_event_id"])
        report["upload"] = "sent" if status == "sent" else "pending"
        return report

    def pending_uploads(self) -> list[int]:
        """Z numbers whose ``shift.closed`` event has not reached head office yet."""
        with self.uow_factory() as uow:
            closed = uow.shifts.closed_events()
            unsent = uow.outbox.unsent([event_id for _z, event_id in closed])
        return [z for z, event_id in closed if event_id in unsent]

    # -- helpers -------------------------------------------------------------------------
    def _open_row(self, uow: UnitOfWork) -> dict[str, Any]:
        row = uow.shifts.open_row(self.identity.terminal_id)
        if row is None:
            raise NoOpenShift()
        return row

    def _open_id(self, uow: UnitOfWork) -> str:
        shift_id = uow.shifts.open_id(self.identity.terminal_id)
        if shift_id is None:
            raise NoOpenShift()
        return shift_id

    def _no_loose_sales(self, uow: UnitOfWork) -> None:
        parked = uow.parked.count()
        if parked:
            raise ParkedSalesPending(count=parked)
        if self.has_open_sale():
            raise SaleInProgress()

    def _figures(self, uow: UnitOfWork, shift: dict[str, Any]) -> ShiftFigures:
        return uow.shifts.figures(shift, self.identity.ticket)

    def _save_pdf(self, report: dict[str, Any]) -> Path | None:
        """The A4 copy. A failure here never undoes the Z: it can be made again later
        with ``pos-desktop report z --number N --pdf FILE``."""
        if self.reports_dir is None:
            return None
        target = self.reports_dir / f"Z-{report['z_number']:06d}.pdf"
        try:
            write_pdf(report, target)
        except Exception:  # any renderer failure is logged; the Z stands
            log.exception("Z PDF not written", extra={"z_number": report["z_number"]})
            return None
        return target


class NoZReport(ShiftError):
    message = N_("There is no Z number {number}.")


def x_data(uow: Any, figures: ShiftFigures) -> dict[str, Any]:
    """``figures_dict`` and the X's fiscal notes (a refused login to fix, a CAEA missing
    soon, one ARCA refused)."""
    today = argentine_date(datetime.now(UTC))
    notes = [*fault_notes(uow.settings.all()), *caea_notes(uow, today)]
    return {**figures_dict(figures), "fiscal_notes": notes}
