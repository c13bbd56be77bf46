"""``GET /v1/catalog/snapshot``: the tills' full catalogue, unchanged from the stdlib
server (same body, ``ETag: "catalog-<version>"``, 304 on ``If-None-Match``, 404 with
no catalogue). A version's products never change, so its encoded body is kept and
served again until the version moves. ``?with=caeas`` appends the current and next CAEAs
of the till's CUIT as ``caeas`` (without it, the body tills always got)."""

from __future__ import annotations

import hashlib
import threading
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from pos_arca import SystemClock, argentine_date
from pos_central.api.auth import Principal, reader
from pos_central.api.context import Services, services
from pos_central.catalog import current_catalog_version, read_snapshot
from pos_central.database import DatabaseUnavailable
from pos_central.fiscal.grants import snapshot_caeas
from pos_contracts import wire
from pos_contracts.wire import SNAPSHOT_PATH

NO_CATALOG = "la central todavía no tiene catálogo: impórtelo con pos-central catalog import"


class SnapshotCache:
    """The last version's encoded body (a 100,000-product catalogue is ~20 MB of JSON)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._body = b""

    def get(self, version: int) -> bytes | None:
        with self._lock:
            return self._body if self._version == version else None

    def put(self, version: int, body: bytes) -> None:
        with self._lock:
            if self._version is None or version >= self._version:
                self._version, self._body = version, body


router = APIRouter(tags=["catalog"])
_encode = msgspec.json.Encoder().encode


@router.get(SNAPSHOT_PATH, summary="Every product at the current catalogue version")
def snapshot(
    request: Request,
    who: Annotated[Principal, Depends(reader)],
    api: Annotated[Services, Depends(services)],
) -> Response:
    with_caeas = request.query_params.get("with") == wire.SNAPSHOT_WITH_CAEAS["with"]
    try:
        with api.db.connection() as db:
            version = current_catalog_version(db)
            db.rollback()
            if version is None:
                return JSONResponse({"error": NO_CATALOG}, status_code=404)
            caeas = _caeas(db, who, request) if with_caeas else None
            etag = _etag(version, caeas)
            if request.headers.get("If-None-Match") == etag:
                return Response(status_code=304, headers={"ETag": etag})
            body = api.snapshots.get(version)
            if body is None:
                found = read_snapshot(db)
                if found is None:
                    return JSONResponse({"error": NO_CATALOG}, status_code=404)
                version = found["catalog_version"]
                etag = _etag(version, caeas)
                body = _encode(found)
                api.snapshots.put(version, body)
    except DatabaseUnavailable as error:
        return JSONResponse({"error": str(error)}, status_code=503)
    if caeas is not None:  # appended to the cached bytes, which stay the plain body
        body = body[:-1] + b',"caeas":' + caeas + b"}"
    return Response(body, media_type="application/json; charset=utf-8", headers={"ETag": etag})


def _caeas(db: Any, who: Principal, request: Request) -> bytes:
    """The encoded CAEAs of the till's store (``?store=`` for a head office user)."""
    store = who.terminal[0] if who.terminal else request.query_params.get("store")
    found = _encode(snapshot_caeas(db, store, argentine_date(SystemClock())))
    db.rollback()
    return found


def _etag(version: int, caeas: bytes | None) -> str:
    """``"catalog-<version>"``; with CAEAs it names them too, so a till that has the
    version but not a new CAEA downloads again."""
    if caeas is None:
        return f'"catalog-{version}"'
    return f'"catalog-{version}-caeas-{hashlib.sha256(caeas).hexdigest()[:12]}"'
