"""Which taxpayer a store sells for, and which CAEA points of sale exist.

A store's CUIT is the one set for it (``till add --cuit``, ``fiscal store``), else the
seller of its latest comprobante, else the only taxpayer configured (a new store's tills
must get the CAEA before they ever sold). CAEA points of sale are learned from the CAEA
comprobantes the ingest applied, or registered by hand so that an idle one is known.
"""

from __future__ import annotations

from typing import Any

import psycopg

from pos_central.database import connect
from pos_central.fiscal.taxpayers import FiscalSetupError, check_cuit
from pos_central.ingest.apply import database_errors
from pos_common.i18n import _

STORE_CUITS = """
SELECT s.store_id, coalesce(
    s.cuit,
    (SELECT d.seller_cuit FROM fiscal_documents d WHERE d.store_id = s.store_id
     ORDER BY d.business_date DESC LIMIT 1),
    (SELECT min(t.cuit) FROM fiscal_taxpayers t HAVING count(*) = 1)) AS cuit
FROM stores s
"""

LEARN_POINTS_OF_SALE = """
INSERT INTO caea_points_of_sale (cuit, point_of_sale, store_id, terminal_id)
SELECT DISTINCT ON (d.seller_cuit, a.point_of_sale) d.seller_cuit, a.point_of_sale,
    a.store_id, a.terminal_id
FROM fiscal_authorizations a
JOIN fiscal_documents d USING (document_kind, document_id)
WHERE a.authorization_kind = 'CAEA'
ORDER BY d.seller_cuit, a.point_of_sale, a.issued_at
ON CONFLICT (cuit, point_of_sale) DO NOTHING
"""


def store_cuit(db: psycopg.Connection[Any], store_id: str) -> str | None:
    row = db.execute(f"SELECT cuit FROM ({STORE_CUITS}) c WHERE store_id = %s",
                     (store_id,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def terminals_of(db: psycopg.Connection[Any], cuit: str) -> list[tuple[str, str]]:
    """Every terminal of every store that sells for ``cuit``."""
    rows = db.execute(
        f"SELECT t.store_id, t.terminal_id FROM terminals t JOIN ({STORE_CUITS}) c "
        "USING (store_id) WHERE c.cuit = %s ORDER BY 1, 2", (cuit,)).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def set_store_cuit(db: psycopg.Connection[Any], store_id: str, cuit: str) -> None:
    check_cuit(cuit)
    db.execute("INSERT INTO stores (store_id, cuit) VALUES (%s, %s) "
               "ON CONFLICT (store_id) DO UPDATE SET cuit = EXCLUDED.cuit", (store_id, cuit))


def register_point_of_sale(db_url: str, *, store_id: str, terminal_id: str, point_of_sale: int,
                           cuit: str | None = None) -> str:
    """A till's CAEA point of sale, known before it issues anything. Returns the CUIT."""
    if not 1 <= point_of_sale <= 99998:
        raise FiscalSetupError(_("a point of sale is a number from 1 to 99998: {n}").format(
            n=point_of_sale))
    with database_errors(), connect(db_url) as db:
        if cuit is not None:
            set_store_cuit(db, store_id, cuit)
        found = cuit or store_cuit(db, store_id)
        if found is None:
            raise FiscalSetupError(_("store {store} has no CUIT yet: give --cuit").format(
                store=store_id))
        db.execute(
            "INSERT INTO caea_points_of_sale (cuit, point_of_sale, store_id, terminal_id, "
            "registered) VALUES (%s, %s, %s, %s, true) ON CONFLICT (cuit, point_of_sale) "
            "DO UPDATE SET store_id = EXCLUDED.store_id, terminal_id = EXCLUDED.terminal_id, "
            "registered = true", (found, point_of_sale, store_id, terminal_id))
        db.commit()
    return found
