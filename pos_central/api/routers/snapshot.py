"""``GET /v1/catalog/snapshot``: the tills' full catalogue, unchanged from the stdlib
server (same body, ``ETag: "catalog-<version>"``, 304 on ``If-None-Match``, 404 with
no catalogue). A version's products never change, so its encoded body is kept and
served again until the version moves. ``?with=caeas`` appends the current and next CAEAs
of the till's CUIT as ``caeas``; ``?with=people`` (a till that knows ``people.changed``)
adds ``"people"``, its store's people as that event carries them; ``with=caeas,people``
both. ``?with=catalog_v2`` (a till that reads ``catalog.changed`` v2) gets every product;
without it the body is a v1 payload, the products at a rate v1 cannot carry left out.
Without ``with``, the body tills always got (its schema forbids other keys)."""

from __future__ import annotations

import hashlib
import threading
from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from pos_arca import SystemClock, argentine_date
from pos_central.api.auth import ADMIN, ANONYMOUS, MANAGER, TILL, Principal, reader
from pos_central.api.context import Services, services
from pos_central.api.refusals import answer, refused
from pos_central.catalog import current_catalog_version, read_snapshot
from pos_central.database import DatabaseUnavailable
from pos_central.fiscal.grants import snapshot_caeas
from pos_central.people import store_people
from pos_common.messages import N_, TranslatableError
from pos_contracts import wire
from pos_contracts.catalog import v1_products
from pos_contracts.wire import SNAPSHOT_PATH, SNAPSHOT_WITH_PEOPLE

NO_CATALOG = TranslatableError(
    N_("head office has no catalogue yet: import one with pos-central catalog import"))


class SnapshotCache:
    """The last version's encoded bodies (a 100,000-product catalogue is ~20 MB of JSON):
    the v1 one and the v2 one (``all_rates``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._bodies: dict[bool, bytes] = {}

    def get(self, version: int, all_rates: bool = False) -> bytes | None:
        with self._lock:
            return self._bodies.get(all_rates) if self._version == version else None

    def put(self, version: int, body: bytes, all_rates: bool = False) -> None:
        with self._lock:
            if self._version is None or version > self._version:
                self._version, self._bodies = version, {}
            if version == self._version:
                self._bodies[all_rates] = body


router = APIRouter(tags=["catalog"])
_encode = msgspec.json.Encoder().encode


@router.get(SNAPSHOT_PATH, summary="Every product at the current catalogue version")
def snapshot(
    request: Request,
    who: Annotated[Principal, Depends(reader)],
    api: Annotated[Services, Depends(services)],
    extras: Annotated[str, Query(alias="with")] = "",
    store: str = "",
) -> Response:
    wanted = extras.split(",")  # e.g. with=caeas,people
    with_caeas = wire.SNAPSHOT_WITH_CAEAS["with"] in wanted
    all_rates = wire.SNAPSHOT_WITH_V2 in wanted
    people_of = _people_store(who, store) if SNAPSHOT_WITH_PEOPLE in wanted else None
    try:
        with api.db.connection() as db:
            version = current_catalog_version(db)
            db.rollback()
            if version is None:
                return answer(request, NO_CATALOG, 404)
            caeas = _caeas(db, who, request) if with_caeas else None
            people = store_people(db, people_of) if people_of is not None else None
            db.rollback()
            etag = _etag(version, caeas, people, all_rates)
            if request.headers.get("If-None-Match") == etag:
                return Response(status_code=304, headers={"ETag": etag})
            body = api.snapshots.get(version, all_rates)
            if body is None:
                found = read_snapshot(db)
                if found is None:
                    return answer(request, NO_CATALOG, 404)
                version = found["catalog_version"]
                etag = _etag(version, caeas, people, all_rates)
                if not all_rates:
                    found["products"] = v1_products(found["products"])
                body = _encode(found)
                api.snapshots.put(version, body, all_rates)
    except DatabaseUnavailable as error:
        return answer(request, error, 503)
    if caeas is not None:  # appended to the cached bytes, which stay the plain body
        body = body[:-1] + b',"caeas":' + caeas + b"}"
    if people is not None:
        body = body[:-1] + b',"people":' + _encode(people) + b"}"
    return Response(body, media_type="application/json; charset=utf-8", headers={"ETag": etag})


def _caeas(db: Any, who: Principal, request: Request) -> bytes:
    """The encoded CAEAs of the till's store (``?store=`` for a head office user)."""
    store = who.terminal[0] if who.terminal else request.query_params.get("store")
    found = _encode(snapshot_caeas(db, store, argentine_date(SystemClock())))
    db.rollback()
    return found


def _etag(
    version: int, caeas: bytes | None, people: dict[str, Any] | None, all_rates: bool = False
) -> str:
    """``"catalog-<version>"``; with CAEAs or people it names them too, so a till that
    has the version but not a new CAEA or people list downloads again; ``-v2`` for the
    body with every rate."""
    tag = f"catalog-{version}" + ("-v2" if all_rates else "")
    if caeas is not None:
        tag += f"-caeas-{hashlib.sha256(caeas).hexdigest()[:12]}"
    if people is not None:
        tag += f"-people-{people['people_version']}"
    return f'"{tag}"'


def _people_store(who: Principal, store: str) -> str:
    """Whose people: a till's own store; for head office's users and the shared lab
    token (or anyone on an ``--open`` lab server), the ``store`` asked for: PIN hashes
    go to tills and managers only."""
    if who.terminal is not None:
        return who.terminal[0]
    if not store:
        raise refused(422, TranslatableError(N_("with=people needs store")))
    if who.role in (TILL, ANONYMOUS) or (who.role in (ADMIN, MANAGER) and who.sees_store(store)):
        return store
    raise refused(403, TranslatableError(N_("you may not read the staff of {store}"),
                                         store=repr(store)))
