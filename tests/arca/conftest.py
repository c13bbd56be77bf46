"""ARCA tests: the real client against the stand-in, over real HTTP on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pos_arca import ManualClock, Timeouts, WsaaClient, WsfeClient
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials, make_certificate_authority

CUIT = 20123456786
#: A Friday in the first fortnight of July 2026, at noon in Buenos Aires.
START = datetime(2026, 7, 10, 15, 0, tzinfo=UTC)
CERT_FROM = datetime(2025, 1, 1, tzinfo=UTC)
#: Short: fault tests wait for the client to give up; nothing else comes near it.
FAULT_TIMEOUTS = Timeouts(connect=1.0, read=0.4)


@pytest.fixture(scope="session")
def ca() -> CertificateAuthority:
    return make_certificate_authority()


@pytest.fixture(scope="session")
def taxpayer(ca: CertificateAuthority) -> TaxpayerCredentials:
    return ca.issue(CUIT, not_before=CERT_FROM, days=3650)


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


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "tickets"


def make_wsaa(taxpayer: TaxpayerCredentials, standin: ArcaStandin, clock: ManualClock,
              cache_dir: Path, **options: Any) -> WsaaClient:
    return WsaaClient(certificate=taxpayer.certificate_pem, private_key=taxpayer.private_key_pem,
                      cache_dir=cache_dir, url=standin.wsaa_url, clock=clock, **options)


@pytest.fixture
def wsaa(taxpayer: TaxpayerCredentials, standin: ArcaStandin, clock: ManualClock,
         cache_dir: Path) -> WsaaClient:
    return make_wsaa(taxpayer, standin, clock, cache_dir)


@pytest.fixture
def wsfe(wsaa: WsaaClient, standin: ArcaStandin) -> WsfeClient:
    return WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url)


@pytest.fixture
def impatient_wsfe(wsaa: WsaaClient, standin: ArcaStandin) -> WsfeClient:
    return WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url,
                      timeouts=FAULT_TIMEOUTS)
