"""The comprobante's rows are written with prebuilt plain statements (issue 11's budgets):
a SQLAlchemy ``insert``/``update`` built per comprobante cost more than writing the row,
both in the sale's commit (mode ARCA) and in each of the worker's two transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from pos_arca import ManualClock
from pos_desktop.app import Till
from pos_desktop.store.fiscal_repo import _update
from tests.fiscal.till_helpers import rows, sell, worker_for


@contextmanager
def core_statements(till: Till) -> Iterator[list[str]]:
    """The statements SQLAlchemy compiles and runs on the till's writer meanwhile."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = till.db.writer
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_sale_and_its_authorization_build_no_statement_for_the_comprobante(
        till: Till, clock: ManualClock) -> None:
    worker = worker_for(till, clock)
    worker.run_once()  # log in and reconcile first: those reads may stay Core
    with core_statements(till) as seen:
        sell(till)
        assert worker.run_once().authorized == 1
    touching = [s for s in seen if "fiscal_documents" in s and not s.lstrip().startswith(
        "SELECT fiscal_documents.document_id")]  # the pass's one read of what is open
    assert touching == []
    doc = rows(till, "SELECT state, number, attempts, attempt_number, block FROM "
                     "fiscal_documents")[0]
    assert (doc["state"], doc["number"], doc["attempts"], doc["attempt_number"]) == (
        "authorized", 1, 1, None)
    assert '"number": 1' in doc["block"]


def test_a_column_the_table_lacks_fails_before_any_sql() -> None:
    with pytest.raises(KeyError, match="no column stat"):
        _update(("stat",))
