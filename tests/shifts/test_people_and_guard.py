"""Permissions hold when services are called directly, not only through the window."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.domain.audit import LOGIN_FAILED, USER_LOCKED
from pos_desktop.domain.people import UnknownUser, UserLocked, WrongPin
from pos_desktop.domain.permissions import ApprovalRequired, NotAllowed, NotLoggedIn, Role
from pos_desktop.domain.sale import TenderKind
from pos_desktop.domain.shift import NoOpenShift
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People, Session, SessionLocked
from pos_desktop.store.db import DB_FILENAME
from tests.shifts.conftest import HARINA, LECHE, YERBA, audit, count, login_supervisor, sell

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_the_demo_starts_with_a_shift_open_and_ana_logged_in(till: Till) -> None:
    assert till.session.current().name == "Ana"
    assert till.register.cashier is not None and till.register.cashier.name == "Ana"
    shift = till.shifts.current()
    assert shift is not None and shift["float"] == 2_000_000
    done = sell(till, YERBA)
    assert done.payload["cashier"] == {"user_id": "u-ana", "name": "Ana"}
    assert done.payload["shift_id"] == shift["shift_id"]


def test_login_and_user_switch_by_pin(till: Till) -> None:
    till.session.logout()
    with pytest.raises(NotLoggedIn):
        till.register.scan(YERBA) and till.register.complete()
    assert till.session.login("u-sergio", "2222").role is Role.SUPERVISOR
    assert till.register.cashier is not None and till.register.cashier.name == "Sergio"
    with pytest.raises(WrongPin):
        till.session.login("u-ana", "0000")
    assert till.session.current().name == "Sergio"  # a wrong PIN does not log anyone out
    till.session.login("u-ana", "1111")
    assert sell(till, YERBA).payload["cashier"]["name"] == "Ana"
    with pytest.raises(UnknownUser):
        till.session.login("u-nobody", "1111")


def test_nothing_is_sold_while_nobody_is_logged_in(till: Till) -> None:
    till.register.scan(YERBA)
    till.register.tender(TenderKind.CASH)
    till.session.logout()
    with pytest.raises(NotLoggedIn):
        till.register.complete()
    assert count(till, "sales") == 0
    till.session.login("u-ana", "1111")
    assert till.register.complete().ticket_number == 1  # the sale waited on screen


def test_five_wrong_pins_lock_even_the_right_pin_out_until_the_time_passes(till: Till) -> None:
    clock = Clock()
    people = People(till.uow, till.identity, clock=clock)
    session = Session(people, clock=clock)
    for left in (4, 3, 2, 1):
        tries = "try" if left == 1 else "tries"  # "1 try left", "2 tries left"
        with pytest.raises(WrongPin, match=f"{left} {tries} left"):
            session.login("u-ana", "9999")
    with pytest.raises(UserLocked):
        session.login("u-ana", "9998")
    with pytest.raises(UserLocked):
        session.login("u-ana", "1111")  # the right PIN, but locked
    clock.now += timedelta(minutes=5)
    assert session.login("u-ana", "1111").name == "Ana"
    actions = [row["action"] for row in audit(till) if row["user_id"] == "u-ana"]
    assert actions.count(LOGIN_FAILED) == 5 and actions.count(USER_LOCKED) == 1


def test_the_till_locks_itself_after_the_managers_idle_time(till: Till) -> None:
    clock = Clock()
    people = People(till.uow, till.identity, clock=clock)
    session = Session(people, clock=clock)
    till.session.login("u-marta", "9999")
    till.staff.set_security(idle_lock_minutes=3)
    session.login("u-ana", "1111")
    clock.now += timedelta(minutes=2, seconds=59)
    assert not session.check_idle()
    clock.now += timedelta(seconds=1)
    assert session.check_idle()
    with pytest.raises(SessionLocked):
        session.cashier()
    with pytest.raises(WrongPin):
        session.unlock("2222")  # another user's PIN does not unlock Ana's session
    session.unlock("1111")
    assert session.cashier().name == "Ana"


def test_cash_out_needs_a_supervisor_even_called_directly(till: Till) -> None:
    with pytest.raises(ApprovalRequired) as needed:
        till.shifts.cash_out(100_000, "Pago a proveedor")
    assert needed.value.required is Role.SUPERVISOR
    assert count(till, "cash_moves") == 0
    login_supervisor(till, needed.value.action)
    till.shifts.cash_out(100_000, "Pago a proveedor")
    assert count(till, "cash_moves") == 1
    row = [r for r in audit(till) if r["action"] == "cash_out"][-1]
    assert (row["user_id"], row["approver_id"]) == ("u-ana", "u-sergio")
    assert json.loads(str(row["details"]))["amount"] == 100_000


def test_an_approval_is_good_for_one_action_only(till: Till) -> None:
    login_supervisor(till, "cash_out")
    till.shifts.cash_out(1_000, "uno")
    with pytest.raises(ApprovalRequired):
        till.shifts.cash_out(1_000, "dos")


def test_a_cashiers_pin_cannot_approve_and_a_wrong_pin_counts_as_a_try(till: Till) -> None:
    with pytest.raises(NotAllowed):
        till.guard.approve("refund", "u-ana", "1111")
    with pytest.raises(WrongPin):
        till.guard.approve("refund", "u-sergio", "0000")
    assert till.guard.pending("refund") is None


def test_an_approval_is_for_the_cashier_who_asked_and_expires(till: Till) -> None:
    clock = Clock()
    people = People(till.uow, till.identity, clock=clock)
    session = Session(people, clock=clock)
    guard = TillGuard(session, people, till.uow, till.identity)
    session.login("u-ana", "1111")
    guard.approve("open_drawer", "u-sergio", "2222")
    clock.now += timedelta(minutes=3)
    with pytest.raises(ApprovalRequired):
        guard.check("open_drawer")
    guard.approve("open_drawer", "u-sergio", "2222")
    session.login("u-marta", "9999")
    session.login("u-ana", "1111")  # still Ana, but the approval was for her — it stays
    guard.check("open_drawer")


def test_register_actions_are_checked_and_audited(till: Till) -> None:
    reg = till.register
    reg.scan(YERBA)
    reg.scan(HARINA)
    with pytest.raises(ApprovalRequired):
        reg.discount_line(1, "20%")  # above the 15 % a cashier may give
    assert reg.sale.line(1).line_discount == 0
    reg.discount_line(1, "10%")
    with pytest.raises(ApprovalRequired):
        reg.override_price(2, "1000")
    login_supervisor(till, "price_override")
    reg.override_price(2, "1000")
    with pytest.raises(ApprovalRequired):  # a void needs a supervisor (README)
        reg.void_line(2)
    line = reg.scan(f"2*{LECHE}")
    with pytest.raises(ApprovalRequired):  # and so do fewer units: a void of those units
        reg.set_quantity(line.line_no, "1")
    assert reg.sale.line(line.line_no).quantity_milli == 2000
    reg.set_quantity(line.line_no, "3")  # more units: no approval
    login_supervisor(till, "void_line")
    reg.void_line(2)
    with pytest.raises(ApprovalRequired):
        reg.cancel()
    login_supervisor(till, "cancel_sale")
    reg.cancel()
    rows = [(r["action"], r["approver_id"]) for r in audit(till)
            if r["action"] in ("discount", "price_override", "void_line", "cancel_sale")]
    assert rows == [("discount", None), ("price_override", "u-sergio"),
                    ("void_line", "u-sergio"), ("cancel_sale", "u-sergio")]


def test_every_guarded_action_is_documented_as_it_is_enforced() -> None:
    """README's table of approvals is the policy in force, word for word."""
    from pos_desktop.domain.permissions import DEFAULT_REQUIRED, Action

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Who approves what", 1)[1].split("\n\n", 2)[1]
    documented = {}
    for row in table.splitlines()[2:]:
        cells = [c.strip(" `") for c in row.strip("|").split("|")]
        documented[cells[0]] = cells[1]
    assert documented == {a.value: DEFAULT_REQUIRED[a].value for a in Action}


def test_an_approval_is_bound_to_what_was_refused(till: Till) -> None:
    reg = till.register
    reg.scan(YERBA)
    reg.scan(HARINA)
    with pytest.raises(ApprovalRequired) as needed:
        reg.discount_line(1, "20%")
    asked = {"sale_id": reg.sale.sale_id, "line_no": 1, "percent_bp": 2000}
    assert needed.value.details == asked
    till.guard.approve("discount", "u-sergio", "2222", needed.value.details)
    for line_no, percent in ((2, "100%"), (2, "20%"), (1, "100%")):
        with pytest.raises(ApprovalRequired):  # not what the supervisor saw and approved
            reg.discount_line(line_no, percent)
    assert [line.line_discount for line in reg.sale.lines] == [0, 0]
    reg.discount_line(1, "20%")  # exactly what was approved, once
    assert reg.sale.line(1).line_discount == 105_800
    assert till.guard.pending("discount") is None
    rows = [r for r in audit(till) if r["action"] == "discount"]
    assert (rows[-1]["approver_id"], json.loads(str(rows[-1]["details"]))) == ("u-sergio", asked)


def test_an_approval_for_one_sale_does_not_carry_over_to_the_next(till: Till) -> None:
    reg = till.register
    reg.scan(YERBA)
    with pytest.raises(ApprovalRequired) as needed:
        reg.discount_line(1, "20%")
    till.guard.approve("discount", "u-sergio", "2222", needed.value.details)
    reg.tender(TenderKind.CASH)
    reg.complete()  # sold without the discount after all
    reg.scan(YERBA)
    with pytest.raises(ApprovalRequired):
        reg.discount_line(1, "20%")  # line 1 again, 20 % again, but another sale


def test_managing_users_needs_a_manager(till: Till) -> None:
    with pytest.raises(ApprovalRequired):
        till.staff.add_user("Pedro", Role.CASHIER, "4321")
    till.session.login("u-marta", "9999")
    pedro = till.staff.add_user("Pedro", Role.CASHIER, "4321")
    assert pedro.user_id == "u-pedro"
    till.session.login("u-pedro", "4321")
    with pytest.raises(ApprovalRequired):
        till.staff.deactivate("u-ana")


def test_pins_are_stored_only_as_salted_hashes(till: Till) -> None:
    with till.uow() as uow:
        stored = dict(uow.conn.execute(text("SELECT user_id, pin_hash FROM users")).all())
        dump = "\n".join(uow.conn.connection.iterdump())  # type: ignore[attr-defined]
    assert set(stored) >= {"u-ana", "u-sergio", "u-marta"}
    assert all(h.startswith("scrypt$") for h in stored.values())
    for pin in ("1111", "2222", "9999"):
        assert f"'{pin}'" not in dump


def test_no_sale_without_an_open_shift(till: Till) -> None:
    """Said at the first scan (the window offers to open the shift), not at the payment."""
    till.session.login("u-sergio", "2222")
    till.shifts.close_shift({"B20000": 1})
    till.session.login("u-ana", "1111")
    with pytest.raises(NoOpenShift):
        till.register.scan(YERBA)
    assert till.register.sale.lines == []
    till.shifts.open_shift(1_000_000)
    till.register.scan(YERBA)
    till.register.tender(TenderKind.CASH)
    assert till.register.complete().payload["shift_id"] == till.shifts.current_id()


def test_a_sale_begun_before_the_shift_closed_still_cannot_complete(till: Till) -> None:
    till.register.scan(YERBA)
    till.register.tender(TenderKind.CASH)
    with till.writer.begin() as conn:  # closed elsewhere (the Z refuses a sale on screen)
        conn.execute(text("UPDATE shifts SET status='closed'"))
    before = count(till, "journal")
    with pytest.raises(NoOpenShift):
        till.register.complete()
    assert count(till, "sales") == 0 and count(till, "journal") == before


def test_the_first_run_wizards_manager_can_log_in(tmp_path: object) -> None:
    from pathlib import Path

    from pos_desktop.services.setup import create_first_manager

    data = Path(str(tmp_path)) / "fresh"
    till = Till.open(data)
    try:
        with till.uow() as uow:
            create_first_manager(uow, "María José", "2468")
            uow.commit()
    finally:
        till.close()
    till = Till.open(data)
    try:
        user = till.session.login("u-maria-jose", "2468")
        assert user.role is Role.MANAGER and user.name == "María José"
    finally:
        till.close()


def test_pure_reads_do_not_wait_for_the_write_lock(till: Till, data_dir: Path) -> None:
    """The guard's policy, the open shift and the tolerance are asked all the time (every
    discount, every sale); while the publisher or an import holds the write lock they
    must still answer at once (from the read connection), not wait and fail."""
    holder = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert till.shifts.current_id() is not None
        assert till.guard.policy.discount_limit_bp > 0
        assert till.shifts.tolerance() >= 0
        assert till.shifts.current() is not None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
