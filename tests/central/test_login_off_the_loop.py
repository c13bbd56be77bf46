"""Head office's login check never holds the event loop: ``office_user`` is an async
dependency (it may read a posted form), and it looked the session up in PostgreSQL on the
loop itself, so one slow lookup stopped every other request of the server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from starlette.requests import Request

from pos_central.api.auth import office_user


class HeldDatabase:
    """A database whose lookup waits until the loop has run something else meanwhile."""

    def __init__(self) -> None:
        self.loop_ran = threading.Event()

    @contextmanager
    def connection(self) -> Iterator[Any]:
        # On the loop's own thread this waits for itself: the timeout makes it a failure.
        assert self.loop_ran.wait(10), "the lookup held the event loop"
        yield None


def test_the_session_lookup_runs_off_the_event_loop(monkeypatch: Any) -> None:
    database = HeldDatabase()
    api = SimpleNamespace(db=database, settings=SimpleNamespace(till_token=""))
    monkeypatch.setattr("pos_central.api.auth.session_user", lambda _db, _cookie: None)
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [
        (b"cookie", b"pos_session=abc")], "query_string": b""})

    async def both() -> str:
        async def meanwhile() -> None:
            await asyncio.sleep(0)
            database.loop_ran.set()

        other = asyncio.create_task(meanwhile())
        try:
            await office_user(request, api)  # type: ignore[arg-type]
        except Exception as refused:  # no such session: refused, after the lookup
            await other
            return type(refused).__name__
        return "accepted"

    assert asyncio.run(both()) == "Unauthorized"
