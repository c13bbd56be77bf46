"""ARCA answers but gives no CAE (WSAA refuses the login, WSFEv1 fails every request): a
standalone till against the stand-in over HTTP, on a manual clock. Every sale still gets its
comprobante at once (CAEA), the fault is shown until fixed, and CAE is back once it is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import CertificateAuthority, TaxpayerCredentials
from pos_common.i18n import set_language
from pos_desktop.app import Till
from pos_desktop.fiscal.status import status_bar_text, status_lines
from pos_desktop.fiscal.worker import FiscalState, FiscalWorker
from tests.fiscal.caea_helpers import CAEA_POS, art, caea_worker, open_caea_till
from tests.fiscal.conftest import CUIT
from tests.fiscal.till_helpers import configure_arca, rows, sell


def x_notes(till: Till) -> list[str]:
    """The X's ARCA lines (its CAEA ones go by the machine's date, not the test's clock)."""
    notes = till.shifts.x_data(till.shifts.figures())["fiscal_notes"]
    return [n for n in notes if n.startswith("ARCA:")]


def held_at_arca(standin: ArcaStandin, kind: str) -> list[tuple[int, int, int]]:
    return sorted((c.point_of_sale, c.cbte_tipo, c.number)
                  for c in standin.state.comprobantes.values() if c.emission_kind == kind)


def assert_every_sale_has_one_comprobante(till: Till, sales: int) -> None:
    """Nothing lost, nothing twice: one document per sale, each authorized one way only."""
    docs = rows(till, "SELECT source_id, state, authorization_kind, point_of_sale, number "
                      "FROM fiscal_documents")
    assert len(docs) == sales == len({d["source_id"] for d in docs})
    assert all(d["state"] == "authorized" for d in docs), docs
    for doc in docs:
        expected = 1 if doc["authorization_kind"] == "CAE" else CAEA_POS
        assert doc["point_of_sale"] == expected, doc
    numbers = [(d["point_of_sale"], d["number"]) for d in docs]
    assert len(numbers) == len(set(numbers))


@pytest.fixture
def expiring(ca: CertificateAuthority) -> TaxpayerCredentials:
    """A certificate that expires on 14 July 2026 at 19:00 in Buenos Aires."""
    return ca.issue(int(CUIT), not_before=datetime(2025, 7, 14, 22, tzinfo=UTC), days=365)


@pytest.fixture
def online(tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
           clock: ManualClock) -> Iterator[tuple[Till, FiscalWorker]]:
    """A till logged in on 14 July with both fortnights' CAEAs; its ticket lasts until
    midnight, so the next day's first pass logs in again."""
    clock.set(art(14))
    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    worker = caea_worker(till, clock)
    assert worker.run_once().error is None
    yield till, worker
    till.close()


def test_an_expired_certificate_sells_with_caea_says_what_to_fix_and_cae_is_back_once_renewed(
        tmp_path: Path, standin: ArcaStandin, ca: CertificateAuthority,
        expiring: TaxpayerCredentials, clock: ManualClock) -> None:
    clock.set(art(14))
    till = open_caea_till(tmp_path / "data", standin, expiring, tmp_path, clock)
    try:
        worker = caea_worker(till, clock)
        assert worker.run_once().error is None  # logged in; the CAEAs, from ARCA
        clock.set(art(15, 9))  # the ticket ended at midnight, the certificate at 19:00
        waiting = sell(till)  # committed for its CAE: the till does not know yet
        assert waiting.awaits_authorization
        result = worker.run_once()
        assert result.error is not None and "cms.cert.expired" in result.error
        assert result.issued_caea == 1  # at once: it does not wait for a new certificate
        assert till.register.contingency is not None and till.register.contingency.active
        at_once = sell(till)  # issued with CAEA at the checkout, nothing waits
        assert not at_once.awaits_authorization
        assert at_once.payload["fiscal"]["authorization"]["kind"] == "CAEA"

        status = till.fiscal_status()
        assert status["state"] == "error" and status["pending"] == 0
        assert status["fault"]["kind"] == "certificate_expired"
        assert status["caea"]["contingency"] is True
        text, level = status_bar_text(status)
        assert level == "error"
        assert "ARCA's certificate expired on 14/07/2026: renew it" in text
        assert "selling with CAEA" in text
        set_language("es_AR")
        text, _level = status_bar_text(till.fiscal_status())
        assert "El certificado de ARCA venció el 14/07/2026: renuévelo" in text
        assert "vendiendo con CAEA" in text
        assert any("venció el 14/07/2026" in line for line in x_notes(till))
        assert any("venció el 14/07/2026" in line
                   for line in status_lines(till.fiscal_status()))
        set_language("en")

        # A refusal stands until its cause changes: a commit does not ask WSAA again.
        asked = standin.login_requests
        sell(till)
        assert worker.run_once().issued_caea == 0  # the checkout issued it
        assert standin.login_requests == asked

        # The manager installs the renewed certificate: the next pass logs in with it.
        renewed = ca.issue(int(CUIT), not_before=datetime(2026, 7, 1, tzinfo=UTC))
        configure_arca(till, standin, renewed, tmp_path, **{"fiscal.caea_point_of_sale": 2})
        worker.retry_now()
        assert worker.run_once().error is None
        assert not till.register.contingency.active
        back = sell(till)
        assert back.awaits_authorization  # for its CAE again
        assert worker.run_once().authorized == 1
        assert worker.link().state is FiscalState.ONLINE
        assert till.fiscal_status()["fault"] is None
        assert not any("certificate" in line or "certificado" in line for line in x_notes(till))
        assert held_at_arca(standin, "CAE") == [(1, 6, 1)]
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in (1, 2, 3)]
        assert_every_sale_has_one_comprobante(till, 4)
    finally:
        till.close()


@pytest.mark.parametrize(("code", "kind", "english"), [
    ("coe.notAuthorized", "not_authorized", "associate it with the wsfe service"),
    ("cms.sign.invalid", "signature", "is the private key the certificate's?"),
    ("xml.generationTime.invalid", "clock", "the till's clock is wrong"),
    ("cms.cert.untrusted", "certificate_untrusted", "it is not ARCA's for homologacion"),
])
def test_a_login_refused_for_a_fault_of_ours_sells_with_caea_and_shows_it(
        standin: ArcaStandin, clock: ManualClock, online: tuple[Till, FiscalWorker],
        code: str, kind: str, english: str) -> None:
    till, worker = online
    clock.set(art(15, 9))
    standin.faults.arm("loginCms", "wsaa_fault", code=code, count=None)
    sell(till)
    result = worker.run_once()
    assert result.issued_caea == 1 and code in str(result.error)
    assert not sell(till).awaits_authorization
    status = till.fiscal_status()
    assert (status["state"], status["fault"]["kind"]) == ("error", kind)
    assert english in status_bar_text(status)[0]
    assert any(english in line for line in x_notes(till))
    asked = standin.login_requests
    clock.advance(timedelta(minutes=3))
    assert worker.run_once().error is not None  # a pass in the meantime asks WSAA nothing
    assert standin.login_requests == asked

    standin.faults.clear()  # fixed at ARCA's end (the association, the clock…)
    clock.advance(timedelta(minutes=3))  # five minutes after the refusal, not after the pass
    assert worker.run_once().error is None
    assert sell(till).awaits_authorization
    assert worker.run_once().authorized == 1
    assert till.fiscal_status()["fault"] is None
    assert_every_sale_has_one_comprobante(till, 3)


def test_wsaa_out_of_service_is_offline_with_caea_and_backs_off(
        standin: ArcaStandin, clock: ManualClock, online: tuple[Till, FiscalWorker]) -> None:
    till, worker = online
    clock.set(art(15, 9))
    standin.faults.arm("loginCms", "wsaa_fault", code="wsaa.unavailable", count=None)
    sell(till)
    assert worker.run_once().issued_caea == 1
    status = till.fiscal_status()
    assert (status["state"], status["fault"]["kind"]) == ("offline", "unavailable")
    assert "out of service for now" in status_bar_text(status)[0]
    assert x_notes(till) == []  # it passes by itself: nothing for the X to ask of anyone
    asked = standin.login_requests
    sell(till)
    worker.run_once()
    assert standin.login_requests == asked  # the backoff holds, commits or not
    clock.advance(timedelta(seconds=4))  # past the first wait (2 s at most): asked again
    assert worker.run_once().error is not None
    assert standin.login_requests == asked + 1
    standin.faults.clear()
    clock.advance(timedelta(seconds=8))  # past the second (4 s at most)
    assert worker.run_once().error is None
    assert sell(till).awaits_authorization and worker.run_once().authorized == 1
    assert_every_sale_has_one_comprobante(till, 3)


def test_another_login_with_the_same_certificate_waits_for_its_ticket_without_hammering(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, online: tuple[Till, FiscalWorker]) -> None:
    from pos_arca.wsaa import WsaaClient

    till, worker = online
    clock.set(art(15, 9))  # our ticket ended at midnight; another program logs in first
    other = WsaaClient(certificate=taxpayer.certificate_pem,
                       private_key=taxpayer.private_key_pem, cache_dir=tmp_path / "other",
                       url=standin.wsaa_url, clock=clock)
    other.ticket()
    sell(till)
    result = worker.run_once()
    assert result.issued_caea == 1 and "coe.alreadyAuthenticated" in str(result.error)
    status = till.fiscal_status()
    assert (status["state"], status["fault"]["kind"]) == ("offline", "already_authenticated")
    assert "another till or program" in status_bar_text(status)[0]
    asked = standin.login_requests
    for _ in range(3):  # commits and passes: WSAA is not asked again before its time
        sell(till)
        worker.run_once()
        clock.advance(timedelta(minutes=2))
    assert standin.login_requests == asked
    clock.set(art(15, 21, 1))  # the other ticket (12 h from 09:00) has expired
    while worker.run_once().error is not None:  # asked every 10 minutes until then
        clock.advance(timedelta(minutes=10))
    assert standin.login_requests <= asked + 2
    assert sell(till).awaits_authorization and worker.run_once().authorized == 1
    assert_every_sale_has_one_comprobante(till, 5)


def test_wsfe_failing_every_request_is_no_rejection_and_sales_go_caea(
        standin: ArcaStandin, clock: ManualClock, online: tuple[Till, FiscalWorker]) -> None:
    till, worker = online
    for operation in ("FECAESolicitar", "FECompConsultar", "FECompUltimoAutorizado"):
        standin.faults.arm(operation, "wsfe_error", code="501", count=None)
    first = sell(till)
    result = worker.run_once()
    assert result.rejected == 0 and result.error is not None and "501" in result.error
    doc = rows(till, "SELECT state, point_of_sale FROM fiscal_documents")[0]
    assert doc == {"state": "in_doubt", "point_of_sale": 1}  # ARCA may hold its CAE: never CAEA
    assert till.register.contingency is not None and till.register.contingency.active
    later = sell(till)
    assert later.payload["fiscal"]["authorization"]["kind"] == "CAEA"
    standin.faults.clear()
    assert worker.run_once().error is None  # asked: ARCA holds nothing, so its CAE now
    docs = {d["source_id"]: d for d in rows(till, "SELECT * FROM fiscal_documents")}
    assert docs[first.payload["sale_id"]]["authorization_kind"] == "CAE"
    assert held_at_arca(standin, "CAE") == [(1, 6, 1)]
    assert_every_sale_has_one_comprobante(till, 2)


def test_a_soap_server_fault_on_every_request_goes_caea_too(
        standin: ArcaStandin, clock: ManualClock, online: tuple[Till, FiscalWorker]) -> None:
    till, worker = online
    for operation in ("FECAESolicitar", "FECompConsultar", "FECompUltimoAutorizado"):
        standin.faults.arm(operation, "soap_fault", count=None)
    sell(till)
    assert worker.run_once().rejected == 0
    assert not sell(till).awaits_authorization
    standin.faults.clear()
    assert worker.run_once().error is None
    assert_every_sale_has_one_comprobante(till, 2)


def test_a_ticket_wsfe_refuses_is_replaced_by_a_fresh_login(
        standin: ArcaStandin, clock: ManualClock, online: tuple[Till, FiscalWorker]) -> None:
    till, worker = online
    with standin.lock:  # ARCA forgot our ticket (600) though the till holds it as valid
        standin.state.tickets.clear()
        standin.state.logins.clear()
    sell(till)
    result = worker.run_once()
    assert result.issued_caea == 1 and "600" in str(result.error)  # the sale does not wait
    assert till.fiscal_status()["fault"]["kind"] == "ticket_refused"
    logins = standin.logins
    assert worker.run_once().error is None  # a new login at once, not the refused ticket
    assert standin.logins == logins + 1
    assert sell(till).awaits_authorization and worker.run_once().authorized == 1
    assert till.fiscal_status()["fault"] is None
    assert_every_sale_has_one_comprobante(till, 2)
