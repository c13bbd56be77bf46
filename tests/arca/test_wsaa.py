"""Logging in to WSAA: the signed request, the ticket, its cache, and the key kept secret."""

from __future__ import annotations

import base64
import logging
import shutil
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from pos_arca import (
    ArcaAlreadyAuthenticated,
    ArcaAuthError,
    ArcaLoginUnavailable,
    ArcaNotSent,
    ManualClock,
    WsaaClient,
    WsaaFaultKind,
    WsfeClient,
)
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials, make_certificate_authority
from pos_arca.wsaa import build_login_ticket_request, cuit_of, sign_login_ticket_request

from .conftest import CERT_FROM, CUIT, FAULT_TIMEOUTS, make_wsaa
from .helpers import factura_b, today


def test_login_gives_a_ticket_valid_twelve_hours(wsaa, standin: ArcaStandin,
                                                 clock: ManualClock) -> None:
    ticket = wsaa.ticket()

    assert ticket.token and ticket.sign
    assert ticket.expires_at - ticket.generated_at == timedelta(hours=12)
    assert ticket.valid_at(clock.now())
    assert "CUIT 20123456786" in ticket.destination
    assert standin.logins == 1


def test_the_cuit_comes_from_the_certificate_serial_number(taxpayer: TaxpayerCredentials) -> None:
    assert cuit_of(taxpayer.certificate) == CUIT


def test_a_restarted_till_reuses_the_cached_ticket(taxpayer, standin: ArcaStandin, clock,
                                                   cache_dir: Path) -> None:
    first = make_wsaa(taxpayer, standin, clock, cache_dir).ticket()
    clock.advance(timedelta(hours=3))

    again = make_wsaa(taxpayer, standin, clock, cache_dir).ticket()  # a new process, same dir

    assert again.token == first.token
    assert standin.logins == 1


def test_the_cache_file_is_readable_by_its_owner_only(wsaa) -> None:
    wsaa.ticket()

    assert stat.S_IMODE(wsaa.cache_file.stat().st_mode) == 0o600


def test_a_ticket_near_its_end_is_renewed_and_an_expired_one_replaced(wsaa, standin, clock
                                                                      ) -> None:
    first = wsaa.ticket()
    clock.advance(timedelta(hours=12, minutes=1))

    renewed = wsaa.ticket()

    assert renewed.token != first.token
    assert renewed.valid_at(clock.now())
    assert standin.logins == 2


def test_already_authenticated_near_the_end_keeps_using_the_cached_ticket(wsaa, standin, clock
                                                                         ) -> None:
    first = wsaa.ticket()
    clock.advance(timedelta(hours=11, minutes=55))  # inside the renewal margin, still valid

    ticket = wsaa.ticket()  # tries to log in, WSAA says it already holds one

    assert ticket.token == first.token
    assert standin.logins == 1


def test_already_authenticated_without_a_cached_ticket_says_when_to_retry(
        taxpayer, standin, clock, tmp_path: Path) -> None:
    make_wsaa(taxpayer, standin, clock, tmp_path / "one").ticket()
    elsewhere = make_wsaa(taxpayer, standin, clock, tmp_path / "two")  # another machine

    with pytest.raises(ArcaAlreadyAuthenticated) as raised:
        elsewhere.ticket()

    assert raised.value.code == "ns1:coe.alreadyAuthenticated"
    assert "El CEE ya posee un TA valido" in str(raised.value.text)
    assert "12 hours" in str(raised.value)


def test_a_certificate_from_another_authority_is_refused(standin, clock, cache_dir) -> None:
    stranger = make_certificate_authority("Some other CA").issue(CUIT, not_before=CERT_FROM)

    with pytest.raises(ArcaAuthError) as raised:
        make_wsaa(stranger, standin, clock, cache_dir).ticket()

    assert raised.value.code == "ns1:cms.cert.untrusted"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_the_signed_request_verifies_with_openssl(ca: CertificateAuthority,
                                                  taxpayer: TaxpayerCredentials, clock,
                                                  tmp_path: Path) -> None:
    request = build_login_ticket_request("wsfe", clock.now())
    cms = sign_login_ticket_request(request, taxpayer.certificate, taxpayer.private_key)
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem)
    (tmp_path / "login.cms").write_bytes(base64.b64decode(cms))

    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-CAfile", str(tmp_path / "ca.pem"), "-inform", "DER",
         "-in", str(tmp_path / "login.cms"), "-out", str(tmp_path / "content.xml")],
        capture_output=True, text=True, check=False)

    assert verified.returncode == 0, verified.stderr
    assert (tmp_path / "content.xml").read_bytes() == request
    assert b"<service>wsfe</service>" in request


def _key_fragments(taxpayer: TaxpayerCredentials) -> list[str]:
    pem = taxpayer.private_key_pem.decode()
    der = taxpayer.private_key.private_bytes(serialization.Encoding.DER,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return [*body[1:-1], base64.b64encode(der).decode()[40:100], der.hex()[80:160]]


def test_the_private_key_is_never_written_logged_or_shown(
        taxpayer, standin, clock, cache_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wsaa = make_wsaa(taxpayer, standin, clock, cache_dir)
    wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url)
    wsfe.authorize(factura_b(1, today(clock)))
    shown = [repr(wsaa), repr(wsfe), repr(wsaa.ticket())]
    with pytest.raises(ArcaAlreadyAuthenticated) as raised:  # an error path too
        make_wsaa(taxpayer, standin, clock, cache_dir / "elsewhere").ticket()
    shown += [str(raised.value), repr(raised.value)]

    written = "".join(p.read_text(errors="replace") for p in cache_dir.rglob("*") if p.is_file())
    assert written, "the ticket was cached"
    for fragment in _key_fragments(taxpayer):
        assert fragment not in written
        assert fragment not in caplog.text
        assert all(fragment not in text for text in shown)


def test_a_till_clock_behind_arca_s_keeps_using_its_ticket(ca, taxpayer, cache_dir) -> None:
    from .conftest import START

    till_clock = ManualClock(START)
    arca_clock = ManualClock(START + timedelta(minutes=10))  # ARCA's ticket starts "later"
    with ArcaStandin(ca_certificate=ca.certificate, clock=arca_clock) as arca:
        wsaa = make_wsaa(taxpayer, arca, till_clock, cache_dir)
        first = wsaa.ticket()

        assert first.generated_at > till_clock.now()
        assert make_wsaa(taxpayer, arca, till_clock, cache_dir).ticket().token == first.token
        assert arca.logins == 1


@pytest.mark.parametrize(("code", "kind"), [
    ("coe.notAuthorized", WsaaFaultKind.NOT_AUTHORIZED),
    ("cms.sign.invalid", WsaaFaultKind.SIGNATURE),
    ("xml.expirationTime.expired", WsaaFaultKind.CLOCK),
    ("wsn.notFound", WsaaFaultKind.REQUEST),
])
def test_each_wsaa_refusal_says_its_kind(wsaa, standin: ArcaStandin, code: str,
                                         kind: WsaaFaultKind) -> None:
    standin.faults.arm("loginCms", "wsaa_fault", code=code)

    with pytest.raises(ArcaAuthError) as raised:
        wsaa.ticket()

    assert raised.value.code == f"ns1:{code}" and raised.value.kind is kind
    assert not kind.transient


@pytest.mark.parametrize("code", ["wsaa.unavailable", "wsaa.internalError", "wsn.unavailable"])
def test_wsaa_out_of_service_is_a_login_not_sent(wsaa, wsfe: WsfeClient, standin: ArcaStandin,
                                                 clock, code: str) -> None:
    standin.faults.arm("loginCms", "wsaa_fault", code=code)

    with pytest.raises(ArcaLoginUnavailable) as raised:
        wsfe.authorize(factura_b(1, today(clock)))  # the FECAESolicitar never leaves

    assert isinstance(raised.value, ArcaNotSent) and code in str(raised.value)
    assert standin.state.comprobantes == {}


def test_a_lost_login_answer_means_the_request_that_needed_it_was_not_sent(
        taxpayer, standin: ArcaStandin, clock, cache_dir: Path) -> None:
    wsaa = make_wsaa(taxpayer, standin, clock, cache_dir, timeouts=FAULT_TIMEOUTS)
    wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=standin.wsfe_url)
    standin.faults.arm("loginCms", "http500")

    with pytest.raises(ArcaNotSent):  # not "outcome unknown": nothing to look up after it
        wsfe.authorize(factura_b(1, today(clock)))


def test_an_expired_or_not_yet_valid_certificate_is_told_apart(ca: CertificateAuthority, standin,
                                                               clock, tmp_path: Path) -> None:
    expired = ca.issue(CUIT, not_before=CERT_FROM, days=30)
    future = ca.issue(CUIT, not_before=clock.now() + timedelta(days=2))

    with pytest.raises(ArcaAuthError) as old:
        make_wsaa(expired, standin, clock, tmp_path / "old").ticket()
    with pytest.raises(ArcaAuthError) as early:
        make_wsaa(future, standin, clock, tmp_path / "early").ticket()

    assert (old.value.code, old.value.kind) == ("ns1:cms.cert.expired",
                                                WsaaFaultKind.CERTIFICATE_EXPIRED)
    assert "Certificado expirado" in str(old.value.text)
    assert (early.value.code, early.value.kind) == ("ns1:cms.cert.invalid",
                                                    WsaaFaultKind.CERTIFICATE_NOT_YET_VALID)


def test_a_key_that_is_not_the_certificates_is_a_bad_signature(
        ca: CertificateAuthority, taxpayer, standin, clock, cache_dir: Path) -> None:
    other = ca.issue(CUIT, not_before=CERT_FROM)
    wsaa = WsaaClient(certificate=taxpayer.certificate_pem, private_key=other.private_key_pem,
                      cache_dir=cache_dir, url=standin.wsaa_url, clock=clock)

    with pytest.raises(ArcaAuthError) as raised:
        wsaa.ticket()

    assert raised.value.code == "ns1:cms.sign.invalid"
    assert raised.value.kind is WsaaFaultKind.SIGNATURE
