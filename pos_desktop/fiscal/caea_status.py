"""The CAEA part of ``fiscal status --json``, the status bar and the X report: the
current and next fortnight's CAEA at this till, how many comprobantes were issued with each
and how many are not yet informed, and the warning when offline sales would have none."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Engine

from pos_common.i18n import _
from pos_desktop.domain.fiscal.caea import Caea, CaeaOutlook, OutlookState, caea_outlook
from pos_desktop.fiscal.settings import CAEA_ARCA_LAST_KEY, FiscalSettings
from pos_desktop.store.caea_repo import Caeas
from pos_desktop.store.fiscal_repo import FiscalDocuments
from pos_desktop.store.repositories import Settings


def _not_informed(documents: list[dict[str, Any]], informs: bool) -> int | None:
    """None at a till with head office: head office informs, the till never knows."""
    return sum(1 for d in documents if d["informed_at"] is None) if informs else None


def _one(caea: Caea | None, documents: list[dict[str, Any]], informs: bool
         ) -> dict[str, Any] | None:
    if caea is None:
        return None
    mine = [d for d in documents if d["authorization_code"] == caea.code]
    return {"code": caea.code, "period": caea.period, "order": caea.order,
            "valid_from": caea.valid_from.isoformat(), "valid_to": caea.valid_to.isoformat(),
            "report_deadline": caea.report_deadline.isoformat(), "used": len(mine),
            "not_informed": _not_informed(mine, informs)}


def warning_text(outlook: CaeaOutlook, settings: FiscalSettings) -> str | None:
    """What the status bar and the X report say (None: nothing to warn of)."""
    then = (_("offline sales will be refused") if settings.caea_missing.value == "refuse"
            else _("offline sales will wait for ARCA"))
    if outlook.state is OutlookState.NO_POINT_OF_SALE:
        return _("no CAEA point of sale: {then}").format(then=then)
    if outlook.state is OutlookState.MISSING:
        return _("no CAEA for today: {then}").format(then=then)
    if outlook.state is OutlookState.NEXT_MISSING and outlook.uncovered_from is not None:
        return _("no CAEA yet from {day}: {then}").format(
            day=outlook.uncovered_from.strftime("%d/%m/%Y"), then=then)
    return None


def caea_status(engine: Engine, settings: FiscalSettings, today: date, *,
                contingency: bool = False, informs: bool = True) -> dict[str, Any] | None:
    """``informs``: a standalone till informs ARCA itself (with head office: head office)."""
    if not settings.arca:
        return None
    with engine.connect() as conn:
        known = Caeas(conn).of(settings.cuit)
        documents = FiscalDocuments(conn).caea_documents()
        arca_last = Settings(conn).get(CAEA_ARCA_LAST_KEY) or {}
    outlook = caea_outlook(known, today, has_point_of_sale=bool(settings.caea_point_of_sale))
    refused = [d["inform_error"] for d in documents
               if d["inform_error"] and d["informed_at"] is None]
    return {
        "point_of_sale": settings.caea_point_of_sale,
        "contingency": contingency,
        "outlook": outlook.state.value,
        "warning": warning_text(outlook, settings),
        "current": _one(outlook.current, documents, informs),
        "next": _one(outlook.following, documents, informs),
        "issued": len(documents),
        "informed_by": "till" if informs else "head_office",
        "not_informed": _not_informed(documents, informs),
        "inform_error": refused[0] if refused else None,
        "when_missing": settings.caea_missing.value,
        "arca_last": _arca_last(arca_last, settings.caea_point_of_sale),
    }


def _arca_last(held: Mapping[str, Any], point_of_sale: int | None) -> list[dict[str, int]]:
    """ARCA's last number per CAEA queue of this till's CAEA point of sale, as ARCA answered
    when last asked (empty until the worker has asked: the till does not know it yet)."""
    rows = []
    for key, number in held.items():
        pos, _sep, kind = str(key).partition("/")
        if pos.isdigit() and kind.isdigit() and int(pos) == point_of_sale:
            rows.append({"point_of_sale": int(pos), "type": int(kind), "number": int(number)})
    return sorted(rows, key=lambda r: r["type"])


def caea_lines(caea: Mapping[str, Any] | None) -> list[str]:
    """``fiscal status`` (text) and the X report."""
    if caea is None:
        return []
    lines = []
    for label, key in ((_("CAEA now"), "current"), (_("CAEA next"), "next")):
        one = caea.get(key)
        if one is not None:
            fields = {"label": label, "code": one["code"], "period": one["period"],
                      "order": one["order"], "used": one["used"],
                      "to": date.fromisoformat(one["valid_to"]).strftime("%d/%m/%Y"),
                      "deadline": date.fromisoformat(one["report_deadline"]).strftime(
                          "%d/%m/%Y")}
            if one["not_informed"] is None:
                lines.append(_("{label}: {code} ({period}/{order}, until {to}; inform by "
                               "{deadline}) · {used} issued, informed by head office").format(
                    **fields))
            else:
                lines.append(_("{label}: {code} ({period}/{order}, until {to}; inform by "
                               "{deadline}) · {used} issued, {left} not informed").format(
                    **fields, left=one["not_informed"]))
    for row in caea.get("arca_last") or ():
        lines.append(_("ARCA's last CAEA comprobante {pos:05d}-{type:03d}: {number}").format(
            pos=row["point_of_sale"], type=row["type"], number=row["number"]))
    if caea.get("warning"):
        lines.append(_("CAEA warning: {text}").format(text=caea["warning"]))
    if caea.get("inform_error"):
        lines.append(_("ARCA refused a CAEA comprobante: {error}").format(
            error=caea["inform_error"]))
    return lines
