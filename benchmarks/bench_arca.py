"""CAE round trip: FECAESolicitar through pos_arca's client against the ARCA stand-in.

Budget (issue 11): p99 <= 100 ms added to the receipt. Reported next to a raw baseline
measured in the same run: a plain httpx POST of the same SOAP envelope (pre-built, with the
next numbers) to the same stand-in, so the ratio is what zeep, the typed model and the error
handling cost over the wire and the stand-in's own work.

Usage: ``python benchmarks/bench_arca.py [--calls N]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from lxml import etree  # noqa: E402

from benchmarks.stats import summarize  # noqa: E402
from pos_arca import AlicuotaIva, Comprobante, WsaaClient, WsfeClient, argentine_date  # noqa: E402
from pos_arca.standin import ArcaStandin  # noqa: E402
from pos_arca.testing import make_certificate_authority  # noqa: E402
from pos_arca.wsfe_codec import detail  # noqa: E402

BUDGET_P99_MS = 100.0
CUIT = 20123456786


def factura(number: int, day: Any) -> Comprobante:
    return Comprobante(point_of_sale=1, cbte_tipo=6, number=number, date=day,
                       total_centavos=12100, neto_centavos=10000, iva_centavos=2100,
                       iva=(AlicuotaIva(iva_id=5, base_centavos=10000, importe_centavos=2100),))


def envelope(wsfe: WsfeClient, wsaa: WsaaClient, comprobante: Comprobante) -> bytes:
    """The envelope zeep would send for this comprobante, built before the clock starts."""
    ticket = wsaa.ticket()
    service = wsfe._soap  # zeep's own serializer: what the client posts, byte for byte
    node = service._client.create_message(
        service, "FECAESolicitar",
        Auth={"Token": ticket.token, "Sign": ticket.sign, "Cuit": CUIT},
        FeCAEReq={"FeCabReq": {"CantReg": 1, "PtoVta": 1, "CbteTipo": 6},
                  "FeDetReq": {"FECAEDetRequest": [detail(comprobante)]}})
    return bytes(etree.tostring(node, xml_declaration=True, encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()

    ca = make_certificate_authority()
    taxpayer = ca.issue(CUIT)
    with ArcaStandin(ca_certificate=ca.certificate, admin_port=None) as standin, \
            tempfile.TemporaryDirectory() as cache:
        wsaa = WsaaClient(certificate=taxpayer.certificate, private_key=taxpayer.private_key,
                          cache_dir=cache, url=standin.wsaa_url)
        wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url)
        day = argentine_date(standin.clock)
        number = wsfe.last_authorized(1, 6)
        for _ in range(args.warmup):
            number += 1
            wsfe.authorize(factura(number, day))

        client_s = []
        for _ in range(args.calls):
            number += 1
            started = time.perf_counter()
            wsfe.authorize(factura(number, day))
            client_s.append(time.perf_counter() - started)

        bodies = [envelope(wsfe, wsaa, factura(number + 1 + i, day))
                  for i in range(args.warmup + args.calls)]
        headers = {"Content-Type": "text/xml; charset=utf-8",
                   "SOAPAction": '"http://ar.gov.afip.dif.FEV1/FECAESolicitar"'}
        raw_s = []
        with httpx.Client() as http:
            for i, body in enumerate(bodies):
                started = time.perf_counter()
                answer = http.post(standin.wsfe_url, content=body, headers=headers)
                elapsed = time.perf_counter() - started
                if b"<CAE>" not in answer.content:
                    raise SystemExit(f"baseline call {i} was not authorized: {answer.text[:300]}")
                if i >= args.warmup:
                    raw_s.append(elapsed)

    client, raw = summarize(client_s), summarize(raw_s)
    print(json.dumps({
        "benchmark": "arca_fecaesolicitar_round_trip",
        "client": client,
        "raw_httpx_baseline": raw,
        "ratio_median": round(client["median_ms"] / raw["median_ms"], 2),
        "ratio_p99": round(client["p99_ms"] / raw["p99_ms"], 2),
        "budget_p99_ms": BUDGET_P99_MS,
        "within_budget": client["p99_ms"] <= BUDGET_P99_MS,
    }, indent=2))


if __name__ == "__main__":
    main()
