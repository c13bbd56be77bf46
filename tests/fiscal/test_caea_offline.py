"""Selling offline with CAEA (issue 12): a standalone till on the stand-in over HTTP, on a
manual clock (no sleeps), with ARCA unreachable for two days across a fortnight boundary."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_common.i18n import set_language
from pos_contracts import parse_envelope
from pos_desktop.app import Till
from pos_desktop.domain.fiscal.caea import Caea, NoValidCaea, OutlookState, caea_outlook
from pos_desktop.domain.fiscal.qr import read_qr_url
from pos_desktop.fiscal.client import open_session
from pos_desktop.fiscal.status import read_settings, status_lines
from pos_desktop.fiscal.worker import FiscalWorker
from pos_desktop.services.caea import SqliteCaeaBook
from pos_desktop.store.journal_check import verify_engine
from tests.fiscal.caea_helpers import CAEA_POS, art, caea_worker, open_caea_till
from tests.fiscal.test_receipt import pdf_text, printed, receipt_job
from tests.fiscal.till_helpers import rows, sell


@pytest.fixture
def caea_till(tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
              clock: ManualClock) -> Iterator[Till]:
    """A standalone till with a CAEA point of sale, on 14 July (both CAEAs askable)."""
    clock.set(art(14))
    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    yield till
    till.close()


def caea_docs(till: Till) -> list[dict]:
    return rows(till, "SELECT * FROM fiscal_documents WHERE authorization_kind='CAEA' "
                      "ORDER BY number")


def held_at_arca(standin: ArcaStandin, kind: str) -> list[tuple[int, int, int]]:
    return sorted((c.point_of_sale, c.cbte_tipo, c.number)
                  for c in standin.state.comprobantes.values() if c.emission_kind == kind)


def test_two_days_offline_across_a_fortnight_every_sale_has_a_caea_comprobante(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock) -> None:
    clock.set(art(14))  # both fortnights' CAEAs can be asked for (the next from the 11th)
    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    try:
        worker = caea_worker(till, clock)
        assert worker.run_once().error is None  # standalone: the worker asks for them
        caeas = rows(till, "SELECT period, orden, code FROM caeas ORDER BY period, orden")
        assert [(c["period"], c["orden"]) for c in caeas] == [(202607, 1), (202607, 2)]
        first_code, second_code = caeas[0]["code"], caeas[1]["code"]

        standin.make_unreachable()
        clock.set(art(15, 9))
        waiting = sell(till)  # ARCA not yet known to be down: committed for its CAE
        assert waiting.awaits_authorization
        result = worker.run_once()
        assert result.error is not None and result.issued_caea == 1
        assert till.register.contingency is not None and till.register.contingency.active
        day_one = [sell(till) for _ in range(2)]  # now issued at once, never waiting
        assert not any(d.awaits_authorization for d in day_one)
        clock.set(art(16, 10))  # the next day is the next fortnight
        day_two = [sell(till) for _ in range(2)]
        for done in (*day_one, *day_two):
            block = done.payload["fiscal"]
            assert block["authorization"]["kind"] == "CAEA"
            assert block["point_of_sale"] == CAEA_POS
        assert [d.payload["fiscal"]["authorization"]["code"] for d in day_two] == [
            second_code] * 2
        assert day_one[0].payload["fiscal"]["authorization"]["code"] == first_code
        assert day_one[0].payload["fiscal"]["authorization"]["due"] == "2026-07-15"
        assert day_two[0].payload["fiscal"]["issued_at"].startswith("2026-07-16T10:00")
    finally:
        till.close()

    # The till restarts mid-offline: numbering goes on from the database.
    clock.set(art(17, 11))
    again = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    try:
        worker = caea_worker(again, clock)
        after_restart = sell(again)
        assert after_restart.awaits_authorization  # the new process has not failed yet
        assert worker.run_once().issued_caea == 1
        last = sell(again)
        docs = caea_docs(again)
        assert [d["number"] for d in docs] == [1, 2, 3, 4, 5, 6, 7]
        assert {d["point_of_sale"] for d in docs} == {CAEA_POS}
        assert json.loads(docs[-1]["block"])["number"] == last.payload["fiscal"]["number"]
        # Each sale's event carries its comprobante: at once (sale.completed) or, for the
        # two that waited, a fiscal.authorized with the CAEA point of sale.
        authorized = [parse_envelope(r["envelope"].encode()).payload for r in rows(
            again, "SELECT envelope FROM outbox WHERE type='fiscal.authorized' ORDER BY seq")]
        assert [(a["point_of_sale"], a["number"], a["authorization"]["kind"])
                for a in authorized] == [(CAEA_POS, 1, "CAEA"), (CAEA_POS, 6, "CAEA")]
        assert verify_engine(again.reader).ok

        # ARCA answers again: the till informs its CAEA comprobantes and goes back to CAE.
        standin.make_reachable()
        assert worker.run_once().error is None
        assert again.register.contingency is not None
        assert not again.register.contingency.active
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in range(1, 8)]
        assert all(d["informed_at"] for d in caea_docs(again))
        online = sell(again)
        assert online.awaits_authorization
        assert worker.run_once().authorized == 1
        assert held_at_arca(standin, "CAE") == [(1, 6, 1)]
        assert worker.run_once().error is None  # informing again sends nothing twice
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in range(1, 8)]
    finally:
        again.close()


def test_the_receipt_of_a_caea_sale_shows_caea_its_due_date_and_a_qr_of_kind_a(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, caea_till: Till) -> None:
    till = caea_till
    worker = caea_worker(till, clock)
    worker.run_once()
    standin.make_unreachable()
    converted = sell(till)
    worker.run_once()  # ARCA is down: contingency; the waiting sale is issued with CAEA
    first = receipt_job(till)
    assert first["sale"]["sale_id"] == converted.payload["sale_id"]
    assert read_qr_url(printed(till, first)[1])["nroCmp"] == 1
    done = sell(till)
    block = done.payload["fiscal"]
    job = receipt_job(till)  # queued with the sale itself: nothing waits for ARCA
    assert job["sale"]["sale_id"] == done.payload["sale_id"]
    lines, qr_data = printed(till, job)
    body = "\n".join(lines)
    assert f"CAEA: {block['authorization']['code']}" in body
    assert "Vto. 15/07/2026" in body
    assert f"Nro. {CAEA_POS:05d}-00000002" in body
    qr = read_qr_url(qr_data)
    assert qr["tipoCodAut"] == "A" and qr["ptoVta"] == CAEA_POS and qr["nroCmp"] == 2
    assert qr["codAut"] == int(block["authorization"]["code"])
    # ARCA authorized the CAEA, not this comprobante: the footer says how it was issued,
    # on the paper (the preview renders these same bytes) and in the PDF alike.
    assert "Comprobante emitido con CAEA" in body and "autorizado por ARCA" not in body
    pdf = pdf_text(till, job, tmp_path)
    assert "Comprobante emitido con CAEA" in pdf and "autorizado por ARCA" not in pdf


@pytest.mark.parametrize("action", ["pending", "refuse"])
def test_offline_with_no_caea_follows_the_setting(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, action: str) -> None:
    clock.set(art(14))
    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock,
                          **{"fiscal.caea_missing": action, "sync.amqp_url": "amqp://127.0.0.1:1/"})
    try:
        worker = caea_worker(till, clock)  # with head office: it asks ARCA for no CAEA
        standin.make_unreachable()
        first = sell(till)
        assert worker.run_once().issued_caea == 0
        assert first.awaits_authorization
        if action == "refuse":
            with pytest.raises(NoValidCaea) as refused:
                sell(till)
            assert "14/07/2026" in str(refused.value)
            assert rows(till, "SELECT count(*) AS n FROM sales")[0]["n"] == 1
        else:
            second = sell(till)
            assert second.awaits_authorization and second.notice
            assert "CAEA" in second.notice
        assert rows(till, "SELECT count(*) AS n FROM caeas")[0]["n"] == 0
        status = till.fiscal_status()["caea"]  # with head office: it informs, not the till
        assert status["informed_by"] == "head_office" and status["not_informed"] is None
    finally:
        till.close()


def _three_caea_sales(till: Till, standin: ArcaStandin, clock: ManualClock) -> FiscalWorker:
    worker = caea_worker(till, clock)
    assert worker.run_once().error is None  # the CAEAs, from ARCA (standalone)
    standin.make_unreachable()
    sell(till)
    assert worker.run_once().issued_caea == 1
    sell(till)
    sell(till)
    assert [d["number"] for d in caea_docs(till)] == [1, 2, 3]
    return worker


def test_informing_stops_at_the_first_refusal_shows_it_and_goes_on_when_told(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, caea_till: Till) -> None:
    till = caea_till
    worker = _three_caea_sales(till, standin, clock)
    second = caea_docs(till)[1]
    code = json.loads(second["block"])["authorization"]["code"]
    with till.uow() as uow:  # a CAEA ARCA never granted (783)
        uow.conn.execute(text("UPDATE fiscal_documents SET block = json_set(block, "
                          "'$.authorization.code', '69999999999999') "
                          "WHERE document_id = :d"), {"d": second["document_id"]})
        uow.commit()
    standin.make_reachable()
    assert worker.run_once().error is None
    assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, 1)]
    status = till.fiscal_status()["caea"]
    assert status["not_informed"] == 2 and "783" in status["inform_error"]
    assert "00000002" in status["inform_error"]
    assert worker.run_once().error is None  # stays stopped: nothing sent past it
    assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, 1)]
    with till.uow() as uow:  # the manager corrects it, informs again
        uow.conn.execute(text("UPDATE fiscal_documents SET block = json_set(block, "
                          "'$.authorization.code', :c) WHERE document_id = :d"),
                     {"c": code, "d": second["document_id"]})
        uow.commit()
    session = open_session(read_settings(till.reader), till.data_dir, clock=clock)
    result = till.caea_duties(clock).inform(session.wsfe, retry_refused=True)
    assert (result.informed, result.refused) == (2, None)
    assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in (1, 2, 3)]
    assert till.fiscal_status()["caea"]["inform_error"] is None


class _DiesAfterArcaTookIt(SqliteCaeaBook):
    """The process dies after ARCA took the first comprobante, before it was marked."""

    def informed(self, document_id: str, when: str) -> None:
        raise KeyboardInterrupt("killed")


def test_a_comprobante_informed_before_a_crash_is_not_informed_twice(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, caea_till: Till) -> None:
    till = caea_till
    _three_caea_sales(till, standin, clock)
    standin.make_reachable()
    session = open_session(read_settings(till.reader), till.data_dir, clock=clock)
    dying = till.caea_duties(clock)
    dying.book = _DiesAfterArcaTookIt(till.uow, lambda: read_settings(till.reader).cuit)
    with pytest.raises(KeyboardInterrupt):
        dying.inform(session.wsfe)
    assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, 1)]
    assert not any(d["informed_at"] for d in caea_docs(till))
    again = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    try:
        assert caea_worker(again, clock).run_once().error is None
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in (1, 2, 3)]
        assert all(d["informed_at"] for d in caea_docs(again))
        assert again.fiscal_status()["caea"]["not_informed"] == 0
    finally:
        again.close()


def test_an_idle_fortnight_is_informed_sin_movimiento_once(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, caea_till: Till) -> None:
    till = caea_till
    worker = caea_worker(till, clock)
    assert worker.run_once().error is None
    first = rows(till, "SELECT code FROM caeas WHERE orden = 1")[0]["code"]
    clock.set(art(16, 9))  # the first fortnight ended with no sale on the CAEA point
    assert worker.run_once().error is None
    assert f"30712345671|{first}|{CAEA_POS}" in standin.state.idle
    assert rows(till, "SELECT unused_informed_at FROM caeas WHERE orden = 1")[0][
        "unused_informed_at"]
    assert worker.run_once().error is None  # informed once: not asked again


def test_a_sale_whose_cae_request_got_no_answer_is_never_also_issued_with_caea(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock) -> None:
    clock.set(art(14))
    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock,
                          **{"fiscal.timeout_seconds": 1})
    try:
        worker = caea_worker(till, clock)
        assert worker.run_once().error is None  # the CAEAs
        # ARCA authorizes the CAE and its answer never comes; asking about it fails too.
        standin.faults.arm("FECAESolicitar", "timeout", processed=True)
        standin.faults.arm("FECompConsultar", "http500")
        in_doubt = sell(till)
        result = worker.run_once()
        assert result.error is not None and result.issued_caea == 0
        assert till.register.contingency is not None and till.register.contingency.active
        doc = rows(till, "SELECT state, point_of_sale, authorization_kind FROM "
                         "fiscal_documents")[0]
        assert doc == {"state": "in_doubt", "point_of_sale": 1, "authorization_kind": None}
        after = sell(till)  # the next sale does not wait: CAEA at once
        assert after.payload["fiscal"]["authorization"]["kind"] == "CAEA"
        standin.make_unreachable()
        assert worker.run_once().issued_caea == 0  # still in doubt: never CAEA
        standin.make_reachable()
        assert worker.run_once().authorized == 1  # FECompConsultar: ARCA holds its CAE
        docs = {d["source_id"]: d for d in rows(till, "SELECT * FROM fiscal_documents")}
        mine = docs[in_doubt.payload["sale_id"]]
        assert (mine["authorization_kind"], mine["point_of_sale"], mine["number"]) == (
            "CAE", 1, 1)
        assert docs[after.payload["sale_id"]]["authorization_kind"] == "CAEA"
        assert held_at_arca(standin, "CAE") == [(1, 6, 1)]
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, 1)]  # informed: the other
    finally:
        till.close()


def test_the_x_report_warns_when_today_has_no_caea(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock) -> None:
    from pos_desktop.services.reports import report_document

    set_language("es_AR")
    clock.set(datetime.now(UTC))  # the X is dated by the machine's clock
    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    try:
        def x_lines() -> list[str]:
            data = till.shifts.x_data(till.shifts.figures())
            return [r["label"] for r in report_document(data, x=True)["rows"] if "label" in r]

        assert any("sin CAEA para hoy" in line for line in x_lines())
        assert caea_worker(till, clock).run_once().error is None  # today's comes (standalone)
        assert not any("CAEA" in line for line in x_lines())
    finally:
        till.close()


@pytest.mark.parametrize(("today", "held", "state", "uncovered"), [
    (date(2026, 7, 10), [1], OutlookState.OK, None),
    (date(2026, 7, 13), [1], OutlookState.NEXT_MISSING, date(2026, 7, 16)),
    (date(2026, 7, 13), [1, 2], OutlookState.OK, None),
    (date(2026, 7, 16), [1], OutlookState.MISSING, date(2026, 7, 16)),
    (date(2026, 7, 29), [2], OutlookState.NEXT_MISSING, date(2026, 8, 1)),
])
def test_the_caea_outlook_warns_days_ahead(today: date, held: list[int], state: OutlookState,
                                           uncovered: date | None) -> None:
    caeas = [Caea("30712345671", 202607, 1, "61111111111111", date(2026, 7, 1),
                  date(2026, 7, 15), date(2026, 7, 23)),
             Caea("30712345671", 202607, 2, "62222222222222", date(2026, 7, 16),
                  date(2026, 7, 31), date(2026, 8, 8))]
    outlook = caea_outlook([c for c in caeas if c.order in held], today)
    assert (outlook.state, outlook.uncovered_from) == (state, uncovered)


def test_a_refund_while_offline_is_a_caea_nota_de_credito_of_its_caea_factura(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock, caea_till: Till) -> None:
    till = caea_till
    worker = caea_worker(till, clock)
    worker.run_once()
    standin.make_unreachable()
    sell(till)
    worker.run_once()  # contingency
    sold = sell(till, "A0001", "A0002")
    till.guard.approve("refund", "u-sergio", "2222")
    refund = till.refunds.refund(sold.ticket, {1: 1000}, reason="Vencido")
    assert refund.payload["fiscal"]["associated"]["number"] == 2  # known at once
    assert worker.run_once().issued_caea == 1  # the note, never sent: CAEA too
    note = rows(till, "SELECT * FROM fiscal_documents WHERE source_kind='refund'")[0]
    assert (note["cbte_tipo"], note["point_of_sale"], note["number"]) == (8, CAEA_POS, 1)
    assert json.loads(note["block"])["associated"]["point_of_sale"] == CAEA_POS
    standin.make_reachable()
    assert worker.run_once().error is None  # informed: both series, in order
    assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, 1), (CAEA_POS, 6, 2),
                                             (CAEA_POS, 8, 1)]


def test_a_caea_point_of_sale_arca_already_holds_goes_on_after_arcas_last_number(
        tmp_path: Path, standin: ArcaStandin, taxpayer: TaxpayerCredentials,
        clock: ManualClock) -> None:
    # An earlier install issued and informed 1-3 on the same CAEA point of sale.
    clock.set(art(14))
    earlier = open_caea_till(tmp_path / "earlier", standin, taxpayer, tmp_path, clock)
    try:
        worker = caea_worker(earlier, clock)
        assert worker.run_once().error is None
        standin.make_unreachable()
        sell(earlier)
        assert worker.run_once().issued_caea == 1
        sell(earlier), sell(earlier)
        standin.make_reachable()
        assert worker.run_once().error is None
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in (1, 2, 3)]
    finally:
        earlier.close()

    till = open_caea_till(tmp_path / "data", standin, taxpayer, tmp_path, clock)
    try:  # the same certificate: WSAA's ticket comes along (it refuses a second login)
        shutil.copytree(tmp_path / "earlier" / "arca", till.data_dir / "arca",
                        dirs_exist_ok=True)
        worker = caea_worker(till, clock)
        assert worker.run_once().error is None  # start-up: ARCA's last numbers, CAEA's too
        status = till.fiscal_status()  # what the till knows of them, per CAEA queue
        assert status["caea"]["arca_last"] == [
            {"point_of_sale": CAEA_POS, "type": t, "number": 3 if t == 6 else 0}
            for t in (1, 3, 6, 8)]
        assert "ARCA's last CAEA comprobante 00002-006: 3" in status_lines(status)
        standin.make_unreachable()
        sell(till)
        assert worker.run_once().issued_caea == 1
        sell(till)
        assert [d["number"] for d in caea_docs(till)] == [4, 5]
        standin.make_reachable()
        assert worker.run_once().error is None
        assert held_at_arca(standin, "CAEA") == [(CAEA_POS, 6, n) for n in range(1, 6)]
    finally:
        till.close()
