"""WSAA tickets kept on disk, one file per (certificate, service, environment), mode 0600.

ARCA refuses a second login while a ticket is valid, so a till that restarts must find its
ticket again. The file holds the ticket only; the private key is never written here.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from pos_arca.models import AccessTicket


class TicketCache:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / f"ta-{key}.json"

    def load(self, key: str) -> AccessTicket | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            return AccessTicket(
                token=data["token"], sign=data["sign"],
                generated_at=datetime.fromisoformat(data["generated_at"]),
                expires_at=datetime.fromisoformat(data["expires_at"]),
                source=data.get("source", ""), destination=data.get("destination", ""))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no ticket, or a damaged file: log in again

    def store(self, key: str, ticket: AccessTicket) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps({
            "token": ticket.token, "sign": ticket.sign,
            "generated_at": ticket.generated_at.isoformat(),
            "expires_at": ticket.expires_at.isoformat(),
            "source": ticket.source, "destination": ticket.destination,
        })
        # Written beside the target with 0600 from the start, then renamed over it: a reader
        # never sees half a ticket and the file is never readable by others, even briefly.
        fd, tmp = tempfile.mkstemp(prefix=".ta-", dir=self.directory)
        try:
            os.chmod(tmp, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
