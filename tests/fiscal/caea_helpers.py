"""A till with a CAEA point of sale against the stand-in, on an injectable clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_desktop.app import Till
from pos_desktop.fiscal.client import open_session
from pos_desktop.fiscal.contingency import Contingency
from pos_desktop.fiscal.status import caea_queues_of, queues_of, read_settings
from pos_desktop.fiscal.worker import FiscalWorker
from pos_desktop.services.fiscal import SqliteFiscalBook
from tests.fiscal.till_helpers import configure_arca

CAEA_POS = 2
ART = timezone(timedelta(hours=-3))


def art(day: int, hour: int = 12, minute: int = 0, month: int = 7) -> datetime:
    """A moment in Buenos Aires, July 2026 unless told."""
    return datetime(2026, month, day, hour, minute, tzinfo=ART)


def open_caea_till(data: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
                   tmp_path: Path, clock: ManualClock, **extra: Any) -> Till:
    till = Till.open(data, demo=True)
    configure_arca(till, standin, taxpayer, tmp_path,
                   **{"fiscal.caea_point_of_sale": CAEA_POS, **extra})
    till.register.contingency = Contingency(clock)
    return till


def caea_worker(till: Till, clock: ManualClock) -> FiscalWorker:
    """The till's worker as ``Till.build_fiscal`` makes it, on the test's clock."""
    def connect() -> Any:
        return open_session(read_settings(till.reader), till.data_dir, clock=clock)

    return FiscalWorker(SqliteFiscalBook(till.uow), connect, clock=clock,
                        queues=lambda: queues_of(read_settings(till.reader)),
                        caea_queues=lambda: caea_queues_of(read_settings(till.reader)),
                        contingency=till.contingency(), duties=till.caea_duties(clock))
