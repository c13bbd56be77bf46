"""What the timer runs (``pos-central scheduler --once``, hourly): for every configured
taxpayer, the current fortnight's CAEA and, from 5 days before it starts, the next one
(asked again every run until ARCA grants it); ``caea.granted`` to the tills; informing
ARCA; sin movimiento for idle points of sale; and the deadline alerts."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pos_arca import ArcaError, Fortnight, WsfeClient
from pos_central.fiscal.grants import CaeaPublishError, CaeaWindowClosed, obtain, publish_pending
from pos_central.fiscal.idle import inform_idle
from pos_central.fiscal.inform import inform
from pos_central.fiscal.status import fiscal_status
from pos_central.fiscal.taxpayers import FiscalSetupError, Taxpayer, configured
from pos_central.topology import Topology

log = logging.getLogger("pos_central.fiscal")

WsfeFactory = Callable[[Taxpayer], WsfeClient]


@dataclass
class RunReport:
    obtained: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    informed: int = 0
    rejected: int = 0
    idle: int = 0


def fortnights_due(today: date) -> list[Fortnight]:
    """The fortnights whose CAEA head office should hold on ``today``."""
    current = Fortnight.of(today)
    following = current.next()
    return [current, following] if following.can_request_on(today) else [current]


def request_due(db_url: str, wsfe: WsfeClient, cuit: str, today: date, report: RunReport
                ) -> None:
    for fortnight in fortnights_due(today):
        try:
            got = obtain(db_url, wsfe, cuit, fortnight, today)
        except (CaeaWindowClosed, ArcaError) as error:
            report.problems.append(f"{cuit} {fortnight}: {error}")
            continue
        if got.obtained_with != "stored":
            report.obtained.append(f"{cuit} {fortnight}: {got.grant.caea}")


def run_once(db_url: str, amqp_url: str, topology: Topology, today: date,
             wsfe_for: WsfeFactory) -> RunReport:
    report = RunReport()
    try:
        found = configured(db_url)
    except FiscalSetupError as missing:  # the timer is enabled before configure: not an error
        log.warning("CAEA: %s", missing)
        report.problems.append(str(missing))
        return report
    for taxpayer in found:
        try:
            wsfe = wsfe_for(taxpayer)
        except (ArcaError, ValueError) as error:
            report.problems.append(f"{taxpayer.cuit}: {error}")
            continue
        request_due(db_url, wsfe, taxpayer.cuit, today, report)
        informed = inform(db_url, wsfe, taxpayer.cuit)
        report.informed += len(informed.informed) + len(informed.resolved)
        report.rejected += len(informed.rejected)
        report.problems += [f"{taxpayer.cuit}: {t}" for t in informed.stopped.values()]
        if informed.failure:
            report.problems.append(f"{taxpayer.cuit}: {informed.failure}")
        idle = inform_idle(db_url, wsfe, taxpayer.cuit, today)
        report.idle += len(idle.informed)
        report.problems += [f"{taxpayer.cuit}: {c} {p}: {m}" for c, p, m in idle.rejected]
    try:
        publish_pending(db_url, amqp_url, topology)
    except CaeaPublishError as error:
        report.problems.append(str(error))
    fiscal_status(db_url, today, record=True)
    for problem in report.problems:
        log.warning("CAEA: %s", problem)
    return report


def run_forever(stop: threading.Event, interval: float, once: Callable[[], Any]) -> None:
    """``once`` every ``interval`` seconds until ``stop``; a failed run is logged and the
    next one tries again (the timer's job when run as a service)."""
    while not stop.is_set():
        try:
            once()
        except Exception:  # keep the scheduler alive; the next run retries
            log.exception("CAEA: la corrida falló; se reintenta")
        stop.wait(interval)
