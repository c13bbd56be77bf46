"""``/v1/reports/daily`` and ``/v1/reports/monthly``: JSON or PDF (``report.py`` and
``report_pdf.py``), limited to a store manager's stores."""

from __future__ import annotations

import calendar
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from pos_central.api.auth import ADMIN, Api, Principal, Reader
from pos_central.api.refusals import refused
from pos_central.report import build_period_report, restrict_to_stores
from pos_central.report_pdf import write_pdf
from pos_common.messages import N_, TranslatableError

router = APIRouter(prefix="/v1/reports", tags=["reports"])
Format = Literal["json", "pdf"]


def month_span(month: str) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise refused(422, TranslatableError(N_("invalid month {month}: use YYYY-MM"),
                                             month=repr(month))) from None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def report_for(db_url: str, who: Principal, first: date, last: date) -> dict[str, Any]:
    report = build_period_report(db_url, first, last)
    if who.role != ADMIN and who.stores:
        report = restrict_to_stores(report, set(who.stores))
    return report


def pdf_response(report: dict[str, Any], name: str) -> Response:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write_pdf(report, path)
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/daily", summary="One day: sales, refunds, cash, IVA, sync")
def daily(day: date, who: Reader, api: Api, format: Format = "json") -> Any:
    report = report_for(api.settings.db_url, who, day, day)
    return pdf_response(report, f"diario-{day}.pdf") if format == "pdf" else report


@router.get("/monthly", summary="A calendar month (YYYY-MM)")
def monthly(month: str, who: Reader, api: Api, format: Format = "json") -> Any:
    first, last = month_span(month)
    report = report_for(api.settings.db_url, who, first, last)
    return pdf_response(report, f"mensual-{month}.pdf") if format == "pdf" else report
