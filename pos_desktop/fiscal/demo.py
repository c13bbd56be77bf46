"""``--demo`` issues real-looking comprobantes: ARCA's stand-in runs inside the till.

At the demo's first start a throwaway certificate authority and a taxpayer certificate
for the demo store's CUIT are made in ``<demo data>/arca-demo`` (nothing is downloaded;
the key file is 0600); at every start the stand-in (``pos_arca.standin``, ARCA's SOAP over
real HTTP) listens on a free loopback port and the till's fiscal settings point at it.
Its state (numbers, CAEs, tickets) is kept in that folder, so numbering goes on across
restarts, as ARCA's would. Its CAEA point of sale is the till's too: the demo till (no
head office) gets the fortnight's CAEA from it and sells offline with it when the stand-in
is made unreachable. Training mode is fiscal mode *none*, not this.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from pos_arca.standin import ArcaStandin
from pos_arca.testing import make_certificate_authority

log = logging.getLogger(__name__)
DEMO_POINT_OF_SALE = 1
DEMO_CAEA_POINT_OF_SALE = 2  # the stand-in's CAEA point of sale: the demo sells offline too


@dataclass
class DemoArca:
    standin: ArcaStandin
    certificate_pem: str
    key_file: Path

    def settings(self) -> dict[str, object]:
        """The fiscal settings that point the till at this stand-in."""
        return {
            "fiscal.mode": "arca",
            "fiscal.environment": "homologacion",
            "fiscal.point_of_sale": DEMO_POINT_OF_SALE,
            "fiscal.caea_point_of_sale": DEMO_CAEA_POINT_OF_SALE,
            "fiscal.wsaa_url": self.standin.wsaa_url,
            "fiscal.wsfe_url": self.standin.wsfe_url,
            "fiscal.certificate": self.certificate_pem,
            "fiscal.key_file": str(self.key_file),
        }

    def stop(self) -> None:
        self.standin.stop()


def _write_private(path: Path, data: bytes) -> None:
    from pos_desktop.fiscal.credentials import store_private_key

    store_private_key(data, key_file=path)


def start_demo_arca(data_dir: Path, cuit: int) -> DemoArca:
    folder = data_dir / "arca-demo"
    ca_file, cert_file, key_file = (folder / "ca.pem", folder / "taxpayer.pem",
                                    folder / "taxpayer.key")
    if not (ca_file.exists() and cert_file.exists() and key_file.exists()):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        ca = make_certificate_authority("Super POS demo: ARCA stand-in")
        taxpayer = ca.issue(cuit, common_name="super-pos-demo", days=3650)
        ca_file.write_bytes(ca.certificate_pem)
        cert_file.write_bytes(taxpayer.certificate_pem)
        _write_private(key_file, taxpayer.private_key_pem)
        log.info("demo ARCA certificates made", extra={"folder": str(folder)})
    ca_certificate = x509.load_pem_x509_certificate(ca_file.read_bytes())
    standin = ArcaStandin(ca_certificate=ca_certificate, admin_port=None,
                          state_file=folder / "standin.json").start()
    certificate_pem = cert_file.read_bytes().decode("ascii")
    x509.load_pem_x509_certificate(certificate_pem.encode())  # a damaged file fails here
    log.info("demo ARCA stand-in listening", extra={"url": standin.url})
    return DemoArca(standin, certificate_pem, key_file)
