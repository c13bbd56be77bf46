"""Head office's CAEA tests: a taxpayer configured against the ARCA stand-in (real HTTP),
and CAEA comprobantes as tills send them (sale.completed v3 with a CAEA fiscal block)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pos_arca import ManualClock, WsfeClient
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials, make_certificate_authority
from pos_central.fiscal.taxpayers import Taxpayer, configure, open_wsfe
from pos_contracts import Envelope, build_envelope
from pos_contracts.testing import SimulatedTerminal

from .test_fiscal import block_of

CUIT = "20123456786"
#: A Friday in the first fortnight of July 2026, at noon in Buenos Aires.
START = datetime(2026, 7, 10, 15, 0, tzinfo=UTC)
CAE_POS, CAEA_POS, IDLE_POS = 1, 2, 3


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return make_certificate_authority()


@pytest.fixture(scope="module")
def credentials(ca: CertificateAuthority) -> TaxpayerCredentials:
    return ca.issue(int(CUIT), not_before=datetime(2025, 1, 1, tzinfo=UTC), days=3650)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def standin(ca: CertificateAuthority, clock: ManualClock) -> Iterator[ArcaStandin]:
    server = ArcaStandin(ca_certificate=ca.certificate, clock=clock).start()
    for number, kind in ((CAE_POS, "CAE"), (CAEA_POS, "CAEA"), (IDLE_POS, "CAEA")):
        server.add_point_of_sale(number, kind)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def taxpayer(central_db: str, standin: ArcaStandin, credentials: TaxpayerCredentials,
             tmp_path: Path) -> Taxpayer:
    return configure(central_db, cuit=CUIT, certificate=credentials.certificate_pem,
                     key=credentials.private_key_pem, environment="homologacion",
                     wsaa_url=standin.wsaa_url, wsfe_url=standin.wsfe_url,
                     key_dir=tmp_path / "keys")


class CountingWsfe(WsfeClient):
    """The real client, counting the FECAEARegInformativo requests it sends."""

    sent: list[int]

    def inform_caea(self, comprobante: Any, **kwargs: Any) -> Any:
        self.sent.append(comprobante.number)
        return super().inform_caea(comprobante, **kwargs)


def counting_wsfe(taxpayer: Taxpayer, clock: ManualClock, cache: Path) -> CountingWsfe:
    plain = open_wsfe(taxpayer, clock=clock, cache_dir=cache)
    client = CountingWsfe(cuit=plain.cuit, credentials=plain.credentials, url=plain.url)
    client.sent = []
    return client


@pytest.fixture
def wsfe(taxpayer: Taxpayer, clock: ManualClock, tmp_path: Path) -> CountingWsfe:
    return counting_wsfe(taxpayer, clock, tmp_path / "arca")


@dataclass
class CaeaTill:
    """A till selling offline: Factura B numbered on its CAEA point of sale."""

    terminal: SimulatedTerminal
    point_of_sale: int = CAEA_POS
    number: int = 0

    def sale(self, caea: str, day: date) -> Envelope:
        self.terminal.start_day(day.isoformat())
        sale = self.terminal.sale()
        payload = json.loads(json.dumps(sale.payload))
        self.number += 1
        block = block_of(payload) | {
            "point_of_sale": self.point_of_sale, "number": self.number,
            "cbte_fch": day.isoformat(), "issued_at": payload["completed_at"],
            "seller": {"cuit": CUIT, "iva_condition": "Responsable Inscripto"},
            "authorization": {"kind": "CAEA", "code": caea, "due": "2026-07-15"}}
        payload["fiscal"] = block
        return build_envelope("sale.completed", payload, store_id=sale.store_id,
                              terminal_id=sale.terminal_id, seq=sale.seq,
                              occurred_at=sale.occurred_at, event_id=sale.event_id)


def caea_till(store: str = "S001", terminal: str = "T01", seed: int = 21) -> CaeaTill:
    till = SimulatedTerminal(store, terminal, seed=seed)
    till.open_shift()
    return CaeaTill(till)
