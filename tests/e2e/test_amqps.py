"""``amqps://``: the till publishes and the ingest consumes over TLS, with head office's
own CA named in the URL; a till given the wrong CA is refused and says so.

A RabbitMQ node of the test's own with a TLS listener on a loopback port, its
certificates made here with ``cryptography`` (a CA, and a server certificate for
``localhost`` and 127.0.0.1 signed by it).
"""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pika
import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text

from pos_central.config import psycopg_conninfo
from pos_central.database import migrate
from pos_central.ingest.consumer import IngestConsumer, IngestSettings
from pos_central.topology import Topology, declare_topology
from pos_desktop.app import Till
from pos_desktop.store.outbox import OutboxQueue
from pos_desktop.sync.backoff import Backoff, CircuitBreaker
from pos_desktop.sync.publisher import OutboxPublisher
from pos_desktop.sync.status import SyncState
from tests.support.rabbit_cluster import ClusterUnavailable, RabbitNode, free_port, standalone_node
from tests.sync_till.helpers import sell, sync_settings

pytestmark = [pytest.mark.services, pytest.mark.slow]


def wait_for(condition: Callable[[], bool], timeout: float = 60.0, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(folder: Path, common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / f"{common}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


@dataclass
class TlsBroker:
    node: RabbitNode
    port: int
    ca_file: Path
    wrong_ca_file: Path

    def url(self, ca_file: Path, user: str = "guest", password: str | None = "guest") -> str:
        """The documented form: amqps://, and pika's ssl_options naming the CA."""
        options = quote(repr({"ca_certs": str(ca_file)}), safe="")
        who = user if password is None else f"{user}:{password}"
        return f"amqps://{who}@localhost:{self.port}/%2F?ssl_options={options}"


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBroker]:
    folder = tmp_path_factory.mktemp("tls")
    ca_key, ca = make_ca(folder, "head-office-ca")
    make_ca(folder, "someone-else-ca")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    server = (
        x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    port = free_port()
    config = (
        f"listeners.ssl.default = 127.0.0.1:{port}\n"
        f"ssl_options.cacertfile = {folder / 'head-office-ca.pem'}\n"
        f"ssl_options.certfile = {folder / 'server.pem'}\n"
        f"ssl_options.keyfile = {folder / 'server.key'}\n"
        "ssl_options.verify = verify_none\n"
        "ssl_options.fail_if_no_peer_cert = false\n"
    )
    try:
        node = standalone_node(folder, config)
    except (ClusterUnavailable, OSError) as error:
        reason = f"rabbitmq-server cannot start a TLS node here: {error}"
        if os.environ.get("POS_REQUIRE_SERVICES") == "1":
            pytest.fail(reason + " (POS_REQUIRE_SERVICES=1)")
        pytest.skip(reason)
    try:
        yield TlsBroker(node, port, folder / "head-office-ca.pem", folder / "someone-else-ca.pem")
    finally:
        node.stop()


def publisher_for(till: Till, url: str, topology: Topology) -> OutboxPublisher:
    settings = sync_settings(till, url, topology)
    queue = OutboxQueue(till.reader, till.writer, settings.store_id, settings.terminal_id)
    return OutboxPublisher(settings, queue, password=lambda: "guest",
                           backoff=Backoff(base=0.1, cap=0.5), breaker=CircuitBreaker(1000))


def test_the_till_publishes_and_the_ingest_consumes_over_amqps(
    tls_broker: TlsBroker, pg_database: str, tmp_path: Path
) -> None:
    migrate(pg_database)
    topology = Topology(prefix="tls.")
    central_url = tls_broker.url(tls_broker.ca_file)
    with pika.BlockingConnection(pika.URLParameters(central_url)) as connection:
        declare_topology(connection.channel(), topology)
    till = Till.open(tmp_path / "till", demo=True)
    stop = threading.Event()
    consumer = IngestConsumer(
        db_url=pg_database, amqp_url=central_url, topology=topology,
        settings=IngestSettings(batch_wait=0.02, backoff_initial=0.1, backoff_max=0.5,
                                accept_unregistered=True),
    )
    ingest = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    ingest.start()
    try:
        sell(till, 12)
        # As the till keeps it: no password in the URL (the keyring has it).
        publisher = publisher_for(till, tls_broker.url(tls_broker.ca_file, password=None),
                                  topology)
        result = publisher.drain(timeout=30)
        assert result.complete, result
        with till.reader.connect() as conn:
            events = int(conn.execute(text("SELECT count(*) FROM outbox")).scalar_one())
        assert result.confirmed == events
        wait_for(consumer.ready.is_set, what="the ingest consuming over TLS")

        def applied() -> int:
            with psycopg.connect(psycopg_conninfo(pg_database)) as db:
                row = db.execute("SELECT count(*) FROM processed_events").fetchone()
            return int(row[0]) if row else 0

        wait_for(lambda: applied() == events, what="every event applied")
    finally:
        stop.set()
        ingest.join(30)
        till.close()


def test_a_till_given_the_wrong_ca_is_refused_and_says_why(
    tls_broker: TlsBroker, tmp_path: Path
) -> None:
    till = Till.open(tmp_path / "till", demo=True)
    try:
        sell(till, 2)
        url = tls_broker.url(tls_broker.wrong_ca_file, password=None)
        publisher = publisher_for(till, url, Topology(prefix="tls."))
        result = publisher.drain(timeout=20)
        link = publisher.link()
    finally:
        till.close()
    assert result.confirmed == 0 and result.remaining > 0  # kept, not lost
    assert link.state is SyncState.ERROR  # a person must act: waiting will not fix it
    assert link.error is not None
    assert link.error.startswith("TLS: the server's certificate was not accepted")
    # OpenSSL's verdict, in its words (which one depends on whether the broker sends its CA)
    assert link.error.endswith(("(self-signed certificate in certificate chain)",
                                "(unable to get local issuer certificate)")), link.error


def test_the_ingest_given_the_wrong_ca_says_what_to_fix(
    tls_broker: TlsBroker, pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    migrate(pg_database)
    consumer = IngestConsumer(
        db_url=pg_database, amqp_url=tls_broker.url(tls_broker.wrong_ca_file),
        topology=Topology(prefix="tls."),
        settings=IngestSettings(backoff_initial=0.1, backoff_max=0.2),
    )
    stop = threading.Event()
    ingest = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    with caplog.at_level("ERROR", logger="pos_central.ingest"):
        ingest.start()
        try:
            wait_for(lambda: any("certificado TLS" in r.getMessage() for r in caplog.records),
                     what="the ingest saying the certificate is not trusted")
        finally:
            stop.set()
            ingest.join(30)
    [first, *_] = [r.getMessage() for r in caplog.records if "certificado TLS" in r.getMessage()]
    assert first.startswith("RabbitMQ: no se confía en el certificado TLS del servidor (")
    assert "revise la CA en --amqp-url" in first
    assert not consumer.ready.is_set()
