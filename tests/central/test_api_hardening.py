"""Issue 13's findings on the HTTP API, each reproduced against the stdlib server it
replaced: /v1 open by default, no HTTPS, one metrics series per raw path, no request
timeout, one thread per socket."""

from __future__ import annotations

import socket
import ssl
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from pos_central.api.server import ServerLimits
from pos_central.catalog import save_catalog
from pos_contracts import CatalogProduct, wire

from .api_support import get, serving, settings_for
from .conftest import Broker

pytestmark = pytest.mark.services

TEA = CatalogProduct("A1", "Té", 100, "21", False, None, None, ())


def test_v1_needs_a_token_unless_the_server_is_explicitly_open(
    central_db: str, broker: Broker
) -> None:
    save_catalog(central_db, [TEA], source="t")
    with serving(settings_for(central_db, broker)) as server:  # no token configured at all
        answer = get(server.url + wire.SNAPSHOT_PATH)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert get(server.url + "/health").status_code == 200  # probes stay open
    with serving(settings_for(central_db, broker, open_access=True)) as server:
        assert get(server.url + wire.SNAPSHOT_PATH).status_code == 200
        wrong = {"Authorization": "Bearer adivinado"}
        assert get(server.url + wire.SNAPSHOT_PATH, headers=wrong).status_code == 401


def test_https_with_the_certificate_and_key_from_the_settings(
    central_db: str, broker: Broker, tmp_path: Path
) -> None:
    cert, key = self_signed(tmp_path)
    limits = ServerLimits(tls_cert=cert, tls_key=key)
    with serving(settings_for(central_db, broker, tls_cert=cert, tls_key=key), limits) as server:
        assert server.url.startswith("https://")
        answer = httpx.get(server.url + "/health", verify=ssl.create_default_context(cafile=cert))
        assert answer.status_code == 200
        with pytest.raises(httpx.HTTPError):  # plain HTTP is not spoken on that port
            httpx.get(server.url.replace("https://", "http://") + "/health", timeout=10)


def test_metrics_are_labelled_by_route_not_by_raw_path(central_db: str, broker: Broker) -> None:
    with (
        serving(settings_for(central_db, broker)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        for _ in range(200):
            assert client.get(f"/{uuid.uuid4().hex}").status_code == 404
        client.get(wire.SNAPSHOT_PATH)
        text = client.get("/metrics").text
    series = [
        line for line in text.splitlines() if line.startswith("pos_central_http_requests_total")
    ]
    assert 'route="<unmatched>",status="404"} 200.0' in "\n".join(series)
    assert any(f'route="{wire.SNAPSHOT_PATH}",status="401"' in line for line in series)
    assert len(series) <= 3, series  # 404s, the snapshot, /metrics itself not yet counted


def test_a_client_that_never_sends_its_request_is_disconnected(
    central_db: str, broker: Broker
) -> None:
    limits = ServerLimits(request_timeout=0.5)
    with serving(settings_for(central_db, broker), limits) as server:
        silent = socket.create_connection(("127.0.0.1", server.port))
        slow = socket.create_connection(("127.0.0.1", server.port))
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes its head
        for sock in (silent, slow):
            sock.settimeout(60)  # a safety net: the server's close is what ends the wait
            assert sock.recv(1024) == b""
            sock.close()
        assert get(server.url + "/health").status_code == 200


def test_idle_sockets_do_not_pin_threads(central_db: str, broker: Broker) -> None:
    before = threading.active_count()
    with serving(settings_for(central_db, broker)) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(500)]
        try:
            # Answered after all 500 were accepted: connections are served in order.
            assert get(server.url + "/health").status_code == 200
            assert threading.active_count() - before < 50
        finally:
            for sock in idle:
                sock.close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    import ipaddress

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_answers_on_a_kept_alive_connection_are_not_held_by_nagle() -> None:
    """asyncio turns Nagle off only on a socket that names IPPROTO_TCP; with it on, each
    answer on a kept-alive connection waited for the client's delayed ACK (~40 ms)."""
    from pos_central.api.server import _bind

    listening = _bind("127.0.0.1", 0)
    try:
        with socket.create_connection(listening.getsockname()[:2]):
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.proto == socket.IPPROTO_TCP  # what asyncio looks at
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listening.close()
