"""``/v1/stores``, ``/v1/terminals``: the tills with their sync state, register (a broker
user of its own, through ``pos_central.tills``, plus an API token for its reports) and
revoke; and ``POST /v1/terminals/{store}/{terminal}/report``, the till's status report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter

from pos_central.api.audit import audit
from pos_central.api.auth import ADMIN, TILL, Api, Forbidden, Reader, Writer, need_store
from pos_central.api.models import NewTerminal, TillReport
from pos_central.api.refusals import refused
from pos_central.api.registration import register_till, revoke_tokens
from pos_central.api.sync_health import terminals
from pos_central.tills import TillRegistry, TillRegistryError
from pos_common.messages import N_

router = APIRouter(prefix="/v1", tags=["terminals"])


def registry(api: Api) -> TillRegistry:
    factory = api.extras.get("till_registry")
    if factory is not None:
        found: TillRegistry = factory()
        return found
    return TillRegistry(api.settings.db_url, api.settings.amqp_url, api.settings.topology)


def _scope(who: Reader) -> list[str] | None:
    return None if who.role == ADMIN or not who.stores else sorted(who.stores)


@router.get("/stores", summary="Stores known to head office")
def list_stores(who: Reader, api: Api) -> list[dict[str, Any]]:
    with api.db.connection() as db:
        rows = db.execute(
            "SELECT s.store_id, s.first_seen_at, count(t.terminal_id) FROM stores s "
            "LEFT JOIN terminals t USING (store_id) GROUP BY 1, 2 ORDER BY 1"
        ).fetchall()
    return [
        {"store_id": s, "first_seen_at": at, "terminals": n}
        for s, at, n in rows
        if who.sees_store(s)
    ]


@router.get("/terminals", summary="Tills and their sync state")
def list_terminals(who: Reader, api: Api) -> list[dict[str, Any]]:
    with api.db.connection() as db:
        return [t.to_dict() for t in terminals(db, _scope(who), datetime.now(UTC))]


@router.post("/terminals", status_code=201, summary="Register a till (credentials shown once)")
def register(body: NewTerminal, who: Writer, api: Api) -> dict[str, Any]:
    need_store(who, body.store_id)
    try:
        with api.db.connection() as db:
            return register_till(
                registry(api), db, body.store_id, body.terminal_id, actor=who.name
            )
    except TillRegistryError as error:
        raise refused(502, error) from None


@router.delete("/terminals/{store_id}/{terminal_id}", summary="Revoke a till")
def revoke(store_id: str, terminal_id: str, who: Writer, api: Api) -> dict[str, Any]:
    need_store(who, store_id)
    try:
        users = registry(api).revoke(store_id, terminal_id)
    except TillRegistryError as error:
        raise refused(404, error) from None
    with api.db.connection() as db:
        revoke_tokens(db, store_id, terminal_id)
        audit(
            db,
            who.name,
            "terminal.revoke",
            f"terminal:{store_id}/{terminal_id}",
            store_id=store_id,
            broker_users=users,
        )
    return {"store_id": store_id, "terminal_id": terminal_id, "revoked_users": users}


@router.post(
    "/terminals/{store_id}/{terminal_id}/report", status_code=204, summary="A till's status report"
)
def till_report(store_id: str, terminal_id: str, body: TillReport, who: Reader, api: Api) -> None:
    """Tills only: with its own token a till may report only for itself."""
    if who.role != TILL:
        raise Forbidden(N_("only a till reports its state"))
    if who.terminal is not None and who.terminal != (store_id, terminal_id):
        raise Forbidden(
            N_("this till is {own}, not {other}"),
            own=f"{who.terminal[0]}/{who.terminal[1]}", other=f"{store_id}/{terminal_id}",
        )
    with api.db.connection() as db:
        previous = db.execute(
            "SELECT catalog_version FROM terminal_reports WHERE store_id = %s AND terminal_id = %s",
            (store_id, terminal_id),
        ).fetchone()
        db.execute(
            "INSERT INTO terminal_reports (store_id, terminal_id, received_at, till_time, "
            "sync_state, pending_events, oldest_unsent_at, catalog_version, app_version) "
            "VALUES (%s, %s, now(), %s, %s, %s, %s, %s, %s) ON CONFLICT (store_id, terminal_id) "
            "DO UPDATE SET received_at = now(), till_time = EXCLUDED.till_time, "
            "sync_state = EXCLUDED.sync_state, pending_events = EXCLUDED.pending_events, "
            "oldest_unsent_at = EXCLUDED.oldest_unsent_at, "
            "catalog_version = EXCLUDED.catalog_version, app_version = EXCLUDED.app_version",
            (
                store_id,
                terminal_id,
                body.till_time,
                body.sync_state,
                body.pending_events,
                body.oldest_unsent_at,
                body.catalog_version,
                body.app_version,
            ),
        )
        if body.catalog_version > 0:
            db.execute(
                "INSERT INTO terminal_catalog_versions (store_id, terminal_id, version, "
                "applied_at) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (
                    store_id,
                    terminal_id,
                    body.catalog_version,
                    body.catalog_applied_at or body.till_time,
                ),
            )
        if previous is None or int(previous[0]) != body.catalog_version:
            audit(
                db,
                who.name,
                "terminal.catalog_applied",
                f"terminal:{store_id}/{terminal_id}",
                store_id=store_id,
                version=body.catalog_version,
            )
