"""Fetching head office's full catalog over HTTP (a new till, or one that saw a gap)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from pos_common.i18n import _
from pos_contracts.caea import CaeaGrant, split_snapshot
from pos_contracts.catalog import CatalogProduct
from pos_contracts.envelope import decode_json
from pos_contracts.errors import InvalidEvent
from pos_contracts.registry import default_registry
from pos_contracts.wire import (
    CATALOG_CHANGED,
    PEOPLE_CHANGED,
    SNAPSHOT_PATH,
    SNAPSHOT_WITH_CAEAS,
    SNAPSHOT_WITH_PEOPLE,
    SNAPSHOT_WITH_V2,
)

TokenReader = Callable[[], str | None]


class SnapshotError(Exception):
    """The snapshot could not be fetched or read; the message says what to check."""


class SnapshotRefused(SnapshotError):
    """Head office answered with a catalogue the till cannot apply (invalid, or repeating
    a code): asking again gets the same until head office fixes it."""

    def __init__(self, message: str, version: int | None = None) -> None:
        super().__init__(message)
        self.version = version


class NoCatalogYet(SnapshotError):
    """Head office has no catalog yet (404): a new till keeps its own and listens."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    products: list[CatalogProduct]
    caeas: list[CaeaGrant] = field(default_factory=list)  # the current and next CAEAs
    people: dict[str, Any] | None = None
    """The store's people (a ``people.changed`` payload) when asked for and known."""


def _validate(body: Any, event_type: str = CATALOG_CHANGED, counter: str = "catalog_version",
              terminal_id: str = "catalog", version: int = 2) -> None:
    """The snapshot has the shape of a catalog.changed v2 payload (with every product; a
    head office that knows only v1 sends a v1 one, which v2 reads too); its ``people``, of
    a people.changed v1 one."""
    envelope = {
        "event_id": "00000000-0000-4000-8000-000000000000",
        "type": event_type,
        "schema_version": version,
        "occurred_at": "2000-01-01T00:00:00.000+00:00",
        "store_id": "central",
        "terminal_id": terminal_id,
        "seq": max(1, int(body.get(counter, 1) or 1)) if isinstance(body, dict) else 1,
        "trace_id": "0" * 32,
        "payload": body,
    }
    default_registry().validate(envelope)


def fetch_snapshot(
    central_url: str,
    *,
    token: TokenReader = lambda: None,
    client: httpx.Client | None = None,
    timeout: float = 30.0,
    store_id: str | None = None,
) -> Snapshot:
    """GET ``{central_url}/v1/catalog/snapshot?with=caeas,catalog_v2`` (every product, at
    every rate); raises ``SnapshotError``.
    With ``store_id``, asks for that store's people too (``with=caeas,people``; a head
    office that does not know them answers without, and ``people`` is None)."""
    if not central_url:
        raise SnapshotError(
            _("head office's address is missing (sync.central_url / POS_CENTRAL_URL)"))
    url = central_url.rstrip("/") + SNAPSHOT_PATH
    headers = {"Accept": "application/json"}
    secret = token()
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    own = client is None
    http = client or httpx.Client(timeout=timeout)
    try:
        params = {"with": f"{SNAPSHOT_WITH_CAEAS['with']},{SNAPSHOT_WITH_V2}"}
        if store_id:
            params = {"with": f"{params['with']},{SNAPSHOT_WITH_PEOPLE}", "store": store_id}
        response = http.get(url, headers=headers, params=params)
    except httpx.HTTPError as exc:
        raise SnapshotError(_("could not ask {url} for the catalogue: {reason}").format(
            url=url, reason=type(exc).__name__)) from None
    finally:
        if own:
            http.close()
    if response.status_code in (401, 403):
        raise SnapshotError(_("head office refused the access token ({status})").format(
            status=response.status_code))
    if response.status_code == 404:
        raise NoCatalogYet(_("head office has no catalogue yet ({url})").format(url=url))
    if response.status_code != 200:
        raise SnapshotError(_("head office answered {status} to {url}").format(
            status=response.status_code, url=url))
    try:
        body, caeas = split_snapshot(decode_json(response.content))
        people = body.pop("people", None)
        _validate(body)
        if people is not None:
            _validate(people, PEOPLE_CHANGED, "people_version", "people", version=1)
    except InvalidEvent as exc:
        raise SnapshotRefused(_("head office's catalogue is not valid: {reason}").format(
            reason=exc.reason)) from None
    return Snapshot(
        version=int(body["catalog_version"]),
        products=[CatalogProduct.from_wire(p) for p in body["products"]],
        caeas=caeas,
        people=people,
    )
