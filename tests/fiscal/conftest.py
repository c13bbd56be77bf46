"""The fiscal worker against ARCA's stand-in over real HTTP (loopback, free port)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pos_arca import ManualClock, Timeouts
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials, make_certificate_authority
from pos_desktop.app import Till
from pos_desktop.domain.fiscal.amounts import TaxedAmount
from pos_desktop.domain.fiscal.block import fiscal_block
from pos_desktop.domain.fiscal.buyer import ANONYMOUS, Buyer
from pos_desktop.domain.fiscal.kinds import ComprobanteType
from pos_desktop.domain.fiscal.numbering import PointOfSale
from pos_desktop.domain.fiscal.parties import Seller, SellerCondition
from pos_desktop.domain.fiscal.pending import pending_credit_note, pending_invoice
from pos_desktop.domain.tax import IvaRate
from pos_desktop.fiscal.client import open_session
from pos_desktop.fiscal.settings import FiscalSettings
from pos_desktop.fiscal.worker import FiscalWorker
from tests.fiscal.memory_book import MemoryBook
from tests.fiscal.till_helpers import configure_arca

CUIT = "30712345671"
START = datetime(2026, 7, 10, 15, 0, tzinfo=UTC)  # noon in Buenos Aires
#: Short: fault tests wait for the client to give up; nothing else comes near it.
IMPATIENT = 0.5


@pytest.fixture(scope="session")
def ca() -> CertificateAuthority:
    return make_certificate_authority()


@pytest.fixture(scope="session")
def taxpayer(ca: CertificateAuthority) -> TaxpayerCredentials:
    return ca.issue(int(CUIT), not_before=datetime(2025, 1, 1, tzinfo=UTC), days=3650)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def standin(ca: CertificateAuthority, clock: ManualClock) -> Iterator[ArcaStandin]:
    server = ArcaStandin(ca_certificate=ca.certificate, clock=clock).start()
    try:
        yield server
    finally:
        server.stop()


def settings_for(standin: ArcaStandin, taxpayer: TaxpayerCredentials, **changes: Any
                 ) -> FiscalSettings:
    values: dict[str, Any] = {
        "mode": "arca", "cuit": CUIT, "point_of_sale": 1, "wsaa_url": standin.wsaa_url,
        "wsfe_url": standin.wsfe_url, "certificate_pem": taxpayer.certificate_pem.decode(),
        "timeout_seconds": 10.0}
    values.update(changes)
    return FiscalSettings(**values)


@pytest.fixture
def book() -> MemoryBook:
    return MemoryBook()


def make_worker(book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
                clock: ManualClock, data_dir: Path, *, read_timeout: float = 10.0
                ) -> FiscalWorker:
    settings = settings_for(standin, taxpayer, timeout_seconds=read_timeout)
    return FiscalWorker(
        book, lambda: open_session(settings, data_dir, key=lambda: taxpayer.private_key_pem,
                                   clock=clock),
        clock=clock)


@pytest.fixture
def worker(book: MemoryBook, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
           clock: ManualClock, tmp_path: Path) -> FiscalWorker:
    return make_worker(book, standin, taxpayer, clock, tmp_path)


SELLER = Seller(CUIT, SellerCondition.RESPONSABLE_INSCRIPTO)
MONOTRIBUTISTA = Seller("20123456786", SellerCondition.MONOTRIBUTO)


def invoice_block(total: int = 12100, *, buyer: Buyer = ANONYMOUS, seller: Seller = SELLER,
                  rate: IvaRate = IvaRate.GENERAL, point_of_sale: int = 1) -> dict[str, Any]:
    pending = pending_invoice(seller=seller, point_of_sale=PointOfSale(point_of_sale),
                              lines=[TaxedAmount(rate, total)], buyer=buyer)
    return fiscal_block(pending)


def credit_note_block(original_type: int, total: int, *, buyer: Buyer = ANONYMOUS,
                      seller: Seller = SELLER) -> dict[str, Any]:
    pending = pending_credit_note(original=ComprobanteType(original_type), seller=seller,
                                  point_of_sale=PointOfSale(1),
                                  lines=[TaxedAmount(IvaRate.GENERAL, total)], buyer=buyer)
    return fiscal_block(pending)


def timeouts() -> Timeouts:
    return Timeouts(connect=1.0, read=IMPATIENT)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Never the developer's real keychain."""
    import keyring

    from tests.support.keyring import MemoryKeyring

    monkeypatch.delenv("POS_FISCAL_PRIVATE_KEY", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def till(tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials
         ) -> Iterator[Till]:
    t = Till.open(tmp_path / "data", demo=True)  # demo catalogue, users and open shift
    configure_arca(t, standin, taxpayer, tmp_path)
    yield t
    t.close()
