"""The till's fiscal state for the status bar and ``pos-desktop fiscal status --json``.

The database says what waits (pending, in doubt, rejected, the oldest pending); the
worker (or, from the command line, a probe of ARCA) says whether ARCA answers, its last
authorized numbers and the access ticket's expiry. Nothing here knows Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pos_common.i18n import _, ngettext
from pos_desktop.domain.fiscal.dates import argentine_date
from pos_desktop.fiscal.arca_words import worded
from pos_desktop.fiscal.caea_status import caea_lines, caea_status
from pos_desktop.fiscal.faults import FAULT_KEY, FiscalFault, fault_text
from pos_desktop.fiscal.settings import FiscalSettings, load_fiscal_settings
from pos_desktop.fiscal.tasks import Queue
from pos_desktop.fiscal.worker import FiscalLink, FiscalState
from pos_desktop.store.fiscal_repo import FiscalBacklog, fiscal_backlog
from pos_desktop.store.repositories import Settings

#: The types each seller issues, per point of sale (what ``status`` asks ARCA about).
TYPES_BY_CONDITION = {
    "Responsable Inscripto": (1, 3, 6, 8),
    "Monotributo": (11, 13),
    "Exento": (11, 13),
}


def _queues(point_of_sale: int | None, settings: FiscalSettings) -> list[Queue]:
    if not point_of_sale:
        return []
    return [Queue(point_of_sale, t) for t in TYPES_BY_CONDITION[settings.seller_condition.value]]


def queues_of(settings: FiscalSettings) -> list[Queue]:
    return _queues(settings.point_of_sale, settings)


def caea_queues_of(settings: FiscalSettings) -> list[Queue]:
    return _queues(settings.caea_point_of_sale, settings)


def _age(since: str | None, now: datetime) -> float | None:
    if not since:
        return None
    moment = datetime.fromisoformat(since)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(max(0.0, (now - moment).total_seconds()), 1)


def combine(settings: FiscalSettings, backlog: FiscalBacklog, link: FiscalLink, *,
            last_numbers: Mapping[Queue, int] | None = None,
            ticket_expires_at: datetime | None = None,
            blocked: Mapping[Queue, str] | None = None,
            now: datetime | None = None,
            caea: Mapping[str, Any] | None = None,
            fault: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``fault``: why no CAE can be had though ARCA answered (``faults.FiscalFault``)."""
    now = now or datetime.now(UTC)
    state = link.state if settings.arca else FiscalState.DISABLED
    last_error = link.error or backlog.last_error
    if blocked and state is FiscalState.ONLINE:
        state, last_error = FiscalState.ERROR, next(iter(blocked.values()))
    fault = dict(fault) if fault and settings.arca and state is not FiscalState.ONLINE else None
    if fault is not None and state is FiscalState.OFFLINE and not _transient(fault):
        state, last_error = FiscalState.ERROR, fault["error"]  # read back, in another process
    return {
        "mode": settings.mode,
        "state": state.value,
        "environment": settings.environment.value,
        "cuit": settings.cuit,
        "points_of_sale": {"cae": settings.point_of_sale, "caea": settings.caea_point_of_sale},
        "wsaa_url": settings.effective_wsaa_url,
        "wsfe_url": settings.effective_wsfe_url,
        "last_authorized": [{"point_of_sale": q.point_of_sale, "type": q.cbte_tipo,
                             "number": n} for q, n in sorted((last_numbers or {}).items())],
        "ticket_expires_at": None if ticket_expires_at is None
        else ticket_expires_at.isoformat(),
        "pending": backlog.pending,
        "in_doubt": backlog.in_doubt,
        "rejected": backlog.rejected,
        "oldest_pending_at": backlog.oldest_pending_at,
        "oldest_pending_age_s": _age(backlog.oldest_pending_at, now),
        "last_error": last_error,
        "since": link.since,
        "problems": settings.problems if settings.arca else [],
        "caea": None if caea is None else dict(caea),  # the fortnight's CAEA here
        "fault": fault,
        "fault_text": None if fault is None else fault_text(
            fault, certificate_pem=settings.certificate_pem,
            environment=settings.environment.value),
    }


def _transient(fault: Mapping[str, Any]) -> bool:
    return FiscalFault(str(fault.get("kind")), "", "").transient


def read_backlog(engine: Engine) -> FiscalBacklog:
    with engine.connect() as conn:
        return fiscal_backlog(conn)


def read_settings(engine: Engine) -> FiscalSettings:
    with engine.connect() as conn:
        return load_fiscal_settings(Settings(conn).all())


def read_fault(engine: Engine) -> dict[str, Any] | None:
    """The fault the worker recorded (``faults.FAULT_KEY``), None when there is none."""
    with engine.connect() as conn:
        fault = Settings(conn).get(FAULT_KEY)
    return fault if isinstance(fault, dict) else None


def probe(settings: FiscalSettings, data_dir: Path
          ) -> tuple[FiscalLink, dict[Queue, int], datetime | None, dict[str, Any] | None]:
    """Ask ARCA (one login at most, then FECompUltimoAutorizado per type); the last item
    is the fault when ARCA answered no (``faults.FiscalFault``)."""
    from pos_arca import ArcaAuthError, ArcaError, ArcaLoginUnavailable, ArcaUnreachable
    from pos_desktop.domain.errors import PosError
    from pos_desktop.fiscal.client import open_session

    moment = datetime.now(UTC)
    now = moment.isoformat(timespec="seconds")
    numbers: dict[Queue, int] = {}
    expiry = None
    try:
        session = open_session(settings, data_dir)
        for queue in queues_of(settings):
            numbers[queue] = session.wsfe.last_authorized(queue.point_of_sale, queue.cbte_tipo)
        expiry = session.ticket_expiry()
    except ArcaUnreachable as error:
        fault = (FiscalFault.of(error, moment, None).as_dict()
                 if isinstance(error, ArcaLoginUnavailable) else None)
        return FiscalLink(FiscalState.OFFLINE, str(error), now), numbers, expiry, fault
    except (ArcaAuthError, ArcaError, PosError) as error:
        refused = FiscalFault.of(error, moment, None)
        state = FiscalState.OFFLINE if refused.transient else FiscalState.ERROR
        return FiscalLink(state, str(error), now), numbers, expiry, refused.as_dict()
    return FiscalLink(FiscalState.ONLINE, None, now), numbers, expiry, None


def status_bar_text(status: Mapping[str, Any]) -> tuple[str, str]:
    """(text, level) for the status bar, which puts "ARCA:" in front."""
    if status["mode"] != "arca":
        return _("no fiscal documents (training)"), "info"
    label = {"online": _("online"), "offline": _("offline"), "error": _("error"),
             "disabled": _("off")}[status["state"]]
    parts = [label]
    if status["pending"]:
        parts.append(ngettext("{n} comprobante to authorize", "{n} comprobantes to authorize",
                              status["pending"]).format(n=status["pending"]))
    if status["in_doubt"]:
        parts.append(_("{n} in doubt").format(n=status["in_doubt"]))
    if status["rejected"]:
        parts.append(_("{n} rejected").format(n=status["rejected"]))
    caea = status.get("caea") or {}
    if caea.get("contingency"):
        parts.append(_("selling with CAEA"))
    if status.get("fault_text"):
        parts.append(str(status["fault_text"]))  # what to fix, in the till's language
    elif status["state"] != "online" and status["last_error"]:
        parts.append(worded(str(status["last_error"])))  # pos_arca's English, in ours
    if caea.get("warning"):
        parts.append(str(caea["warning"]))
    if caea.get("inform_error"):
        parts.append(_("ARCA refused a CAEA comprobante"))
    level = "ok"
    if status["state"] == "offline" or status["pending"] or caea.get("warning"):
        level = "warning"
    if status["state"] == "error" or status["rejected"]:
        level = "error"
    return " · ".join(parts), level


def status_lines(status: Mapping[str, Any]) -> list[str]:
    text, _level = status_bar_text(status)
    lines = [_("ARCA: {text}").format(text=text)]
    if status["mode"] == "arca":
        lines.append(_("Environment: {env} · CUIT {cuit} · point of sale {pos}").format(
            env=status["environment"], cuit=status["cuit"] or "-",
            pos=status["points_of_sale"]["cae"] or "-"))
        for row in status["last_authorized"]:
            lines.append(_("Last authorized {pos:05d}-{type:03d}: {number}").format(
                pos=row["point_of_sale"], type=row["type"], number=row["number"]))
        if status["ticket_expires_at"]:
            lines.append(_("Access ticket valid until {when}").format(
                when=status["ticket_expires_at"]))
        lines.extend(caea_lines(status.get("caea")))
    return lines


def fiscal_status(till: Any, *, probe_arca: bool = True) -> dict[str, Any]:
    """Status of ``till`` (the composition root's ``Till``), for the command line."""
    settings = read_settings(till.reader)
    backlog = read_backlog(till.reader)
    link = FiscalLink(FiscalState.OFFLINE, None, None)
    numbers: dict[Queue, int] = {}
    expiry = None
    fault = read_fault(till.reader)  # the worker's, of this process or another
    worker = getattr(till, "fiscal", None)
    if worker is not None:
        link, numbers, expiry = worker.link(), worker.last_numbers(), worker.ticket_expiry()
    elif settings.arca and probe_arca and not settings.problems:
        link, numbers, expiry, fault = probe(settings, till.data_dir)  # ARCA's answer now
    contingency = getattr(getattr(till, "register", None), "contingency", None)
    now = datetime.now(UTC) if contingency is None else contingency.now()
    caea = caea_status(till.reader, settings, argentine_date(now),
                       contingency=contingency is not None and contingency.active,
                       informs=bool(getattr(till, "standalone", True)))
    return combine(settings, backlog, link, last_numbers=numbers, ticket_expires_at=expiry,
                   caea=caea, fault=fault)
