"""The CAEA as it travels in ``caea.granted`` and in the catalogue snapshot's ``caeas``.

Head office requests one CAEA per CUIT and fortnight from ARCA and hands it to the tills
of that CUIT's stores; a till issues comprobantes with it while ARCA cannot be reached.
The snapshot carries ``caeas`` only when asked with ``?with=caeas``
(:data:`pos_contracts.wire.SNAPSHOT_WITH_CAEAS`), so a till that does not know CAEA gets
the body it always got; :func:`split_snapshot` takes them out again before the body is
checked as a ``catalog.changed`` payload.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pos_contracts.errors import InvalidEvent
from pos_contracts.wire import CAEA_GRANTED

SNAPSHOT_FIELD = "caeas"


@dataclass(frozen=True, slots=True)
class CaeaGrant:
    """One CAEA ARCA granted: the code, the days it covers and the informing deadline."""

    cuit: str
    period: int  # YYYYMM
    order: int  # 1 = days 1-15, 2 = 16 to the month's end
    caea: str
    valid_from: date
    valid_to: date
    report_deadline: date  # FchTopeInf
    granted_at: datetime

    def covers(self, day: date) -> bool:
        """May a comprobante dated ``day`` (the Argentine date) carry this CAEA?"""
        return self.valid_from <= day <= self.valid_to

    def to_wire(self) -> dict[str, Any]:
        return {
            "cuit": self.cuit,
            "period": self.period,
            "order": self.order,
            "caea": self.caea,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "report_deadline": self.report_deadline.isoformat(),
            "granted_at": self.granted_at.isoformat(timespec="milliseconds"),
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> CaeaGrant:
        """From a payload already checked against ``caea.granted`` v1."""
        return cls(
            cuit=str(data["cuit"]),
            period=int(data["period"]),
            order=int(data["order"]),
            caea=str(data["caea"]),
            valid_from=date.fromisoformat(data["valid_from"]),
            valid_to=date.fromisoformat(data["valid_to"]),
            report_deadline=date.fromisoformat(data["report_deadline"]),
            granted_at=datetime.fromisoformat(str(data["granted_at"]).replace("Z", "+00:00")),
        )


def fortnight_days(period: int, order: int) -> tuple[date, date]:
    """First and last day of ARCA's fortnight (Periodo YYYYMM, Orden 1 or 2)."""
    year, month = divmod(period, 100)
    if order == 1:
        return date(year, month, 1), date(year, month, 15)
    return date(year, month, 16), date(year, month, calendar.monthrange(year, month)[1])


def check_caea_granted_v1(p: Mapping[str, Any]) -> None:
    """What the schema cannot say: the dates lie in the fortnight and come in order."""
    try:
        first, last = fortnight_days(int(p["period"]), int(p["order"]))
        valid_from = date.fromisoformat(p["valid_from"])
        valid_to = date.fromisoformat(p["valid_to"])
        deadline = date.fromisoformat(p["report_deadline"])
    except ValueError as error:
        raise InvalidEvent("payload", f"CAEA: fecha inválida ({error})") from None
    if not first <= valid_from <= valid_to <= last:
        raise InvalidEvent(
            "amounts",
            f"CAEA {p['period']}/{p['order']}: vigencia {valid_from}..{valid_to} "
            f"fuera de la quincena {first}..{last}",
        )
    if deadline < valid_to:
        raise InvalidEvent(
            "amounts", f"CAEA {p['period']}/{p['order']}: tope de información {deadline} "
            f"anterior al fin de la vigencia {valid_to}"
        )


def grant_envelope_dict(payload: Mapping[str, Any], seq: int = 1) -> dict[str, Any]:
    """A ``caea.granted`` envelope around ``payload``, to check a snapshot's entry with the
    same validators as the message."""
    return {
        "event_id": "00000000-0000-4000-8000-000000000000",
        "type": CAEA_GRANTED,
        "schema_version": 1,
        "occurred_at": "2000-01-01T00:00:00.000+00:00",
        "store_id": "central",
        "terminal_id": "fiscal",
        "seq": seq,
        "trace_id": "0" * 32,
        "payload": payload,
    }


def split_snapshot(body: Mapping[str, Any]) -> tuple[dict[str, Any], list[CaeaGrant]]:
    """The snapshot without ``caeas`` (a ``catalog.changed`` payload) and its CAEAs, each
    checked as a ``caea.granted`` v1 payload. Raises ``InvalidEvent``."""
    from pos_contracts.registry import default_registry  # the registry imports the rules

    rest = dict(body)
    raw = rest.pop(SNAPSHOT_FIELD, [])
    if not isinstance(raw, list):
        raise InvalidEvent("payload", f"payload.{SNAPSHOT_FIELD}: no es una lista")
    grants = []
    for payload in raw:
        default_registry().validate(grant_envelope_dict(payload))
        grants.append(CaeaGrant.from_wire(payload))
    return rest, grants
