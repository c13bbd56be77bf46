"""A till on its SQLite file in fiscal mode ARCA, against the stand-in (shared helpers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_desktop.app import Till
from pos_desktop.domain.sale import Tender, TenderKind
from pos_desktop.fiscal.client import open_session
from pos_desktop.fiscal.credentials import store_private_key
from pos_desktop.fiscal.status import queues_of, read_settings
from pos_desktop.fiscal.worker import FiscalWorker
from pos_desktop.services.fiscal import SqliteFiscalBook

SKUS = ("A0001", "A0002")


def configure_arca(till: Till, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
               tmp_path: Path, **extra: Any) -> None:
    key = tmp_path / "arca.key"
    store_private_key(taxpayer.private_key_pem, key_file=key)
    with till.uow() as uow:
        for k, v in {"fiscal.mode": "arca", "fiscal.point_of_sale": 1,
                     "fiscal.wsaa_url": standin.wsaa_url, "fiscal.wsfe_url": standin.wsfe_url,
                     "fiscal.certificate": taxpayer.certificate_pem.decode(),
                     "fiscal.key_file": str(key), **extra}.items():
            uow.settings.set(k, v)
        uow.commit()
    till.refresh_fiscal_policy()


def worker_for(till: Till, clock: ManualClock) -> FiscalWorker:
    def connect() -> Any:
        return open_session(read_settings(till.reader), till.data_dir, clock=clock)

    return FiscalWorker(SqliteFiscalBook(till.uow), connect, clock=clock,
                        queues=lambda: queues_of(read_settings(till.reader)))


def sell(till: Till, *skus: str, cash: bool = True) -> Any:
    register = till.register
    for sku in skus or SKUS[:1]:
        register.scan(sku)
    return register.pay_and_complete([Tender(TenderKind.CASH if cash else TenderKind.DEBIT,
                                             register.sale.total)])


def rows(till: Till, sql: str) -> list[dict[str, Any]]:
    with till.reader.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql))]


