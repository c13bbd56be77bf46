"""CAEA: the fortnight, asking within ARCA's window, one per CUIT, informing in order, idle
points of sale. The stand-in's clock moves so tests cross fortnight boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pos_arca import ArcaRejected, Caea, Comprobante, Fortnight, ManualClock, WsfeClient
from pos_arca.standin import ArcaStandin

from .helpers import factura_b, today


def at(clock: ManualClock, day: date) -> None:
    """Noon in Buenos Aires on ``day``."""
    clock.set(datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC))


def issued(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 30, tzinfo=UTC)


def caea_sale(number: int, day: date, **changes: object) -> Comprobante:
    return factura_b(number, day, point_of_sale=2, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("day", "period", "order"), [
    (date(2026, 7, 1), 202607, 1), (date(2026, 7, 15), 202607, 1),
    (date(2026, 7, 16), 202607, 2), (date(2026, 7, 31), 202607, 2),
    (date(2028, 2, 29), 202802, 2),
])
def test_the_fortnight_of_a_day(day: date, period: int, order: int) -> None:
    assert Fortnight.of(day) == Fortnight(period, order)


def test_a_fortnight_s_days_and_request_window() -> None:
    second = Fortnight(202602, 2)

    assert (second.first_day, second.last_day) == (date(2026, 2, 16), date(2026, 2, 28))
    assert second.request_window == (date(2026, 2, 11), date(2026, 2, 28))
    assert second.next() == Fortnight(202603, 1)
    assert Fortnight(202612, 2).next() == Fortnight(202701, 1)
    assert Fortnight(202603, 1).request_window[0] == date(2026, 2, 24)


@pytest.mark.parametrize(("period", "order"), [(202613, 1), (202607, 3), (202100, 1)])
def test_a_fortnight_that_does_not_exist_is_refused(period: int, order: int) -> None:
    with pytest.raises(ValueError):
        Fortnight(period, order)


def test_the_next_fortnight_can_be_asked_from_five_days_before(wsfe: WsfeClient, clock) -> None:
    next_one = Fortnight(202607, 2)  # starts on July 16th
    at(clock, date(2026, 7, 10))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.request_caea(next_one)
    assert raised.value.codes == (15006,)
    assert "Del 7/11/2026 hasta 7/31/2026" in str(raised.value)

    at(clock, date(2026, 7, 11))
    caea = wsfe.request_caea(next_one)
    assert len(caea.code) == 14 and caea.code.isdigit()
    assert (caea.valid_from, caea.valid_to) == (date(2026, 7, 16), date(2026, 7, 31))
    assert caea.inform_deadline > caea.valid_to


def test_a_fortnight_that_ended_cannot_be_asked(wsfe, clock) -> None:
    at(clock, date(2026, 7, 16))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.request_caea(Fortnight(202607, 1))

    assert raised.value.codes == (15006,)


def test_one_caea_per_cuit_and_fortnight_asking_again_is_refused_and_consult_finds_it(
        wsfe: WsfeClient, clock) -> None:
    fortnight = Fortnight.of(today(clock))
    granted = wsfe.request_caea(fortnight)

    with pytest.raises(ArcaRejected) as raised:
        wsfe.request_caea(fortnight)

    assert raised.value.codes == (15008,)
    assert wsfe.consult_caea(fortnight) == granted
    assert wsfe.consult_caea(fortnight.next()) is None


@pytest.fixture
def caea(wsfe: WsfeClient, clock: ManualClock) -> Caea:
    return wsfe.request_caea(Fortnight.of(today(clock)))


def test_comprobantes_are_informed_in_number_order(wsfe: WsfeClient, caea: Caea, clock) -> None:
    day = today(clock)
    informed = [wsfe.inform_caea(caea_sale(n, day), caea=caea.code, issued_at=issued(day))
                for n in (1, 2, 3)]

    assert [i.number for i in informed] == [1, 2, 3]
    assert wsfe.last_authorized(2, 6) == 3
    held = wsfe.consult(2, 6, 2)
    assert held is not None
    assert (held.emission_kind, held.authorization_code) == ("CAEA", caea.code)
    assert held.due_date == caea.valid_to


def test_a_gap_in_the_numbers_is_refused_until_the_missing_one_is_informed(wsfe, caea, clock
                                                                           ) -> None:
    day = today(clock)
    wsfe.inform_caea(caea_sale(1, day), caea=caea.code, issued_at=issued(day))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.inform_caea(caea_sale(3, day), caea=caea.code, issued_at=issued(day))

    assert raised.value.codes == (10016,)
    wsfe.inform_caea(caea_sale(2, day), caea=caea.code, issued_at=issued(day))
    assert wsfe.inform_caea(caea_sale(3, day), caea=caea.code, issued_at=issued(day)).number == 3


@pytest.mark.parametrize(("case", "code"), [
    ("no CAEA", 782), ("a CAEA ARCA never granted", 783), ("a date outside its fortnight", 784),
    ("a CAE point of sale", 11002), ("a wrong total", 10048),
])
def test_informing_rules(wsfe: WsfeClient, caea: Caea, clock, case: str, code: int) -> None:
    day = today(clock)
    sale, given = caea_sale(1, day), caea.code
    if case == "no CAEA":
        given = ""
    elif case == "a CAEA ARCA never granted":
        given = "61234567890123"
    elif case == "a date outside its fortnight":
        sale = caea_sale(1, Fortnight.of(day).first_day - timedelta(days=1))
    elif case == "a CAE point of sale":
        sale = factura_b(1, day)
    else:
        sale = caea_sale(1, day, total_centavos=99)

    with pytest.raises(ArcaRejected) as raised:
        wsfe.inform_caea(sale, caea=given, issued_at=issued(day))

    assert code in raised.value.codes
    assert wsfe.last_authorized(2, 6) == 0


def test_informing_after_the_deadline_is_refused(wsfe, caea, clock) -> None:
    day = today(clock)
    at(clock, caea.inform_deadline + timedelta(days=1))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.inform_caea(caea_sale(1, day), caea=caea.code, issued_at=issued(day))

    assert raised.value.codes == (786,)


def test_selling_across_a_fortnight_boundary_uses_each_fortnight_s_caea(wsfe, clock) -> None:
    at(clock, date(2026, 7, 15))
    first = wsfe.request_caea(Fortnight(202607, 1))
    second = wsfe.request_caea(Fortnight(202607, 2))
    at(clock, date(2026, 7, 20))  # back online days later, informing what was sold offline

    wsfe.inform_caea(caea_sale(1, date(2026, 7, 15)), caea=first.code,
                     issued_at=issued(date(2026, 7, 15)))
    with pytest.raises(ArcaRejected) as raised:
        wsfe.inform_caea(caea_sale(2, date(2026, 7, 16)), caea=first.code,
                         issued_at=issued(date(2026, 7, 16)))
    assert raised.value.codes == (784,)
    assert wsfe.inform_caea(caea_sale(2, date(2026, 7, 16)), caea=second.code,
                            issued_at=issued(date(2026, 7, 16))).number == 2


def test_an_idle_point_of_sale_is_informed_sin_movimiento(wsfe, standin: ArcaStandin, caea,
                                                          clock) -> None:
    standin.add_point_of_sale(3, "CAEA")

    unused = wsfe.inform_caea_unused(3, caea.code)

    assert unused.point_of_sale == 3
    assert [u.point_of_sale for u in wsfe.consult_caea_unused(caea.code)] == [3]
    with pytest.raises(ArcaRejected) as twice:
        wsfe.inform_caea_unused(3, caea.code)
    assert twice.value.codes == (1202,)
    with pytest.raises(ArcaRejected) as after:
        wsfe.inform_caea(factura_b(1, today(clock), point_of_sale=3), caea=caea.code,
                         issued_at=issued(today(clock)))
    assert after.value.codes == (787,)


def test_sin_movimiento_is_refused_where_comprobantes_were_informed(wsfe, caea, clock) -> None:
    day = today(clock)
    wsfe.inform_caea(caea_sale(1, day), caea=caea.code, issued_at=issued(day))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.inform_caea_unused(2, caea.code)

    assert raised.value.codes == (1201,)
    assert wsfe.consult_caea_unused(caea.code) == ()


def test_sin_movimiento_needs_a_caea_arca_granted(wsfe, caea) -> None:
    with pytest.raises(ArcaRejected) as raised:
        wsfe.inform_caea_unused(2, "71293955911805")

    assert raised.value.codes == (1200,)
