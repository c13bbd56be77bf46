"""When ARCA does not answer: 'not sent' vs 'outcome unknown', and resolving the latter with
FECompConsultar so that each comprobante is authorized exactly once and no number is skipped.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from pos_arca import (
    ArcaNotSent,
    ArcaOutcomeUnknown,
    CaeAuthorization,
    Comprobante,
    ManualClock,
    WsfeClient,
)
from pos_arca.standin import ArcaStandin, FaultKind

from .conftest import CUIT, FAULT_TIMEOUTS
from .helpers import factura_b, today


def authorize_once(wsfe: WsfeClient, sale: Comprobante) -> CaeAuthorization:
    """The recipe the till follows: on 'outcome unknown', ask ARCA before sending again."""
    for _ in range(10):
        try:
            recovered = wsfe.recover(sale)
            return recovered if recovered is not None else wsfe.authorize(sale)
        except ArcaOutcomeUnknown:
            continue
    raise AssertionError("ARCA never answered")


def assert_authorized_once(wsfe: WsfeClient, sale: Comprobante, cae: str) -> None:
    held = wsfe.consult(sale.point_of_sale, sale.cbte_tipo, sale.number)
    assert held is not None and held.authorization_code == cae
    assert wsfe.last_authorized(sale.point_of_sale, sale.cbte_tipo) == sale.number
    assert wsfe.consult(sale.point_of_sale, sale.cbte_tipo, sale.number + 1) is None


@pytest.mark.parametrize(("kind", "processed"), [
    (FaultKind.TIMEOUT, False), (FaultKind.TIMEOUT, True),
    (FaultKind.HTTP_500, False), (FaultKind.HTTP_500, True),
    (FaultKind.DROP, True), (FaultKind.DROP, False),
], ids=["timeout", "timeout-after-authorizing", "http500", "http500-after-authorizing",
        "authorize-then-drop", "drop"])
def test_a_lost_answer_is_outcome_unknown_and_resolved_by_consulting(
        wsfe: WsfeClient, impatient_wsfe: WsfeClient, standin: ArcaStandin, clock: ManualClock,
        kind: FaultKind, processed: bool) -> None:
    # Only the faulted call is impatient: the stand-in never answers it in time, whatever the
    # machine's load, so its outcome does not depend on timing.
    wsfe.authorize(factura_b(1, today(clock)))
    sale = factura_b(2, today(clock))
    standin.faults.arm("FECAESolicitar", kind, processed=processed)

    with pytest.raises(ArcaOutcomeUnknown):
        impatient_wsfe.authorize(sale)

    authorized = wsfe.recover(sale)
    assert (authorized is not None) == processed  # ARCA holds it exactly when it did the work
    if authorized is None:
        authorized = wsfe.authorize(sale)
    assert_authorized_once(wsfe, sale, authorized.cae)
    assert wsfe.authorize(factura_b(3, today(clock))).number == 3  # nothing skipped


def test_the_recipe_authorizes_once_through_a_run_of_failures(wsfe, impatient_wsfe, standin,
                                                              clock) -> None:
    for kind in (FaultKind.DROP, FaultKind.TIMEOUT, FaultKind.HTTP_500):
        standin.faults.arm("FECAESolicitar", kind)
    for number in (1, 2, 3, 4):
        sale = factura_b(number, today(clock))
        assert authorize_once(impatient_wsfe, sale).number == number
    assert wsfe.last_authorized(1, 6) == 4


def test_a_held_answer_arrives_when_released(wsfe: WsfeClient, standin: ArcaStandin,
                                             clock: ManualClock) -> None:
    standin.faults.arm("FECAESolicitar", FaultKind.TIMEOUT)
    answers: list[CaeAuthorization] = []
    caller = threading.Thread(target=lambda: answers.append(
        wsfe.authorize(factura_b(1, today(clock)))))
    caller.start()

    assert standin.faults.wait_held(1)
    standin.faults.release()
    caller.join(timeout=10)

    assert [a.number for a in answers] == [1]


def test_a_refused_connection_is_not_sent(wsfe, standin, clock) -> None:
    wsfe.last_authorized(1, 6)  # logged in, connection pooled
    standin.make_unreachable()

    with pytest.raises(ArcaNotSent):
        wsfe.authorize(factura_b(1, today(clock)))

    standin.make_reachable()
    assert wsfe.authorize(factura_b(1, today(clock))).number == 1


def test_nothing_listening_is_not_sent(wsaa) -> None:
    with socket_without_listener() as port:
        wsfe = WsfeClient(cuit=CUIT, credentials=wsaa, url=f"http://127.0.0.1:{port}/wsfev1/",
                          timeouts=FAULT_TIMEOUTS)
        with pytest.raises(ArcaNotSent):
            wsfe.dummy()


def test_faults_can_be_armed_over_the_admin_endpoint(wsfe, standin, clock) -> None:
    admin = standin.admin_url
    assert admin is not None
    httpx.post(f"{admin}/admin/faults", json={"operation": "FECAESolicitar",
                                              "kind": "http500"}).raise_for_status()
    assert httpx.get(f"{admin}/admin/status").json()["faults"] == {"FECAESolicitar": ["http500"]}

    with pytest.raises(ArcaOutcomeUnknown):
        wsfe.authorize(factura_b(1, today(clock)))

    httpx.post(f"{admin}/admin/unreachable").raise_for_status()
    with pytest.raises(ArcaNotSent):
        wsfe.last_authorized(1, 6)
    httpx.post(f"{admin}/admin/reachable").raise_for_status()
    assert wsfe.last_authorized(1, 6) == 0


class socket_without_listener:  # noqa: N801 - reads as a context manager
    """A loopback port that was free a moment ago and has nothing listening."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def __exit__(self, *_: object) -> None:
        pass


@pytest.mark.parametrize("code", ["500", "501", "502"])
def test_arcas_own_errors_are_no_rejection_but_an_unknown_outcome(
        wsfe: WsfeClient, standin: ArcaStandin, clock: ManualClock, code: str) -> None:
    sale = factura_b(1, today(clock))
    standin.faults.arm("FECAESolicitar", "wsfe_error", code=code)
    standin.faults.arm("FECompUltimoAutorizado", "wsfe_error", code=code)

    with pytest.raises(ArcaOutcomeUnknown) as raised:  # ask with FECompConsultar, then again
        wsfe.authorize(sale)
    with pytest.raises(ArcaOutcomeUnknown):
        wsfe.last_authorized(1, 6)

    assert code in str(raised.value)
    assert wsfe.recover(sale) is None  # nothing was done: the number is still free
    assert wsfe.authorize(sale).number == 1


def test_a_soap_server_fault_is_an_unknown_outcome(wsfe: WsfeClient, standin: ArcaStandin,
                                                   clock: ManualClock) -> None:
    standin.faults.arm("FECAESolicitar", "soap_fault")

    with pytest.raises(ArcaOutcomeUnknown):
        wsfe.authorize(factura_b(1, today(clock)))


def test_a_fault_armed_without_a_count_stays_until_cleared(wsfe: WsfeClient,
                                                           standin: ArcaStandin) -> None:
    standin.faults.arm("FECompUltimoAutorizado", "wsfe_error", count=None)
    for _ in range(3):
        with pytest.raises(ArcaOutcomeUnknown):
            wsfe.last_authorized(1, 6)
    standin.faults.clear()
    assert wsfe.last_authorized(1, 6) == 0
