"""The comprobante value: numbering, authorization (CAE or CAEA), Argentine date, credit
notes carrying the original, and the RG 4892 QR."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.fiscal.amounts import TaxedAmount, arca_amounts, sale_lines
from pos_desktop.domain.fiscal.authorization import Authorization, AuthorizationKind
from pos_desktop.domain.fiscal.buyer import ANONYMOUS, identify_buyer
from pos_desktop.domain.fiscal.comprobante import (
    AssociatedComprobante,
    Comprobante,
    issue_credit_note,
    issue_invoice,
)
from pos_desktop.domain.fiscal.dates import (
    arca_date,
    arca_timestamp,
    argentine_date,
    parse_arca_date,
)
from pos_desktop.domain.fiscal.errors import (
    BuyerDoesNotFit,
    FiscalError,
    IdentificationRequired,
    InvalidAuthorization,
    InvalidNumbering,
)
from pos_desktop.domain.fiscal.kinds import ComprobanteClass, ComprobanteType
from pos_desktop.domain.fiscal.numbering import (
    ComprobanteNumber,
    PointOfSale,
    parse_printed_number,
    printed_number,
)
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition, Seller, SellerCondition
from pos_desktop.domain.fiscal.qr import QR_URL, qr_json, qr_url, read_qr_url
from pos_desktop.domain.product import Product
from pos_desktop.domain.sale import Sale, Tender, TenderKind
from pos_desktop.domain.tax import IvaRate

ROOT = Path(__file__).resolve().parents[2]
RI = Seller("20-26756539-3", SellerCondition.RESPONSABLE_INSCRIPTO)
MONO = Seller("27-12345678-0", SellerCondition.MONOTRIBUTO)
POS = PointOfSale(1)
CAE = Authorization.cae("71263951827464", date(2025, 7, 11))
AT = datetime(2025, 7, 1, 17, 21, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires"))
COMPANY = identify_buyer(DocumentType.CUIT, "30-71234567-1", name="ACME SA",
                         condition=IvaCondition.RESPONSABLE_INSCRIPTO)


def lines(total: int = 12_100) -> list[TaxedAmount]:
    return [TaxedAmount(IvaRate.GENERAL, total)]


def factura(**kw: object) -> Comprobante:
    args: dict[str, object] = {"seller": RI, "point_of_sale": POS,
                               "number": ComprobanteNumber(1234), "issued_at": AT,
                               "lines": lines()}
    args.update(kw)
    return issue_invoice(**args)  # type: ignore[arg-type]


# -- numbering -----------------------------------------------------------------------------

def test_printed_as_point_of_sale_dash_number() -> None:
    assert printed_number(PointOfSale(1), ComprobanteNumber(1234)) == "00001-00001234"
    assert str(PointOfSale(99_998)) == "99998"
    assert parse_printed_number("00001-00001234") == (PointOfSale(1), ComprobanteNumber(1234))
    assert parse_printed_number("4000 - 1836") == (PointOfSale(4000), ComprobanteNumber(1836))


@pytest.mark.parametrize("bad", [0, 99_999, -1])
def test_point_of_sale_range(bad: int) -> None:
    with pytest.raises(InvalidNumbering):
        PointOfSale(bad)


def test_number_range_and_next_number() -> None:
    for bad in (0, 100_000_000):
        with pytest.raises(InvalidNumbering):
            ComprobanteNumber(bad)
    assert ComprobanteNumber.after(0) == ComprobanteNumber(1)
    assert ComprobanteNumber.after(1835) == ComprobanteNumber(1836)
    with pytest.raises(InvalidNumbering):
        ComprobanteNumber.after(99_999_999)
    assert PointOfSale.parse("00004") == PointOfSale(4)
    with pytest.raises(InvalidNumbering):
        PointOfSale.parse("123456")
    with pytest.raises(InvalidNumbering):
        parse_printed_number("0001/1234")


# -- authorization -------------------------------------------------------------------------

def test_cae_and_caea_are_the_same_shape() -> None:
    caea = Authorization.caea("21264514384218", date(2025, 7, 15))
    assert (CAE.kind, CAE.kind.qr_code) == (AuthorizationKind.CAE, "E")
    assert (caea.kind, caea.kind.qr_code) == (AuthorizationKind.CAEA, "A")
    for bad in ("7126395182746", "712639518274640", "7126395182746X", "٧١٢٦٣٩٥١٨٢٧٤٦٤"):
        with pytest.raises(InvalidAuthorization):
            Authorization.cae(bad, date(2025, 7, 11))


def test_a_comprobante_is_pending_until_authorized_once() -> None:
    pending = factura()
    assert pending.is_pending and pending.authorization is None
    done = pending.authorized(CAE)
    assert not done.is_pending and done.authorization == CAE
    with pytest.raises(FiscalError):
        done.authorized(CAE)
    with pytest.raises(FiscalError):
        done.renumbered(ComprobanteNumber(1235))
    assert pending.renumbered(ComprobanteNumber(1235)).printed_number == "00001-00001235"


def test_a_caea_comprobante_is_born_authorized() -> None:
    caea = Authorization.caea("21264514384218", date(2025, 7, 15))
    comprobante = factura(point_of_sale=PointOfSale(5), authorization=caea)
    assert not comprobante.is_pending
    assert read_qr_url(qr_url(comprobante))["tipoCodAut"] == "A"


# -- the type and its consistency ----------------------------------------------------------

def test_types_from_seller_and_buyer() -> None:
    assert factura().kind is ComprobanteType.FACTURA_B
    assert factura(buyer=COMPANY).kind is ComprobanteType.FACTURA_A
    assert factura(seller=MONO).kind is ComprobanteType.FACTURA_C
    assert factura(seller=MONO, buyer=COMPANY).kind is ComprobanteType.FACTURA_C
    assert factura(seller=MONO).amounts.alic_iva == ()


def test_a_comprobante_that_arca_would_reject_cannot_be_made() -> None:
    good = factura()
    with pytest.raises(BuyerDoesNotFit):
        Comprobante(ComprobanteType.FACTURA_B, POS, good.number, AT, RI, COMPANY, good.amounts)
    with pytest.raises(FiscalError):
        Comprobante(ComprobanteType.FACTURA_C, POS, good.number, AT, RI, ANONYMOUS,
                    arca_amounts(lines(), ComprobanteClass.C))
    with pytest.raises(FiscalError):  # B amounts on a type C
        Comprobante(ComprobanteType.FACTURA_C, POS, good.number, AT, MONO, ANONYMOUS,
                    good.amounts)
    with pytest.raises(FiscalError):
        factura(lines=[TaxedAmount(IvaRate.GENERAL, 0)])
    with pytest.raises(ValueError, match="time zone"):
        factura(issued_at=datetime(2025, 7, 1, 12, 0))


def test_rg5700_applies_when_issuing() -> None:
    with pytest.raises(IdentificationRequired):
        factura(lines=lines(1_000_000_000))
    dni = identify_buyer(DocumentType.DNI, "12345678", name="Ana")
    assert factura(lines=lines(1_000_000_000), buyer=dni).total == 1_000_000_000
    assert factura(lines=lines(1_000_000_000), identification_threshold=2_000_000_000).is_pending


# -- credit notes --------------------------------------------------------------------------

def test_a_credit_note_carries_the_original_as_cbtes_asoc() -> None:
    original = factura(buyer=COMPANY).authorized(CAE)
    note = issue_credit_note(original=original.as_associated(), seller=RI, point_of_sale=POS,
                             number=ComprobanteNumber(7), issued_at=AT + timedelta(days=3),
                             lines=lines(6_050), buyer=COMPANY)
    assert note.kind is ComprobanteType.NOTA_DE_CREDITO_A
    assert note.associated == AssociatedComprobante(
        ComprobanteType.FACTURA_A, POS, ComprobanteNumber(1234), "20267565393", date(2025, 7, 1))
    assert note.amounts.total == 6_050


def test_credit_note_types_follow_the_original_class() -> None:
    for seller, buyer, expected in ((RI, ANONYMOUS, 8), (RI, COMPANY, 3), (MONO, ANONYMOUS, 13)):
        original = factura(seller=seller, buyer=buyer).as_associated()
        note = issue_credit_note(original=original, seller=seller, point_of_sale=POS,
                                 number=ComprobanteNumber(1), issued_at=AT, lines=lines(),
                                 buyer=buyer)
        assert int(note.kind) == expected


def test_credit_note_rules() -> None:
    b = factura().as_associated()
    with pytest.raises(FiscalError):  # dated before its invoice
        issue_credit_note(original=b, seller=RI, point_of_sale=POS, number=ComprobanteNumber(1),
                          issued_at=AT - timedelta(days=1), lines=lines())
    with pytest.raises(BuyerDoesNotFit):  # a B refunded to a buyer class B does not take
        issue_credit_note(original=b, seller=RI, point_of_sale=POS, number=ComprobanteNumber(1),
                          issued_at=AT, lines=lines(), buyer=COMPANY)
    good = factura()
    with pytest.raises(FiscalError):  # a note without its original
        Comprobante(ComprobanteType.NOTA_DE_CREDITO_B, POS, good.number, AT, RI, ANONYMOUS,
                    good.amounts)
    with pytest.raises(FiscalError):  # an invoice with an original
        Comprobante(ComprobanteType.FACTURA_B, POS, good.number, AT, RI, ANONYMOUS,
                    good.amounts, associated=b)
    a = factura(buyer=COMPANY).as_associated()
    with pytest.raises(FiscalError):  # the original of another class
        Comprobante(ComprobanteType.NOTA_DE_CREDITO_B, POS, good.number, AT, RI, ANONYMOUS,
                    good.amounts, associated=a)


# -- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 7, 2, 2, 59, 59, tzinfo=UTC), date(2025, 7, 1)),
        (datetime(2025, 7, 2, 3, 0, 0, tzinfo=UTC), date(2025, 7, 2)),
        (datetime(2025, 7, 2, 11, 59, tzinfo=ZoneInfo("Asia/Tokyo")), date(2025, 7, 1)),
        (datetime(2025, 7, 2, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")), date(2025, 7, 2)),
        (datetime(2025, 7, 1, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")), date(2025, 7, 2)),
        (datetime(2025, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Madrid")), date(2024, 12, 31)),
        (datetime(2025, 3, 1, 0, 0, tzinfo=timezone(timedelta(hours=-3))), date(2025, 3, 1)),
    ],
)
def test_the_date_is_argentinas_around_midnight(moment: datetime, expected: date) -> None:
    assert argentine_date(moment) == expected
    assert factura(issued_at=moment).issued_on == expected


MACHINE_CLOCK = """
from datetime import datetime, timezone
from pos_desktop.domain.fiscal.dates import arca_timestamp, argentine_date
instant = datetime(2025, 7, 1, 2, 30, tzinfo=timezone.utc).timestamp()
local = datetime.fromtimestamp(instant).astimezone()  # what datetime.now() gives there
print(local.utcoffset(), argentine_date(local).isoformat(), arca_timestamp(local))
"""


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("UTC", "0:00:00"), ("Asia/Tokyo", "9:00:00"), ("America/Los_Angeles", "-1 day, 17:00:00"),
     ("Europe/Madrid", "2:00:00")],
)
def test_the_machines_time_zone_does_not_move_the_date(zone: str, offset: str) -> None:
    # 23:30 in Buenos Aires on 30 June, on a machine set to another zone. A child process:
    # changing TZ inside the test process would race with other threads reading it.
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", MACHINE_CLOCK], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[:-2] == offset.split()  # the machine really was in that zone
    assert out[-2:] == ["2025-06-30", "20250630233000"]


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2037, 12, 31),
                    timezones=st.sampled_from([UTC, ZoneInfo("Asia/Kolkata"),
                                               ZoneInfo("Pacific/Kiritimati"),
                                               ZoneInfo("America/Argentina/Buenos_Aires")])))
def test_the_argentine_date_is_utc_minus_three(moment: datetime) -> None:
    assert argentine_date(moment) == (moment.astimezone(UTC) - timedelta(hours=3)).date()


def test_arca_date_formats() -> None:
    assert arca_date(date(2025, 7, 1)) == "20250701"
    assert parse_arca_date("20250711") == date(2025, 7, 11)
    assert arca_timestamp(datetime(2025, 7, 2, 2, 59, 59, tzinfo=UTC)) == "20250701235959"
    with pytest.raises(ValueError):
        parse_arca_date("2025-07-11")


# -- QR ------------------------------------------------------------------------------------

def test_qr_json_has_arcas_fields_and_types() -> None:
    comprobante = factura(buyer=COMPANY, lines=[TaxedAmount(IvaRate.GENERAL, 148_863)])
    text = qr_json(comprobante.authorized(CAE))
    assert text == (
        '{"ver":1,"fecha":"2025-07-01","cuit":20267565393,"ptoVta":1,"tipoCmp":1,'
        '"nroCmp":1234,"importe":1488.63,"moneda":"PES","ctz":1,"tipoDocRec":80,'
        '"nroDocRec":30712345671,"tipoCodAut":"E","codAut":71263951827464}')


def test_qr_url_decodes_back_to_the_same_json() -> None:
    comprobante = factura().authorized(CAE)
    url = qr_url(comprobante)
    assert url.startswith("https://www.afip.gob.ar/fe/qr/?p=")
    raw = base64.b64decode(url[len(QR_URL):]).decode("ascii")
    assert raw == qr_json(comprobante)
    assert json.loads(raw, parse_float=Decimal) == {
        "ver": 1, "fecha": "2025-07-01", "cuit": 20267565393, "ptoVta": 1, "tipoCmp": 6,
        "nroCmp": 1234, "importe": Decimal("121.00"), "moneda": "PES", "ctz": 1,
        "tipoDocRec": 99, "nroDocRec": 0, "tipoCodAut": "E", "codAut": 71263951827464,
    }


def test_a_pending_comprobante_has_no_qr() -> None:
    with pytest.raises(FiscalError):
        qr_url(factura())


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99_999_999_999_99), st.integers(1, 99_998), st.integers(1, 99_999_999))
def test_qr_importe_is_the_total_to_the_centavo(total: int, pos: int, number: int) -> None:
    comprobante = factura(lines=lines(total), point_of_sale=PointOfSale(pos),
                          number=ComprobanteNumber(number), identification_threshold=10**15)
    data = read_qr_url(qr_url(comprobante.authorized(CAE)))
    assert data["importe"] * 100 == total
    assert (data["ptoVta"], data["nroCmp"]) == (pos, number)


def test_a_real_sale_to_qr() -> None:
    sale = Sale(cash_unit=100)
    sale.add(Product("P", "Pan", 429_000, IvaRate.REDUCED, sold_by_weight=True), 347)
    sale.add_tender(Tender(TenderKind.CASH, 150_000))
    sale.complete()
    comprobante = factura(lines=sale_lines(sale)).authorized(CAE)
    assert read_qr_url(qr_url(comprobante))["importe"] == Decimal("1488.00")
