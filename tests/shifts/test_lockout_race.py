"""Wrong PINs typed in parallel (two windows, a script against the CLI) are counted one by
one: the check and the count happen in one write transaction, so the lockout holds."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from pos_desktop.app import Till
from pos_desktop.domain.people import MAX_WRONG_TRIES, UserLocked, WrongPin
from pos_desktop.services.people import People

ATTEMPTS = 30


def test_thirty_wrong_pins_at_once_lock_the_user_and_the_right_pin_is_refused(
        till: Till) -> None:
    people = People(till.uow, till.identity, reads=till.read_uow)
    start = threading.Barrier(ATTEMPTS)

    def attempt(i: int) -> str:
        start.wait(timeout=60)
        try:
            people.authenticate("u-ana", f"{9000 + i}")
        except WrongPin:
            return "wrong"
        except UserLocked:
            return "locked"
        return "accepted"

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        outcomes = list(pool.map(attempt, range(ATTEMPTS)))
    assert "accepted" not in outcomes
    # At most five PINs were ever compared; every other attempt met the lock.
    assert outcomes.count("wrong") <= MAX_WRONG_TRIES - 1
    assert outcomes.count("locked") >= ATTEMPTS - MAX_WRONG_TRIES + 1
    with pytest.raises(UserLocked):
        people.authenticate("u-ana", "1111")  # the right PIN, but locked
    with till.uow() as uow:
        failed = uow.conn.execute(text(
            "SELECT count(*) FROM audit_log WHERE user_id = 'u-ana' "
            "AND action = 'login_failed'")).scalar_one()
    assert failed == MAX_WRONG_TRIES  # the five PINs compared, each counted once
