"""The money rules of a shift, a refund and a PIN, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.denominations import (
    ARS_DENOMINATIONS,
    OTHER,
    InvalidCount,
    count_total,
    normalise,
    parse_counts,
)
from pos_desktop.domain.errors import InvalidQuantity
from pos_desktop.domain.people import (
    MAX_WRONG_TRIES,
    InvalidPin,
    LoginState,
    Person,
    hash_pin,
    idle_expired,
    needs_rehash,
    validate_pin,
    verify_pin,
)
from pos_desktop.domain.permissions import Action, Policy, Role
from pos_desktop.domain.refund import (
    NothingToRefund,
    RefundableLine,
    RefundTooLarge,
    TicketNotFound,
    parse_ticket_code,
    plan_refund,
)
from pos_desktop.domain.shift import (
    DrawerCheck,
    ReasonRequired,
    ShiftFigures,
    TenderTotal,
    expected_cash,
    iva_totals,
    tender_totals,
)
from pos_desktop.domain.tax import IvaRate, iva_contained

# -- over/short -----------------------------------------------------------------------------


def test_expected_cash_is_float_plus_cash_sales_minus_refunds_plus_in_minus_out() -> None:
    assert expected_cash(2_000_000, 1_524_875, 300_000, 50_000, 500_000) == 2_774_875


def test_cash_sales_are_net_of_the_change_given() -> None:
    # Customers handed over $ 10.000 in cash for $ 8.765,43 of goods and got the rest back.
    rows = tender_totals({"cash": 1_000_000, "debit": 250_000}, 123_457, {"cash": 10_000})
    assert rows == (TenderTotal("cash", 876_543, 10_000), TenderTotal("debit", 250_000, 0))
    figures = ShiftFigures("s", "t", Person("u", "U"), 2_000_000, by_tender=rows, cash_in=1,
                           cash_out=2)
    assert figures.expected_cash == 2_000_000 + 876_543 - 10_000 + 1 - 2


def test_tender_kinds_come_in_a_fixed_order_and_empty_ones_are_left_out() -> None:
    rows = tender_totals({"transfer": 5, "credit": 0, "cash": 7}, 0, {"debit": 3})
    assert [r.kind for r in rows] == ["cash", "debit", "transfer"]


@pytest.mark.parametrize(
    ("counted", "expected", "over_short", "needs_reason"),
    [
        (1_000_000, 1_000_000, 0, False),
        (1_050_000, 1_000_000, 50_000, False),  # exactly the tolerance: fine
        (1_050_001, 1_000_000, 50_001, True),
        (949_999, 1_000_000, -50_001, True),
        (950_000, 1_000_000, -50_000, False),
    ],
)
def test_over_short_and_the_tolerance(counted: int, expected: int, over_short: int,
                                      needs_reason: bool) -> None:
    check = DrawerCheck(counted, expected, tolerance=50_000)
    assert check.over_short == over_short
    assert check.needs_reason is needs_reason


def test_a_reason_is_required_only_beyond_the_tolerance() -> None:
    short = DrawerCheck(900_000, 1_000_000, tolerance=50_000)
    with pytest.raises(ReasonRequired):
        short.require_reason("   ", "-$ 1.000,00", "$ 500,00")
    assert short.require_reason("  vuelto mal dado ", "", "") == "vuelto mal dado"
    assert DrawerCheck(1_000_000, 1_000_000).require_reason(None, "", "") is None


@given(st.lists(st.tuples(st.sampled_from(["21", "10.5", "27", "exempt"]),
                          st.integers(0, 10**9)), max_size=60))
def test_z_iva_is_the_sum_of_each_tickets_iva(groups: list[tuple[str, int]]) -> None:
    rows = {r.rate: r for r in iva_totals(groups)}
    for rate in ("21", "10.5", "27", "exempt"):
        mine = [g for r, g in groups if r == rate]
        if not any(mine):
            assert rate not in rows
            continue
        assert rows[rate].gross == sum(mine)
        assert rows[rate].tax == sum(iva_contained(g, IvaRate(rate)) for g in mine)
        assert rows[rate].net + rows[rate].tax == rows[rate].gross


def test_z_iva_rounds_per_ticket_not_on_the_day() -> None:
    # Two tickets of $ 0,05 at 21 %: each contains round_half_up(5*21/121) = 1 centavo,
    # while the day's $ 0,10 would contain round_half_up(10*21/121) = 2. Receipts say 1 + 1.
    assert iva_totals([("21", 5), ("21", 5)])[0].tax == 2
    assert iva_totals([("21", 3), ("21", 3)])[0].tax == 2 * iva_contained(3, IvaRate.GENERAL)


# -- denominations -----------------------------------------------------------------------------


def test_a_drawer_count_adds_up_notes_coins_and_loose_centavos() -> None:
    counts = {"B20000": 2, "B1000": 13, "B100": 3, "M5": 4, "M1": 7, OTHER: 50}
    assert count_total(counts) == 4_000_000 + 1_300_000 + 30_000 + 2_000 + 700 + 50
    assert list(normalise({"M1": 1, "B20000": 0, "B100": 2})) == ["B100", "M1"]


def test_what_a_support_person_types_is_read_as_a_count() -> None:
    assert parse_counts("20000=2, 1.000=3,M5=4;other=25") == {
        "B20000": 2, "B1000": 3, "M5": 4, OTHER: 25}
    with pytest.raises(InvalidCount):
        parse_counts("3000=1")  # there is no $ 3.000 note
    with pytest.raises(InvalidCount):
        count_total({"B1000": -1})


def test_the_denominations_are_argentine_pesos_largest_first() -> None:
    notes = [d.pesos for d in ARS_DENOMINATIONS if d.kind == "note"]
    assert notes[:4] == [20_000, 10_000, 2_000, 1_000]
    assert notes == sorted(notes, reverse=True)


# -- refunds ----------------------------------------------------------------------------------


def line(sold: int = 3000, amount: int = 1000, refunded: int = 0, weighed: bool = False
         ) -> RefundableLine:
    return RefundableLine(1, "A1", "Galletitas", weighed, sold, amount, "21", refunded)


def test_partial_refunds_add_up_to_exactly_what_was_paid() -> None:
    # 3 units for $ 10,00 after a discount: 3,33 + 3,34 + 3,33, never 3 × 3,33 = 9,99.
    first = line().amount_for(1000)
    second = line(refunded=1000).amount_for(1000)
    third = line(refunded=2000).amount_for(1000)
    assert first + second + third == 1000
    assert line().amount_for(3000) == 1000


@given(st.integers(1, 10**6), st.integers(0, 10**9), st.data())
def test_no_sequence_of_refunds_gives_back_more_than_the_line(sold: int, amount: int,
                                                              data: st.DataObject) -> None:
    done, given_back, goes = 0, 0, 0
    while done < sold:
        goes += 1
        q = sold - done if goes == 12 else data.draw(st.integers(1, sold - done))
        given_back += RefundableLine(1, "x", "x", True, sold, amount, "21", done).amount_for(q)
        done += q
    assert given_back == amount


def test_never_more_than_sold_minus_earlier_refunds() -> None:
    with pytest.raises(RefundTooLarge):
        plan_refund([line(refunded=2000)], {1: 2000})
    plan = plan_refund([line(refunded=2000)], {1: 1000})
    assert plan.total == line(refunded=2000).amount_for(1000)
    with pytest.raises(InvalidQuantity):
        plan_refund([line()], {1: 500})  # half a unit of a unit product
    with pytest.raises(NothingToRefund):
        plan_refund([line()], {1: 0})


def test_weighed_lines_refund_by_the_gram() -> None:
    plan = plan_refund([line(sold=1250, amount=536_250, weighed=True)], {1: 250})
    assert plan.total == 107_250
    assert plan.iva[0].gross == 107_250


def test_a_ticket_is_found_by_number_or_by_the_receipt_code() -> None:
    assert parse_ticket_code("1234", "0001") == 1234
    assert parse_ticket_code(" 0001-00001234 ", "0001") == 1234
    with pytest.raises(TicketNotFound):
        parse_ticket_code("0002-00001234", "0001")  # another till's receipt
    with pytest.raises(TicketNotFound):
        parse_ticket_code("abc", "0001")


# -- PINs and roles --------------------------------------------------------------------------


def test_a_pin_is_stored_salted_and_checked() -> None:
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b and "1234" not in a.split("$")  # a fresh salt each time, never the PIN
    # (not `"1234" not in a`: random hex contains "1234" about once in 600 runs)
    assert a.startswith("scrypt$16384$8$1$")
    assert verify_pin("1234", a) and not verify_pin("1235", a)
    assert not verify_pin("1234", "garbage") and not verify_pin("1234", "md5$x$y$z$a$b")
    assert not needs_rehash(a) and needs_rehash(hash_pin("1234", n=2**10))
    assert verify_pin("1234", hash_pin("1234", n=2**10))  # old parameters still check


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234"])
def test_a_pin_is_4_to_8_digits(pin: str) -> None:
    with pytest.raises(InvalidPin):
        validate_pin(pin)


def test_five_wrong_pins_lock_the_user_for_a_while() -> None:
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    state = LoginState()
    for _ in range(MAX_WRONG_TRIES - 1):
        state = state.after_failure(now, 5)
        assert not state.locked_at(now)
    state = state.after_failure(now, 5)
    assert state.locked_at(now + timedelta(minutes=4))
    assert state.minutes_left(now + timedelta(minutes=4, seconds=1)) == 1
    assert not state.locked_at(now + timedelta(minutes=5))


def test_idle_time_locks_unless_switched_off() -> None:
    t0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert idle_expired(t0, t0 + timedelta(minutes=5), 5)
    assert not idle_expired(t0, t0 + timedelta(minutes=4, seconds=59), 5)
    assert not idle_expired(t0, t0 + timedelta(days=1), 0)


def test_roles_and_the_discount_limit() -> None:
    policy = Policy(discount_limit_bp=1000)
    assert policy.required_role("discount", {"percent_bp": 1000}) is Role.CASHIER
    assert policy.required_role("discount", {"percent_bp": 1001}) is Role.SUPERVISOR
    assert policy.required_role(Action.REFUND, {}) is Role.SUPERVISOR
    assert policy.required_role(Action.MANAGE_USERS, {}) is Role.MANAGER
    assert policy.required_role("format_disk", {}) is Role.MANAGER  # unknown: fail closed
    assert Role.MANAGER.at_least(Role.SUPERVISOR) and not Role.CASHIER.at_least(Role.SUPERVISOR)
