"""CAEs from the stand-in through the real client: numbering and each of ARCA's rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pos_arca import (
    AccessTicket,
    AlicuotaIva,
    ArcaAuthError,
    ArcaRejected,
    Comprobante,
    ComprobanteAsociado,
    ManualClock,
    WsfeClient,
)
from pos_arca.standin import ArcaStandin

from .conftest import CUIT
from .helpers import factura_b, factura_c, today


def test_consecutive_comprobantes_get_consecutive_numbers_and_their_own_cae(
        wsfe: WsfeClient, clock: ManualClock) -> None:
    authorized = []
    for _ in range(3):
        number = wsfe.last_authorized(1, 6) + 1
        authorized.append(wsfe.authorize(factura_b(number, today(clock))))

    assert [a.number for a in authorized] == [1, 2, 3]
    assert len({a.cae for a in authorized}) == 3
    assert all(len(a.cae) == 14 and a.cae.isdigit() for a in authorized)
    assert all(a.due_date == today(clock) + timedelta(days=10) for a in authorized)
    assert wsfe.last_authorized(1, 6) == 3


def test_numbering_is_per_point_of_sale_and_type(wsfe: WsfeClient, clock: ManualClock) -> None:
    wsfe.authorize(factura_b(1, today(clock)))

    assert wsfe.last_authorized(1, 6) == 1
    assert wsfe.last_authorized(1, 1) == 0
    assert wsfe.authorize(factura_c(1, today(clock))).number == 1


def test_an_authorized_comprobante_can_be_consulted_with_its_amounts(wsfe, clock) -> None:
    sale = factura_b(1, today(clock), total_centavos=123456789, neto_centavos=102030404,
                     iva_centavos=21426385, doc_tipo=96, doc_nro=30111222,
                     iva=(AlicuotaIva(iva_id=5, base_centavos=102030404,
                                      importe_centavos=21426385),))
    cae = wsfe.authorize(sale)

    found = wsfe.consult(1, 6, 1)

    assert found is not None
    assert (found.authorization_code, found.emission_kind) == (cae.cae, "CAE")
    assert (found.total_centavos, found.neto_centavos, found.iva_centavos) == (
        123456789, 102030404, 21426385)
    assert (found.doc_tipo, found.doc_nro, found.condicion_iva_receptor) == (96, 30111222, 5)
    assert found.date == today(clock)
    assert found.due_date == cae.due_date


def test_a_number_arca_does_not_hold_is_none(wsfe: WsfeClient) -> None:
    assert wsfe.consult(1, 6, 41) is None


def test_an_exact_resend_of_an_authorized_comprobante_gets_the_same_cae(wsfe, clock) -> None:
    sale = factura_b(1, today(clock))
    first = wsfe.authorize(sale)

    assert wsfe.authorize(sale).cae == first.cae
    assert wsfe.last_authorized(1, 6) == 1


def _iva(*rates: tuple[int, int, int]) -> tuple[AlicuotaIva, ...]:
    return tuple(AlicuotaIva(iva_id=i, base_centavos=b, importe_centavos=v) for i, b, v in rates)


Change = Callable[[date], Comprobante]
REJECTIONS: list[tuple[str, Change, int]] = [
    ("a number that is not last + 1", lambda d: factura_b(2, d), 10016),
    ("a total that is not the sum of its parts", lambda d: factura_b(1, d, total_centavos=12101),
     10048),
    ("an IVA amount that is not base x rate", lambda d: factura_b(
        1, d, total_centavos=12102, iva_centavos=2102, iva=_iva((5, 10000, 2102))), 10051),
    ("IVA bases that do not add up to ImpNeto", lambda d: factura_b(
        1, d, total_centavos=12200, neto_centavos=10100, iva=_iva((5, 10000, 2100))), 10061),
    ("IVA amounts that do not add up to ImpIVA", lambda d: factura_b(
        1, d, total_centavos=12000, iva_centavos=2000), 10023),
    ("an unknown IVA id", lambda d: factura_b(1, d, iva=_iva((7, 10000, 2100))), 10019),
    ("a taxed amount without IVA breakdown", lambda d: factura_b(1, d, iva=()), 10070),
    ("IVA on a Factura C", lambda d: factura_c(
        1, d, total_centavos=6050, iva_centavos=1050, iva=_iva((5, 5000, 1050))), 10071),
    ("ImpIVA on a Factura C", lambda d: factura_c(1, d, total_centavos=6050, iva_centavos=1050),
     10047),
    ("no CondicionIVAReceptorId", lambda d: factura_b(1, d, condicion_iva_receptor=None), 10246),
    ("an unknown CondicionIVAReceptorId", lambda d: factura_b(1, d, condicion_iva_receptor=99),
     10242),
    ("a Responsable Inscripto buyer on a Factura B",
     lambda d: factura_b(1, d, condicion_iva_receptor=1), 10243),
    ("a consumer on a Factura A", lambda d: factura_b(
        1, d, cbte_tipo=1, doc_tipo=80, doc_nro=30500010912, condicion_iva_receptor=5), 10243),
    ("a Factura A without the buyer's CUIT", lambda d: factura_b(
        1, d, cbte_tipo=1, condicion_iva_receptor=1), 10013),
    ("an anonymous buyer above the RG 5700 threshold", lambda d: factura_b(
        1, d, total_centavos=1_210_000_000, neto_centavos=1_000_000_000,
        iva_centavos=210_000_000, iva=_iva((5, 1_000_000_000, 210_000_000))), 10069),
    ("a date six days ahead", lambda d: factura_b(1, d + timedelta(days=6)), 10015),
    ("a date six days back", lambda d: factura_b(1, d - timedelta(days=6)), 10015),
    ("a credit note without the comprobante it refunds", lambda d: factura_b(1, d, cbte_tipo=8),
     10040),
    ("a CAEA point of sale", lambda d: factura_b(1, d, point_of_sale=2), 11002),
    ("an unregistered point of sale", lambda d: factura_b(1, d, point_of_sale=9), 11002),
]


@pytest.mark.parametrize(("case", "change", "code"), REJECTIONS,
                         ids=[case for case, _, _ in REJECTIONS])
def test_each_rule_rejects_with_arca_code_and_leaves_the_number_free(
        wsfe: WsfeClient, clock: ManualClock, case: str, change: Change, code: int) -> None:
    wrong = change(today(clock))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.authorize(wrong)

    assert code in raised.value.codes, raised.value
    assert str(code) in str(raised.value)
    assert wsfe.last_authorized(1, wrong.cbte_tipo) == 0
    assert wsfe.authorize(factura_b(1, today(clock))).number == 1  # number 1 is still free


def test_a_date_before_the_last_authorized_one_is_refused(wsfe, clock) -> None:
    wsfe.authorize(factura_b(1, today(clock)))

    with pytest.raises(ArcaRejected) as raised:
        wsfe.authorize(factura_b(2, today(clock) - timedelta(days=1)))

    assert raised.value.codes == (10016,)
    assert wsfe.last_authorized(1, 6) == 1


@pytest.mark.parametrize("days", [-5, 5])
def test_dates_within_five_days_are_accepted_for_products(wsfe, clock, days: int) -> None:
    assert wsfe.authorize(factura_b(1, today(clock) + timedelta(days=days))).number == 1


def test_an_identified_buyer_above_the_threshold_is_accepted(wsfe, clock) -> None:
    big = factura_b(1, today(clock), total_centavos=1_210_000_000, neto_centavos=1_000_000_000,
                    iva_centavos=210_000_000, doc_tipo=96, doc_nro=30111222,
                    iva=_iva((5, 1_000_000_000, 210_000_000)))

    assert wsfe.authorize(big).number == 1


def test_a_credit_note_naming_its_factura_is_accepted(wsfe, clock) -> None:
    wsfe.authorize(factura_b(1, today(clock)))
    refund = factura_b(1, today(clock), cbte_tipo=8, asociados=(ComprobanteAsociado(
        cbte_tipo=6, point_of_sale=1, number=1, cuit=CUIT, date=today(clock)),))

    assert wsfe.authorize(refund).number == 1


def test_iva_to_the_centavo_accepts_either_rounding_of_the_half_centavo(wsfe, clock) -> None:
    # 10,5 % of $ 0,05 is 0,525 centavos: both 0,52 and 0,53 are "to the centavo".
    for number, importe in ((1, 52), (2, 53)):
        sale = factura_b(number, today(clock), total_centavos=500 + importe,
                         neto_centavos=500, iva_centavos=importe,
                         iva=_iva((4, 500, importe)))
        assert wsfe.authorize(sale).number == number


def test_every_iva_rate_arca_knows(wsfe, clock) -> None:
    rates = _iva((3, 1000, 0), (4, 1000, 105), (5, 1000, 210), (6, 1000, 270), (8, 1000, 50),
                 (9, 1000, 25))
    sale = factura_b(1, today(clock), neto_centavos=6000, iva_centavos=660,
                     total_centavos=6660 + 700 + 300, exento_centavos=700,
                     no_gravado_centavos=300, iva=rates)

    assert wsfe.authorize(sale).number == 1


def test_the_points_of_sale_and_their_emission_type(wsfe: WsfeClient) -> None:
    listed = {p.number: p for p in wsfe.points_of_sale()}

    assert listed[1].emission_type.startswith("CAE ") and not listed[1].is_caea
    assert listed[2].is_caea
    assert not listed[1].blocked


def test_a_cuit_the_ticket_was_not_issued_to_is_refused(wsaa, standin: ArcaStandin) -> None:
    other = WsfeClient(cuit=30500010912, credentials=wsaa, url=standin.wsfe_url)

    with pytest.raises(ArcaAuthError) as raised:
        other.last_authorized(1, 6)

    assert raised.value.code == 601


def test_an_expired_ticket_is_refused(wsaa, standin: ArcaStandin, clock: ManualClock) -> None:
    class Stale:
        ticket_held: AccessTicket = wsaa.ticket()

        def ticket(self) -> AccessTicket:
            return self.ticket_held

    clock.advance(timedelta(hours=12, seconds=1))
    stale = WsfeClient(cuit=CUIT, credentials=Stale(), url=standin.wsfe_url)

    with pytest.raises(ArcaAuthError) as raised:
        stale.last_authorized(1, 6)

    assert raised.value.code == 600


def test_the_server_status(wsfe: WsfeClient) -> None:
    assert wsfe.dummy().ok


def test_the_identification_threshold_is_a_setting(ca, taxpayer, clock, tmp_path) -> None:
    from pos_arca.standin import StandinConfig

    from .conftest import make_wsaa

    config = StandinConfig(identification_threshold=Decimal("100.00"))
    with ArcaStandin(ca_certificate=ca.certificate, clock=clock, config=config) as strict:
        wsfe = WsfeClient(cuit=CUIT, credentials=make_wsaa(taxpayer, strict, clock, tmp_path),
                          url=strict.wsfe_url)
        with pytest.raises(ArcaRejected) as raised:
            wsfe.authorize(factura_b(1, today(clock)))  # $ 121,00 to an anonymous buyer

    assert raised.value.codes == (10069,)
    assert "$ 100.00" in str(raised.value)
