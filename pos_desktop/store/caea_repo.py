"""The till's CAEAs (migration 0006): one per CUIT and fortnight, from head office's
``caea.granted``, its catalogue snapshot, ARCA itself (a standalone till) or the
manager's ``pos-desktop fiscal caea add``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from pos_common.i18n import N_
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.fiscal.caea import Caea
from pos_desktop.store.tables import caeas


class CaeaConflict(DomainError):
    message = (N_("This till already holds CAEA {have} for fortnight {fortnight}; {got} is "
               "another code for it. Check the CUIT and ask head office."))


def _caea(row: Any) -> Caea:
    return Caea(cuit=str(row["cuit"]), period=int(row["period"]), order=int(row["orden"]),
                code=str(row["code"]), valid_from=date.fromisoformat(row["valid_from"]),
                valid_to=date.fromisoformat(row["valid_to"]),
                report_deadline=date.fromisoformat(row["report_deadline"]))


class Caeas:
    """The table inside a unit of work's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def put(self, caea: Caea, *, source: str, granted_at: str) -> bool:
        """Keep ``caea``; False when it was already here. Another code for the same
        fortnight is refused: a comprobante must never carry the wrong CAEA."""
        have = self.conn.execute(select(caeas.c.code).where(
            caeas.c.cuit == caea.cuit, caeas.c.period == caea.period,
            caeas.c.orden == caea.order)).scalar_one_or_none()
        if have == caea.code:
            return False
        if have is not None:
            raise CaeaConflict(have=have, fortnight=caea.fortnight, got=caea.code)
        self.conn.execute(insert(caeas).values(
            cuit=caea.cuit, period=caea.period, orden=caea.order, code=caea.code,
            valid_from=caea.valid_from.isoformat(), valid_to=caea.valid_to.isoformat(),
            report_deadline=caea.report_deadline.isoformat(), granted_at=granted_at,
            source=source, received_at=datetime.now(UTC).isoformat(timespec="seconds")))
        return True

    def of(self, cuit: str) -> list[Caea]:
        rows = self.conn.execute(select(caeas).where(caeas.c.cuit == cuit)
                                 .order_by(caeas.c.period, caeas.c.orden))
        return [_caea(r._mapping) for r in rows]

    def get(self, cuit: str, period: int, order: int) -> Caea | None:
        row = self.conn.execute(select(caeas).where(
            caeas.c.cuit == cuit, caeas.c.period == period, caeas.c.orden == order)).first()
        return None if row is None else _caea(row._mapping)

    def unused_informed(self, cuit: str, period: int, order: int) -> str | None:
        return self.conn.execute(select(caeas.c.unused_informed_at).where(
            caeas.c.cuit == cuit, caeas.c.period == period, caeas.c.orden == order)
        ).scalar_one_or_none()

    def mark_unused_informed(self, cuit: str, period: int, order: int, when: str) -> None:
        self.conn.execute(update(caeas).where(
            caeas.c.cuit == cuit, caeas.c.period == period, caeas.c.orden == order
        ).values(unused_informed_at=when))
