"""The till's status report to head office (``POST /v1/terminals/<store>/<terminal>/report``).

Head office cannot see a till's outbox or clock, nor know when a catalogue change was
applied: the till says so itself, once a minute and right after it applies a catalogue
version. Best effort: a report that fails is simply sent again at the next one (each
carries the whole state, so nothing is lost by skipping one), and it never touches the
sale path. Central records when it received it, so a till that stops reporting shows as
offline there, and the difference between ``till_time`` and that moment is the till's
clock skew.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from pos_desktop import __version__

log = logging.getLogger(__name__)
TokenReader = Callable[[], str | None]


class StatusReporter:
    def __init__(
        self,
        central_url: str,
        store_id: str,
        terminal_id: str,
        status: Callable[[], dict[str, Any]],
        *,
        token: TokenReader = lambda: None,
        interval: float = 60.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = f"{central_url.rstrip('/')}/v1/terminals/{store_id}/{terminal_id}/report"
        self.status = status
        self.token = token
        self.interval = interval
        self.client = client or httpx.Client(timeout=10.0)
        self.sent = 0
        self.applied_at: dict[int, str] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def catalog_applied(self, version: int) -> None:
        """The listener applied ``version``: say so now (with the moment it happened)."""
        self.applied_at[version] = datetime.now(UTC).isoformat()
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="sync-report", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            self.report_once()
            self._wake.wait(self.interval)

    def report_once(self) -> bool:
        try:
            body = self.status()
            version = int(body.get("catalog_version", 0))
            body["till_time"] = datetime.now().astimezone().isoformat()
            body["app_version"] = __version__
            if version in self.applied_at:
                body["catalog_applied_at"] = self.applied_at[version]
            headers = {"Authorization": f"Bearer {secret}"} if (secret := self.token()) else {}
            answer = self.client.post(self.url, json=body, headers=headers)
        except (httpx.HTTPError, OSError, ValueError) as error:
            log.info("status report not sent", extra={"reason": type(error).__name__})
            return False
        if answer.status_code >= 300:
            log.warning("head office refused the status report",
                        extra={"status": answer.status_code})
            return False
        self.sent += 1
        return True
