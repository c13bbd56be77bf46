"""The stand-in itself: ARCA's shapes on the wire, its WSDLs, its state file, its command line,
and the package's promise to depend on nothing of ours."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import zeep
from lxml import etree

from pos_arca import WsfeClient
from pos_arca.standin import ArcaStandin

from .conftest import CUIT, make_wsaa
from .helpers import factura_b, today

ROOT = Path(__file__).resolve().parents[2]
#: ARCA's recorded answers, in the shared folder beside the repository (or a worktree's parent).
EXAMPLES = next((p / "shared" / "afip" / "examples" for p in ROOT.parents
                 if (p / "shared" / "afip" / "examples").exists()), Path("/nonexistent"))


def _response_of(example: Path) -> bytes:
    return example.read_bytes().split(b"<!-- response -->", 1)[1].strip()


def _request_of(example: Path) -> bytes:
    text = example.read_bytes().split(b"<!-- request -->", 1)[1]
    return text.split(b"<!-- response -->", 1)[0].strip()


def _shape(xml: bytes) -> list[str]:
    """Element paths by local name, values ignored."""
    root = etree.fromstring(xml)
    paths = set()
    for element in root.iter():
        if isinstance(element.tag, str):
            chain = [*reversed(list(element.iterancestors())), element]
            paths.add("/".join(etree.QName(e).localname for e in chain))
    return sorted(paths)


@pytest.mark.skipif(not EXAMPLES.exists(), reason="shared/afip examples not beside the repo")
def test_arca_s_recorded_request_gets_an_answer_shaped_like_arca_s(standin: ArcaStandin, clock,
                                                                  wsaa) -> None:
    ticket = wsaa.ticket()
    # ARCA's own recorded request (a Factura A), pointed at our CUIT, point of sale and date.
    request = (_request_of(EXAMPLES / "FECAESolicitar.ok.xml").replace(b"<Token>\xe2\x80\xa6</Token>", f"<Token>{ticket.token}</Token>".encode())
               .replace(b"<Sign>\xe2\x80\xa6</Sign>", f"<Sign>{ticket.sign}</Sign>".encode())
               .replace(b"20267565393", str(CUIT).encode())
               .replace(b"<PtoVta>4000</PtoVta>", b"<PtoVta>1</PtoVta>")
               .replace(b"<CbteDesde>1836</CbteDesde>", b"<CbteDesde>1</CbteDesde>")
               .replace(b"<CbteHasta>1836</CbteHasta>", b"<CbteHasta>1</CbteHasta>")
               .replace(b"20210701", today(clock).strftime("%Y%m%d").encode())
               .replace(b"<MonCotiz>1.000</MonCotiz>",
                        b"<MonCotiz>1.000</MonCotiz><CondicionIVAReceptorId>1</CondicionIVAReceptorId>"))

    answer = httpx.post(standin.wsfe_url, content=request, headers={
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"http://ar.gov.afip.dif.FEV1/FECAESolicitar"'})

    assert answer.status_code == 200, answer.text
    ours = _shape(answer.content)
    arca = _shape(_response_of(EXAMPLES / "FECAESolicitar.ok.xml"))
    assert set(arca) - {p for p in arca if "Observaciones" in p} <= set(ours)
    assert "Envelope/Header/FEHeaderInfo/ambiente" in ours


def test_already_authenticated_is_a_soap_fault_as_wsaa_sends_it(wsaa, standin) -> None:
    from pos_arca.wsaa import build_login_ticket_request, sign_login_ticket_request

    wsaa.ticket()
    cms = sign_login_ticket_request(build_login_ticket_request("wsfe", wsaa.clock.now()),
                                    wsaa.certificate, wsaa._key)
    body = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:ser="https://wsaahomo.afip.gov.ar/ws/services/LoginCms"><soapenv:Header/>'
            f'<soapenv:Body><ser:loginCms><in0>{cms}</in0></ser:loginCms></soapenv:Body>'
            '</soapenv:Envelope>')

    answer = httpx.post(standin.wsaa_url, content=body, headers={"Content-Type": "text/xml"})

    assert answer.status_code == 500
    fault = etree.fromstring(answer.content).find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    assert fault is not None
    assert fault.findtext("faultcode") == "ns1:coe.alreadyAuthenticated"
    assert fault.findtext("faultstring") == "El CEE ya posee un TA valido para el acceso al WSN solicitado"


@pytest.mark.parametrize("path", ["/ws/services/LoginCms", "/wsfev1/service.asmx"])
def test_each_service_serves_its_wsdl_with_its_own_address(standin, path: str) -> None:
    client = zeep.Client(f"{standin.url}{path}?WSDL")

    addresses = [port.binding_options["address"] for service in client.wsdl.services.values()
                 for port in service.ports.values()]
    assert addresses and all(a == f"{standin.url}{path}" for a in addresses)


def test_the_state_file_keeps_comprobantes_and_tickets_across_a_restart(
        ca, taxpayer, clock, tmp_path: Path) -> None:
    state = tmp_path / "standin.json"
    with ArcaStandin(ca_certificate=ca.certificate, clock=clock, state_file=state) as first:
        wsaa = make_wsaa(taxpayer, first, clock, tmp_path / "tickets")
        WsfeClient(cuit=CUIT, credentials=wsaa, url=first.wsfe_url).authorize(
            factura_b(1, today(clock)))
    with ArcaStandin(ca_certificate=ca.certificate, clock=clock, state_file=state) as second:
        wsaa = make_wsaa(taxpayer, second, clock, tmp_path / "tickets")
        wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=second.wsfe_url)

        assert wsfe.last_authorized(1, 6) == 1  # the cached ticket is still valid there
        assert wsfe.authorize(factura_b(2, today(clock))).number == 2
        assert second.logins == 0


def test_the_command_line_prints_its_addresses(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pos_arca.standin", "--port", "0", "--certs-dir",
         str(tmp_path / "certs"), "--state", str(tmp_path / "state.json")],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        wsfe = next(line.split()[1] for line in lines if line.startswith("WSFEv1"))
        assert httpx.get(f"{wsfe}?WSDL").status_code == 200
        assert (tmp_path / "certs" / "taxpayer.pem").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)


ALLOWED = {"pos_arca", "zeep", "lxml", "cryptography", "requests", "urllib3"}


def test_pos_arca_imports_only_the_standard_library_and_its_own_dependencies() -> None:
    offenders = []
    for path in sorted((ROOT / "pos_arca").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and node.level == 0 else [])
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names
                          if name.split(".")[0] not in ALLOWED | sys.stdlib_module_names]
    assert offenders == []
