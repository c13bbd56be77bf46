"""ARCA's stand-in as a real HTTP server: WSAA at /ws/services/LoginCms, WSFEv1 at
/wsfev1/service.asmx (each with ?WSDL), an admin endpoint on its own port for fault injection.

    standin = ArcaStandin(ca_certificate=ca.certificate).start()
    standin.wsaa_url, standin.wsfe_url      # give these to the client
    standin.faults.arm("FECAESolicitar", "timeout")
    standin.stop()
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import select
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography import x509

from pos_arca import codes
from pos_arca.clock import Clock, OffsetClock
from pos_arca.errors import ArcaMessage
from pos_arca.standin import soap
from pos_arca.standin.caea_service import WsfeService
from pos_arca.standin.faults import Fault, FaultKind, FaultPlan
from pos_arca.standin.rules import RuleSettings
from pos_arca.standin.state import StandinState
from pos_arca.standin.wsaa_service import WsaaFault, WsaaService
from pos_arca.standin.wsfe_service import AuthFailed, PointOfSaleSetting, add_messages
from pos_arca.wsaa_codes import WSAA_CODES

log = logging.getLogger(__name__)

WSAA_PATH = "/ws/services/LoginCms"
WSFE_PATH = "/wsfev1/service.asmx"
WSFE_OPERATIONS = frozenset({
    "FECompUltimoAutorizado", "FECAESolicitar", "FECompConsultar", "FEParamGetPtosVenta",
    "FECAEASolicitar", "FECAEAConsultar", "FECAEARegInformativo",
    "FECAEASinMovimientoInformar", "FECAEASinMovimientoConsultar"})
#: Required fields ARCA still fills (with zeros) when it refuses the credentials.
_ZEROS_ON_AUTH_ERROR = {"FECompUltimoAutorizado": ("PtoVta", "CbteTipo", "CbteNro"),
                        "FECAEASinMovimientoInformar": ("PtoVta",)}
_LOGIN_FAULT = "gov.afip.desein.dvadac.sua.view.wsaa.LoginFault"
_GATEWAY_500 = (b"<html><head><title>500 - Internal server error.</title></head>"
                b"<body><h2>500 - Internal server error.</h2></body></html>")


@dataclass(frozen=True)
class StandinConfig:
    points_of_sale: tuple[tuple[int, str], ...] = ((1, "CAE"), (2, "CAEA"))
    identification_threshold: Decimal = Decimal("10000000")  # RG 5700, ARS
    product_window_days: int = 5
    service_window_days: int = 10
    cae_validity_days: int = 10
    caea_inform_days: int = 8  # FchTopeInf after the fortnight's last day (our guess)
    ticket_hours: int = 12
    services: frozenset[str] = field(default_factory=lambda: frozenset({"wsfe"}))
    ambiente: str = "HomologacionExterno - stand-in"


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], standin: ArcaStandin, *, admin: bool) -> None:
        self.standin = standin
        self.admin = admin
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in list(self.connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class ArcaStandin:
    def __init__(self, *, ca_certificate: x509.Certificate, host: str = "127.0.0.1",
                 port: int = 0, admin_port: int | None = 0, clock: Clock | None = None,
                 state_file: Path | str | None = None,
                 config: StandinConfig | None = None) -> None:
        self.host = host
        self.clock = clock or OffsetClock()
        self.config = config = config or StandinConfig()
        self.faults = FaultPlan()
        self.state_file = Path(state_file) if state_file else None
        self.state = StandinState.load(self.state_file) if self.state_file else StandinState()
        self.lock = threading.RLock()
        self.points_of_sale = {n: PointOfSaleSetting(n, kind) for n, kind in config.points_of_sale}
        self.wsaa = WsaaService(ca=ca_certificate, state=self.state, clock=self.clock,
                                services=config.services, ticket_hours=config.ticket_hours)
        self.wsfe = WsfeService(
            state=self.state, clock=self.clock, points_of_sale=self.points_of_sale,
            settings=RuleSettings(config.identification_threshold, config.product_window_days,
                                  config.service_window_days),
            cae_validity_days=config.cae_validity_days, caea_inform_days=config.caea_inform_days)
        self.logins = 0  # tickets issued
        self.login_requests = 0  # loginCms requests received (a ticket, a fault or none)
        self._port = port
        self._admin_port = admin_port
        self._service: _HttpServer | None = None
        self._admin: _HttpServer | None = None
        self._threads: list[threading.Thread] = []

    # Life cycle ------------------------------------------------------------------------------
    def start(self) -> ArcaStandin:
        self._service = self._serve(self._port, admin=False)
        self._port = self._service.server_address[1]
        if self._admin_port is not None:
            self._admin = self._serve(self._admin_port, admin=True)
            self._admin_port = self._admin.server_address[1]
        return self

    def stop(self) -> None:
        self.faults.stop()
        for server in (self._service, self._admin):
            if server is not None:
                self._shut(server)
        self._service = self._admin = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> ArcaStandin:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def make_unreachable(self) -> None:
        """Stop listening and cut open connections: clients get 'connection refused'."""
        if self._service is not None:
            self._shut(self._service)
            self._service = None

    def make_reachable(self) -> None:
        if self._service is None:
            self._service = self._serve(self._port, admin=False)

    def _serve(self, port: int, *, admin: bool) -> _HttpServer:
        server = _HttpServer((self.host, port), self, admin=admin)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                                  name=f"arca-standin-{'admin' if admin else 'service'}",
                                  daemon=True)
        thread.start()
        self._threads.append(thread)
        return server

    @staticmethod
    def _shut(server: _HttpServer) -> None:
        server.shutdown()
        server.close_connections()
        server.server_close()

    # Addresses -------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def wsaa_url(self) -> str:
        return self.url + WSAA_PATH

    @property
    def wsfe_url(self) -> str:
        return self.url + WSFE_PATH

    @property
    def admin_url(self) -> str | None:
        return f"http://{self.host}:{self._admin_port}" if self._admin_port is not None else None

    # Setup -----------------------------------------------------------------------------------
    def add_point_of_sale(self, number: int, kind: str, *, blocked: bool = False) -> None:
        if kind not in ("CAE", "CAEA"):
            raise ValueError("kind is CAE or CAEA")
        with self.lock:
            self.points_of_sale[number] = PointOfSaleSetting(number, kind, blocked)

    # Requests --------------------------------------------------------------------------------
    def process(self, path: str, body: bytes, operation: str) -> tuple[int, bytes]:
        with self.lock:
            status, payload = (self._wsaa(body) if path == WSAA_PATH
                               else self._wsfe(body, operation))
            if self.state_file is not None:
                self.state.save(self.state_file)
            return status, payload

    def _wsaa(self, body: bytes) -> tuple[int, bytes]:
        try:
            request = soap.parse_body(body)
            in0 = soap.text(request, "in0") or ""
            namespace = soap.namespace_of(request)
            ticket = self.wsaa.login(in0)
        except soap.BadRequest:
            return 500, soap.axis_fault("xml.bad", WSAA_CODES["xml.bad"].message,
                                        _LOGIN_FAULT, "standin")
        except WsaaFault as fault:
            return 500, soap.axis_fault(fault.code, fault.message, _LOGIN_FAULT, "standin")
        self.logins += 1
        return 200, soap.wsaa_response(namespace, ticket)

    def _wsfe(self, body: bytes, operation: str) -> tuple[int, bytes]:
        try:
            request = soap.parse_body(body)
        except soap.BadRequest as error:
            return 500, soap.asmx_fault(f"Server was unable to read request. {error}")
        if operation == "FEDummy":
            result = self.wsfe.FEDummy(request)
        elif operation in WSFE_OPERATIONS:
            try:
                cuit = self.wsfe.authenticate(request)
                result = getattr(self.wsfe, operation)(request, cuit)
            except AuthFailed as failed:
                result = self._errors_only(operation, failed.message)
        else:
            return 500, soap.asmx_fault(f"Server did not recognize the operation {operation}.")
        return 200, soap.wsfe_response(operation, result, self.config.ambiente,
                                       self.wsfe.now())

    @staticmethod
    def _errors_only(operation: str, error: ArcaMessage) -> Any:
        """The answer ARCA gives with an error and nothing done (what the schema requires)."""
        result = soap.result_element(operation)
        for name in _ZEROS_ON_AUTH_ERROR.get(operation, ()):
            soap.add(result, name, 0)
        add_messages(result, "Errors", "Err", [error])
        return result

    def fault_answer(self, path: str, operation: str, fault: Fault) -> tuple[int, bytes]:
        """ARCA answering with one of its faults (``wsaa_fault``, ``wsfe_error``,
        ``soap_fault``): nothing is processed."""
        if path == WSAA_PATH:
            known = WSAA_CODES.get(fault.code)
            return 500, soap.axis_fault(fault.code, known.message if known else fault.code,
                                        _LOGIN_FAULT, "standin")
        if fault.kind is FaultKind.SOAP_FAULT:
            return 500, soap.asmx_fault("Server was unable to process request. ---> "
                                        "System.Data.SqlClient.SqlException: Timeout expired.",
                                        code="soap:Server")
        code = int(fault.code)
        result = self._errors_only(operation, ArcaMessage(code, codes.message(code)))
        return 200, soap.wsfe_response(operation, result, self.config.ambiente,
                                       self.wsfe.now())

    def wsdl(self, path: str) -> bytes | None:
        name = {WSAA_PATH: "wsaa.wsdl", WSFE_PATH: "wsfev1.wsdl"}.get(path)
        if name is None:
            return None
        text = (resources.files("pos_arca") / "wsdl" / name).read_text(encoding="utf-8")
        return re.sub(r'location="[^"]*"', f'location="{self.url}{path}"', text).encode()

    # Admin -----------------------------------------------------------------------------------
    def admin(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        if path == "/admin/faults":
            count = data.get("count", 1)
            self.faults.arm(data["operation"], data["kind"],
                            count=None if count is None else int(count),
                            processed=data.get("processed"), code=data.get("code"))
        elif path == "/admin/faults/release":
            self.faults.release()
        elif path == "/admin/faults/clear":
            self.faults.clear()
        elif path == "/admin/unreachable":
            self.make_unreachable()
        elif path == "/admin/reachable":
            self.make_reachable()
        elif path == "/admin/points-of-sale":
            self.add_point_of_sale(int(data["number"]), data["kind"],
                                   blocked=bool(data.get("blocked", False)))
        elif path == "/admin/clock":
            self._move_clock(data)
        elif path != "/admin/status":
            raise KeyError(path)
        return self.status()

    def _move_clock(self, data: dict[str, Any]) -> None:
        from datetime import datetime

        if "now" in data:
            self.clock.set(datetime.fromisoformat(data["now"]))  # type: ignore[attr-defined]
        else:
            self.clock.advance(timedelta(seconds=float(data["advance_seconds"])))  # type: ignore[attr-defined]

    def status(self) -> dict[str, Any]:
        with self.lock:
            return {
                "wsaa": self.wsaa_url, "wsfe": self.wsfe_url,
                "reachable": self._service is not None,
                "now": self.clock.now().isoformat(), "faults": self.faults.pending(),
                "points_of_sale": [{"number": p.number, "kind": p.kind, "blocked": p.blocked}
                                   for p in self.points_of_sale.values()],
                "comprobantes": len(self.state.comprobantes), "caeas": len(self.state.caeas)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave as separate writes: with Nagle on, the client's delayed ACK
    # would add ~40 ms to every answer.
    disable_nagle_algorithm = True
    server: _HttpServer
    server_version = "ArcaStandin/1.0"

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _client_connected(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return not readable or self.connection.recv(1, socket.MSG_PEEK) != b""
        except OSError:
            return False

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        standin = self.server.standin
        if self.server.admin and path == "/admin/status":
            self._send(200, json.dumps(standin.status()).encode(), "application/json")
            return
        wsdl = standin.wsdl(path) if not self.server.admin and query.lower() == "wsdl" else None
        if wsdl is None:
            self._send(404, b"not found", "text/plain")
        else:
            self._send(200, wsdl, "text/xml; charset=utf-8")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        path = self.path.partition("?")[0]
        if self.server.admin:
            self._admin(path, body)
        elif path in (WSAA_PATH, WSFE_PATH):
            self._soap(path, body)
        else:
            self._send(404, b"not found", "text/plain")

    def _admin(self, path: str, body: bytes) -> None:
        try:
            answer = self.server.standin.admin(path, json.loads(body or b"{}"))
        except (KeyError, ValueError, TypeError) as error:
            self._send(400, json.dumps({"error": str(error)}).encode(), "application/json")
            return
        self._send(200, json.dumps(answer).encode(), "application/json")

    def _soap(self, path: str, body: bytes) -> None:
        standin = self.server.standin
        operation = "loginCms" if path == WSAA_PATH else _operation_of(body)
        fault = standin.faults.take(operation)
        if path == WSAA_PATH:
            with standin.lock:
                standin.login_requests += 1
        if fault is not None and fault.kind.answers:
            self._send(*standin.fault_answer(path, operation, fault), "text/xml; charset=utf-8")
            return
        if fault is not None and not fault.processed and not self._fail(fault):
            return
        status, payload = standin.process(path, body, operation)
        if fault is not None and fault.processed and not self._fail(fault):
            return
        self._send(status, payload, "text/xml; charset=utf-8")

    def _fail(self, fault: Fault) -> bool:
        """Inject the fault; True if the request should still be answered (a released hold)."""
        if fault.kind is FaultKind.TIMEOUT:
            if standin_hold := self.server.standin.faults.hold(self._client_connected):
                return standin_hold
            self._drop()
            return False
        if fault.kind is FaultKind.HTTP_500:
            self._send(500, _GATEWAY_500, "text/html")
            return False
        self._drop()
        return False


def _operation_of(body: bytes) -> str:
    try:
        return soap.local(soap.parse_body(body))
    except soap.BadRequest:
        return "?"
