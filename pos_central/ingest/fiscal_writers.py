"""The fiscal rows: a sale's (``sale.completed`` v3) or refund's (``sale.refunded`` v2)
comprobante, and its authorization (``fiscal.authorized`` v1, or the block itself when it
carries one, as under CAEA). See migration 0009 for why they are two tables, and 0014 for
``fiscal_pending``, the comprobantes still waiting for their authorization (kept here, in
the same transaction, so that the dashboard need not match the two tables)."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from pos_contracts import Envelope

Statement = tuple[str, dict[str, Any]]


def document_insert(kind: str, id_field: str, day_field: str) -> str:
    """``INSERT ... SELECT`` of the fiscal block of each applied event that has one."""
    return f"""INSERT INTO fiscal_documents (document_kind, document_id, event_id, store_id,
    terminal_id, business_date, cbte_tipo, point_of_sale, seller_cuit, seller_condition,
    buyer_doc_type, buyer_doc_number, buyer_name, buyer_condition, net, iva, exempt, untaxed,
    other_taxes, total, amounts, associated_sale_id, associated_type,
    associated_point_of_sale, associated_number)
SELECT '{kind}', (p->>'{id_field}')::uuid, (e->>'event_id')::uuid, e->>'store_id',
    e->>'terminal_id', left(p->>'{day_field}', 10)::date, (p#>>'{{fiscal,type}}')::integer,
    (p#>>'{{fiscal,point_of_sale}}')::integer, p#>>'{{fiscal,seller,cuit}}',
    p#>>'{{fiscal,seller,iva_condition}}', (p#>>'{{fiscal,buyer,doc_type}}')::integer,
    (p#>>'{{fiscal,buyer,doc_number}}')::bigint, p#>>'{{fiscal,buyer,name}}',
    (p#>>'{{fiscal,buyer,iva_condition}}')::integer,
    (p#>>'{{fiscal,amounts,net}}')::bigint,
    (SELECT coalesce(sum((a->>'amount')::bigint), 0)
     FROM jsonb_array_elements(p#>'{{fiscal,amounts,iva}}') a),
    (p#>>'{{fiscal,amounts,exempt}}')::bigint, (p#>>'{{fiscal,amounts,untaxed}}')::bigint,
    (SELECT coalesce(sum((t->>'amount')::bigint), 0)
     FROM jsonb_array_elements(p#>'{{fiscal,amounts,other_taxes}}') t),
    (p#>>'{{fiscal,amounts,total}}')::bigint, p#>'{{fiscal,amounts}}',
    (p#>>'{{fiscal,associated,sale_id}}')::uuid,
    (p#>>'{{fiscal,associated,type}}')::integer,
    (p#>>'{{fiscal,associated,point_of_sale}}')::integer,
    (p#>>'{{fiscal,associated,number}}')::integer
FROM {{events}} WHERE jsonb_typeof(p->'fiscal') = 'object'"""


def pending_statements(kind: str, id_field: str, at_field: str) -> tuple[str, str]:
    """The batch's side of ``fiscal_pending`` for each applied comprobante: the row of an
    authorization that came first goes (matched); one issued without its authorization
    and not awaited becomes pending. Two statements of the one batch statement, which see
    the same snapshot: the insert skips exactly the keys the delete takes. A row another
    worker is writing at this moment is not in that snapshot: the insert then waits for
    it on the primary key and does nothing (a leftover ``authorized`` row, never counted).
    In key order, so that two workers lock in the same order."""
    key = f"(p->>'{id_field}')::uuid"
    matched = f"""DELETE FROM fiscal_pending f USING {{events}}
WHERE jsonb_typeof(p->'fiscal') = 'object' AND f.document_kind = '{kind}'
    AND f.document_id = {key} AND f.authorized"""
    pending = f"""INSERT INTO fiscal_pending (document_kind, document_id, store_id, terminal_id,
    issued_at, authorized)
SELECT '{kind}', {key}, e->>'store_id', e->>'terminal_id', (p->>'{at_field}')::timestamptz, false
FROM {{events}}
WHERE jsonb_typeof(p->'fiscal') = 'object'
    AND jsonb_typeof(p#>'{{fiscal,authorization}}') IS DISTINCT FROM 'object'
    AND NOT EXISTS (SELECT FROM fiscal_pending f WHERE f.document_kind = '{kind}'
                    AND f.document_id = {key})
ORDER BY 2
ON CONFLICT (document_kind, document_id) DO NOTHING"""
    return matched, pending


_AUTHORIZE = """
WITH ins AS (
    INSERT INTO fiscal_authorizations (document_kind, document_id, event_id, store_id,
        terminal_id, cbte_tipo, point_of_sale, number, cbte_fch, issued_at,
        authorization_kind, authorization_code, authorization_due, buyer, associated)
    VALUES (%(kind)s, %(id)s, %(event_id)s, %(store_id)s, %(terminal_id)s, %(type)s,
        %(pos)s, %(number)s, %(cbte_fch)s, %(issued_at)s, %(auth_kind)s, %(code)s, %(due)s,
        %(buyer)s, %(associated)s)
    ON CONFLICT (document_kind, document_id) DO NOTHING
    RETURNING document_kind, document_id, authorization_kind, authorization_code, store_id,
        terminal_id, issued_at
), unreported AS (
    -- a CAEA comprobante is to be informed to ARCA (migration 0014; fiscal/inform.py)
    INSERT INTO caea_unreported (document_kind, document_id, caea, store_id)
    SELECT document_kind, document_id, authorization_code, store_id FROM ins
    WHERE authorization_kind = 'CAEA'
), matched AS (
    -- the comprobante waited for it (fiscal_pending, migration 0014): no longer
    DELETE FROM fiscal_pending f USING ins
    WHERE (f.document_kind, f.document_id) = (ins.document_kind, ins.document_id)
        AND NOT f.authorized
    RETURNING 1
), awaited AS (
    -- the comprobante is not on record yet: a row says its authorization is. One another
    -- worker is writing right now is seen by neither check: this insert then waits for
    -- it on the primary key and marks it authorized.
    INSERT INTO fiscal_pending (document_kind, document_id, store_id, terminal_id, issued_at,
        authorized)
    SELECT document_kind, document_id, store_id, terminal_id, issued_at, true FROM ins
    WHERE NOT EXISTS (SELECT FROM matched) AND NOT EXISTS (
        SELECT FROM fiscal_documents d
        WHERE (d.document_kind, d.document_id) = (ins.document_kind, ins.document_id))
    ON CONFLICT (document_kind, document_id) DO UPDATE SET authorized = true
)
SELECT EXISTS (SELECT FROM ins) OR EXISTS (
    SELECT FROM fiscal_authorizations WHERE document_kind = %(kind)s AND document_id = %(id)s
    AND (store_id, terminal_id, cbte_tipo, point_of_sale, number, authorization_kind,
         authorization_code)
        IS NOT DISTINCT FROM (%(store_id)s, %(terminal_id)s, %(type)s::integer,
        %(pos)s::integer, %(number)s::integer, %(auth_kind)s, %(code)s)
)
"""


def _authorization(env: Envelope, kind: str, document_id: str, fields: dict[str, Any]
                   ) -> Statement:
    authorization = fields["authorization"]
    return (_AUTHORIZE, {
        "kind": kind, "id": document_id, "event_id": env.event_id, "store_id": env.store_id,
        "terminal_id": env.terminal_id, "type": fields["type"],
        "pos": fields["point_of_sale"], "number": fields["number"],
        "cbte_fch": fields["cbte_fch"], "issued_at": fields["issued_at"],
        "auth_kind": authorization["kind"], "code": authorization["code"],
        "due": authorization["due"], "buyer": Jsonb(fields["buyer"]),
        "associated": None if fields.get("associated") is None
        else Jsonb(fields["associated"])})


def fiscal_authorized_v1(env: Envelope) -> list[Statement]:
    p = env.payload
    return [_authorization(env, p["document"]["kind"], p["document"]["id"], p)]


def authorized_block(kind: str, id_field: str) -> Any:
    """Per-event statements of a sale or refund whose block is born authorized (CAEA)."""
    def statements(env: Envelope) -> list[Statement]:
        block = env.payload.get("fiscal")
        if not block or block.get("authorization") is None:
            return []
        return [_authorization(env, kind, env.payload[id_field], block)]
    return statements
