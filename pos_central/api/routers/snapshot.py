"""``GET /v1/catalog/snapshot``: the tills' full catalogue, unchanged from the stdlib
server (same body, ``ETag: "catalog-<version>"``, 304 on ``If-None-Match``, 404 with
no catalogue). A version's products never change, so its encoded body is kept and
served again until the version moves."""

from __future__ import annotations

import threading
from typing import Annotated

import msgspec
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from pos_central.api.auth import Principal, reader
from pos_central.api.context import Services, services
from pos_central.catalog import current_catalog_version, read_snapshot
from pos_central.database import DatabaseUnavailable
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
    _who: Annotated[Principal, Depends(reader)],
    api: Annotated[Services, Depends(services)],
) -> Response:
    try:
        with api.db.connection() as db:
            version = current_catalog_version(db)
            db.rollback()
            if version is None:
                return JSONResponse({"error": NO_CATALOG}, status_code=404)
            etag = f'"catalog-{version}"'
            if request.headers.get("If-None-Match") == etag:
                return Response(status_code=304, headers={"ETag": etag})
            body = api.snapshots.get(version)
            if body is None:
                found = read_snapshot(db)
                if found is None:
                    return JSONResponse({"error": NO_CATALOG}, status_code=404)
                version, etag = found["catalog_version"], f'"catalog-{found["catalog_version"]}"'
                body = _encode(found)
                api.snapshots.put(version, body)
    except DatabaseUnavailable as error:
        return JSONResponse({"error": str(error)}, status_code=503)
    return Response(body, media_type="application/json; charset=utf-8", headers={"ETag": etag})
