# ruff: noqa: F811 (the fixtures imported from caea_support are parameters here)
"""Informing ARCA of the CAEA comprobantes the ingest applied: in number order, exactly
once across restarts and lost answers, stopping at a rejection; sin movimiento for an idle
point of sale; the status figures and the deadline alert. The stand-in over real HTTP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pos_arca import Fortnight, ManualClock
from pos_arca.standin import ArcaStandin
from pos_central.api.probes import CentralCollector
from pos_central.fiscal.grants import obtain
from pos_central.fiscal.idle import inform_idle
from pos_central.fiscal.inform import inform
from pos_central.fiscal.status import fiscal_status, render
from pos_central.fiscal.stores import register_point_of_sale
from pos_central.fiscal.taxpayers import Taxpayer
from pos_central.report import build_daily_report, render_text
from pos_common.i18n import set_language

from .caea_support import (  # noqa: F401 (fixtures)
    CAEA_POS,
    CUIT,
    IDLE_POS,
    CountingWsfe,
    ca,
    caea_till,
    clock,
    counting_wsfe,
    credentials,
    standin,
    taxpayer,
    wsfe,
)
from .conftest import Broker, query, running_ingest, wait_until

pytestmark = pytest.mark.services
JULY = Fortnight(202607, 1)
DAYS = (date(2026, 7, 8), date(2026, 7, 9), date(2026, 7, 9), date(2026, 7, 10))


def sell_offline(central_db: str, broker: Broker, caea: str, codes: dict[int, str] | None = None
                 ) -> None:
    """Four CAEA sales on two days, applied by the real ingest (``codes``: another CAEA
    code on some numbers)."""
    till = caea_till()
    sales = [till.sale((codes or {}).get(n, caea), day) for n, day in enumerate(DAYS, 1)]
    broker.publish(sales)
    with running_ingest(central_db, broker):
        wait_until(lambda: query(central_db, "SELECT count(*) FROM fiscal_authorizations")
                   == [(4,)], what="4 CAEA comprobantes applied")


def held(standin: ArcaStandin) -> list[int]:
    return sorted(c.number for c in standin.state.comprobantes.values()
                  if c.point_of_sale == CAEA_POS and c.emission_kind == "CAEA")


def test_every_caea_comprobante_is_informed_in_order_once(
        central_db: str, broker: Broker, wsfe: CountingWsfe, standin: ArcaStandin) -> None:
    caea = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).grant.caea
    sell_offline(central_db, broker, caea)

    result = inform(central_db, wsfe, CUIT)

    assert len(result.informed) == 4 and not result.stopped and result.failure is None
    assert wsfe.sent == [1, 2, 3, 4] and held(standin) == [1, 2, 3, 4]
    stored = standin.state.comprobante(int(CUIT), CAEA_POS, 6, 1)
    assert stored is not None and stored.code == caea
    assert "<CbteFchHsGen>2026070808" in str(stored.fields["request"])  # the till's 08:00
    again = inform(central_db, wsfe, CUIT)  # nothing left: nothing sent
    assert again.informed == [] and wsfe.sent == [1, 2, 3, 4]


def test_a_rejection_in_the_middle_stops_there_and_is_shown(
        central_db: str, broker: Broker, wsfe: CountingWsfe, standin: ArcaStandin,
        clock: ManualClock) -> None:
    caea = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).grant.caea
    sell_offline(central_db, broker, caea, codes={3: "69999999999999"})  # not ARCA's

    result = inform(central_db, wsfe, CUIT)

    assert wsfe.sent == [1, 2, 3] and held(standin) == [1, 2]
    assert "783" in result.stopped[CAEA_POS] and len(result.rejected) == 1
    assert inform(central_db, wsfe, CUIT).informed == [] and wsfe.sent == [1, 2, 3]
    alerts = query(central_db, "SELECT kind, detail FROM central_alerts")
    assert [kind for kind, _ in alerts] == ["caea_rejected"] and "783" in alerts[0][1]

    status = fiscal_status(central_db, date(2026, 7, 21), CUIT, record=True)
    (fortnight,) = status["fortnights"]
    assert (fortnight["issued"], fortnight["informed"], fortnight["rejected"],
            fortnight["pending"]) == (4, 2, 1, 2)
    assert fortnight["days_left"] == 2 and fortnight["alert"]
    assert fortnight["rejections"][0]["number"] == 3
    assert "783" in fortnight["rejections"][0]["message"]
    assert "caea_deadline" in [k for k, _ in query(central_db,
                                                  "SELECT kind, detail FROM central_alerts")]
    assert "rejected: point of sale 2, type 6, number 3" in render(status)
    set_language("es_AR")
    shown = render(status)
    assert "rechazado: punto de venta 2, tipo 6, número 3" in shown and "quedan 2 días" in shown

    figures = {m.name: {tuple(x.labels.values()): x.value for x in m.samples}
               for m in CentralCollector(central_db, broker.url, broker.topology).collect()}
    assert figures["pos_central_caea_not_informed"] == {(CUIT,): 2}
    assert figures["pos_central_caea_rejected"] == {(CUIT,): 1}

    daily = build_daily_report(central_db, date(2026, 7, 21))
    assert daily["totals"]["caea_not_informed"] == 2
    assert [f["caea"] for f in daily["caea"]] == [caea]
    text = render_text(daily)
    assert "CAEA (comprobantes emitidos sin conexión" in text and "número 3" in text


def test_a_lost_answer_and_a_restart_inform_each_comprobante_exactly_once(
        central_db: str, broker: Broker, wsfe: CountingWsfe, standin: ArcaStandin,
        taxpayer: Taxpayer, clock: ManualClock, tmp_path: Path) -> None:
    caea = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).grant.caea
    sell_offline(central_db, broker, caea)
    standin.faults.arm("FECAEARegInformativo", "drop", count=1)  # ARCA took it, then the line

    first = inform(central_db, wsfe, CUIT)

    assert first.failure and first.informed == [] and held(standin) == [1]
    assert query(central_db, "SELECT number, state FROM caea_reports") == [(1, "sending")]

    restarted = counting_wsfe(taxpayer, clock, tmp_path / "arca")  # a new process
    second = inform(central_db, restarted, CUIT)

    assert len(second.resolved) == 1 and len(second.informed) == 3
    assert restarted.sent == [2, 3, 4]  # number 1 was asked about (FECompConsultar), not sent
    assert held(standin) == [1, 2, 3, 4]
    assert query(central_db, "SELECT count(*) FROM caea_reports WHERE state = 'informed'") == [
        (4,)]


def test_an_idle_caea_point_of_sale_is_informed_sin_movimiento_once(
        central_db: str, broker: Broker, wsfe: CountingWsfe, standin: ArcaStandin,
        clock: ManualClock) -> None:
    caea = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).grant.caea
    sell_offline(central_db, broker, caea)
    register_point_of_sale(central_db, store_id="S001", terminal_id="T02",
                           point_of_sale=IDLE_POS, cuit=CUIT)
    inform(central_db, wsfe, CUIT)

    during = inform_idle(central_db, wsfe, CUIT, date(2026, 7, 15))
    assert during.informed == []  # the fortnight is not over

    clock.set(clock.now().replace(day=22))
    done = inform_idle(central_db, wsfe, CUIT, date(2026, 7, 22))

    assert done.informed == [(caea, IDLE_POS)] and done.rejected == []
    assert f"{CUIT}|{caea}|{IDLE_POS}" in standin.state.idle
    assert f"{CUIT}|{caea}|{CAEA_POS}" not in standin.state.idle  # it issued comprobantes
    assert inform_idle(central_db, wsfe, CUIT, date(2026, 7, 22)).informed == []
    (fortnight,) = fiscal_status(central_db, date(2026, 7, 22), CUIT)["fortnights"]
    assert fortnight["idle_points_of_sale"] == [
        {"point_of_sale": IDLE_POS, "state": "informed", "message": None}]


def test_a_point_of_sale_arca_does_not_know_stops_alone_and_says_why(
        central_db: str, broker: Broker, wsfe: CountingWsfe, standin: ArcaStandin) -> None:
    caea = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).grant.caea
    unknown = caea_till("S001", "T02", seed=22)
    unknown.point_of_sale = 4  # configured at the till, never registered at ARCA
    known = caea_till("S001", "T01", seed=23)
    broker.publish([unknown.sale(caea, date(2026, 7, 9)), known.sale(caea, date(2026, 7, 9))])
    with running_ingest(central_db, broker):
        wait_until(lambda: query(central_db, "SELECT count(*) FROM fiscal_authorizations")
                   == [(2,)], what="2 CAEA comprobantes applied")

    result = inform(central_db, wsfe, CUIT)

    assert "11002" in result.stopped[4] and result.failure is None
    assert wsfe.sent == [1] and held(standin) == [1]  # point of sale 2 went on
