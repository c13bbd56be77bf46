"""The fiscal documents table: each sale's and refund's comprobante and what ARCA said.

A document is written in its sale's (or refund's) transaction, ``pending``; the fiscal
worker then records its attempts (number asked for, before the request leaves), and its
end: ``authorized`` (number, date, code, due date: the ``FiscalAuthorized`` fact) or
``rejected`` (ARCA's messages; the number stays free). ``in_doubt``: a request left and
its answer did not come; the worker resolves it first when ARCA answers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import aliased

from pos_desktop.store.statements import driver, insert_sql, one
from pos_desktop.store.tables import fiscal_documents as fd
from pos_desktop.store.tables import refunds, sales

OPEN_STATES = ("pending", "in_doubt")

# The sale's commit and every comprobante the worker records run these (see
# ``statements.py``): built once, checked against the table, on the sqlite3 connection.
# A SQLAlchemy ``insert``/``update`` built per row cost more than the row's own writing.
_NEXT_SEQ = f"SELECT coalesce(max(seq), 0) + 1 FROM {fd.name}"
_COUNT_ATTEMPT = (f"UPDATE {fd.name} SET attempt_number = :number, attempt_at = :at, "
                  "attempts = attempts + 1, updated_at = :now WHERE document_id = :id")
_PAYLOAD = {True: f"SELECT payload FROM {sales.name} WHERE {sales.c.sale_id.name} = ?",
            False: f"SELECT payload FROM {refunds.name} WHERE {refunds.c.refund_id.name} = ?"}


@lru_cache(maxsize=64)
def _insert(columns: tuple[str, ...]) -> str:
    return insert_sql(fd, columns)


@lru_cache(maxsize=64)
def _update(columns: tuple[str, ...]) -> str:
    """``UPDATE fiscal_documents SET a = :a, ... WHERE document_id = :document_id``; the
    few column sets the book writes are each built once (a wrong name fails here)."""
    unknown = [c for c in columns if c not in fd.c or c == "document_id"]
    if unknown:
        raise KeyError(f"{fd.name} has no column {unknown[0]} to set")
    sets = ", ".join(f"{c} = :{c}" for c in columns)
    return f"UPDATE {fd.name} SET {sets} WHERE document_id = :document_id"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class FiscalBacklog:
    pending: int  # not yet authorized (in doubt included)
    in_doubt: int
    rejected: int
    oldest_pending_at: str | None
    last_error: str | None


class FiscalDocuments:
    """The table inside a unit of work's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: Mapping[str, Any]) -> None:
        now = _now()
        values = {**row, "block": json.dumps(row["block"], ensure_ascii=False, sort_keys=True),
                  "created_at": now, "updated_at": now}
        driver(self.conn).execute(_insert(tuple(values)), values)

    def next_seq(self) -> int:
        found = one(driver(self.conn), _NEXT_SEQ)
        return 1 if found is None else int(found[0])

    def get(self, document_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(fd).where(fd.c.document_id == document_id)).first()
        return None if row is None else _row(row._mapping)

    def of_source(self, kind: str, source_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(fd).where(
            fd.c.source_kind == kind, fd.c.source_id == source_id)).first()
        return None if row is None else _row(row._mapping)

    def open_documents(self) -> list[dict[str, Any]]:
        """Pending and in-doubt documents in commit order, each with its original's
        authorization (a credit note's ``CbtesAsoc``) when it has one."""
        return self._with_originals(fd.c.state.in_(OPEN_STATES), fd.c.seq)

    def _with_originals(self, where: Any, *order: Any) -> list[dict[str, Any]]:
        original = aliased(fd)
        rows = self.conn.execute(
            select(fd, original.c.state.label("original_state"),
                   original.c.number.label("original_number"),
                   original.c.cbte_tipo.label("original_type"),
                   original.c.point_of_sale.label("original_point_of_sale"),
                   original.c.cbte_fch.label("original_cbte_fch"))
            .select_from(fd.outerjoin(original, original.c.document_id == fd.c.original_id))
            .where(where)
            .order_by(*order))
        return [_row(r._mapping) for r in rows]

    def authorized_numbers(self) -> dict[tuple[int, int], int]:
        rows = self.conn.execute(
            select(fd.c.point_of_sale, fd.c.cbte_tipo, func.max(fd.c.number))
            .where(fd.c.number.isnot(None), fd.c.authorization_kind == "CAE")
            .group_by(fd.c.point_of_sale, fd.c.cbte_tipo))
        return {(int(p), int(t)): int(n) for p, t, n in rows}

    def set(self, document_id: str, **values: Any) -> None:
        if "messages" in values and values["messages"] is not None:
            values["messages"] = json.dumps(values["messages"], ensure_ascii=False)
        if "block" in values:
            values["block"] = json.dumps(values["block"], ensure_ascii=False, sort_keys=True)
        values = {**values, "updated_at": _now()}
        driver(self.conn).execute(_update(tuple(values)), {**values, "document_id": document_id})

    def count_attempt(self, document_id: str, number: int, at: str) -> None:
        driver(self.conn).execute(_COUNT_ATTEMPT, {"number": number, "at": at, "now": _now(),
                                                   "id": document_id})

    # -- CAEA (issue 12) -------------------------------------------------------------------
    def last_number(self, point_of_sale: int, cbte_tipo: int) -> int:
        """The highest number recorded on a (point of sale, type): under CAEA the till
        numbers its own comprobantes, in the sale's transaction (serial, restart-proof)."""
        return int(self.conn.execute(select(func.coalesce(func.max(fd.c.number), 0)).where(
            fd.c.point_of_sale == point_of_sale, fd.c.cbte_tipo == cbte_tipo)).scalar_one())

    def caea_documents(self, code: str | None = None) -> list[dict[str, Any]]:
        """CAEA comprobantes (of one CAEA, or all) in the order ARCA is informed of them:
        per point of sale and type, by number."""
        where = fd.c.authorization_kind == "CAEA"
        if code is not None:
            where = and_(where, fd.c.authorization_code == code)
        return self._with_originals(where, fd.c.point_of_sale, fd.c.cbte_tipo, fd.c.number)

    def mark_informed(self, document_id: str, when: str) -> None:
        self.set(document_id, informed_at=when, inform_error=None)

    def mark_inform_error(self, document_id: str, error: str) -> None:
        self.set(document_id, inform_error=error[:500])

    def source_payload(self, kind: str, source_id: str) -> dict[str, Any] | None:
        """The sale's (or refund's) payload as recorded: what its receipt prints."""
        found = one(driver(self.conn), _PAYLOAD[kind == "sale"], (source_id,))
        return None if found is None else dict(json.loads(found[0]))

    def rejected(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(fd).where(fd.c.state == "rejected")
                                 .order_by(fd.c.seq.desc()).limit(limit))
        return [_row(r._mapping) for r in rows]


def fiscal_backlog(conn: Connection) -> FiscalBacklog:
    counts: dict[str, int] = dict(conn.execute(select(fd.c.state, func.count()).where(
        fd.c.state.in_((*OPEN_STATES, "rejected"))).group_by(fd.c.state)).all())
    oldest = conn.execute(select(func.min(fd.c.created_at)).where(
        fd.c.state.in_(OPEN_STATES))).scalar_one_or_none()
    last_error = conn.execute(select(fd.c.last_error).where(
        and_(fd.c.state.in_((*OPEN_STATES, "rejected")), fd.c.last_error.isnot(None)))
        .order_by(fd.c.updated_at.desc()).limit(1)).scalar_one_or_none()
    return FiscalBacklog(
        pending=int(counts.get("pending", 0)) + int(counts.get("in_doubt", 0)),
        in_doubt=int(counts.get("in_doubt", 0)), rejected=int(counts.get("rejected", 0)),
        oldest_pending_at=oldest, last_error=last_error)


def _row(mapping: Any) -> dict[str, Any]:
    row = dict(mapping)
    row["block"] = json.loads(row["block"])
    if row.get("messages"):
        row["messages"] = json.loads(row["messages"])
    return row


def parse_messages(raw: Sequence[Mapping[str, Any]] | None) -> list[tuple[int, str]]:
    return [(int(m["code"]), str(m["text"])) for m in raw or ()]
