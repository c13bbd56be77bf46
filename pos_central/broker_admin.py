"""RabbitMQ's HTTP management API: how head office creates and removes till users.

``rabbitmqctl`` only works on the broker's own host; the management API (plugin
``rabbitmq_management``, port 15672, or 15671 with TLS) is the standard way for a tool
elsewhere to manage users and permissions. Standard library only: a handful of JSON
requests do not justify an HTTP client dependency on the head-office server.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pos_central.config import redact
from pos_common.messages import N_, TranslatableError

BROKER_ADMIN_URL_ENV = "POS_BROKER_ADMIN_URL"
"""``http(s)://user:password@host:15672/`` of the management API. From the environment
only (a password on a command line is visible to every user of the machine)."""


class BrokerAdminError(TranslatableError, RuntimeError):
    """The management API refused or could not be reached; the message says which URL."""


@dataclass(frozen=True)
class BrokerAdmin:
    url: str
    """Base URL of the management API, with the administrator's user and password."""
    vhost: str = "/"
    timeout: float = 10.0

    @classmethod
    def for_amqp(cls, amqp_url: str, admin_url: str | None = None) -> BrokerAdmin:
        """The management API next to the broker of ``amqp_url`` (its host, port 15672 or
        15671 for amqps, the same user), unless ``admin_url`` or POS_BROKER_ADMIN_URL
        says otherwise. The vhost is the AMQP URL's."""
        first = amqp_url.split(",")[0].strip()
        parts = urlsplit(first)
        vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
        explicit = admin_url or os.environ.get(BROKER_ADMIN_URL_ENV)
        if explicit:
            return cls(explicit.rstrip("/"), vhost)
        secure = parts.scheme == "amqps"
        user = parts.username or "guest"
        password = parts.password if parts.password is not None else "guest"
        host = parts.hostname or "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        scheme, port = ("https", 15671) if secure else ("http", 15672)
        netloc = f"{quote(unquote(user), safe='')}:{quote(unquote(password), safe='')}@{host}"
        return cls(f"{scheme}://{netloc}:{port}", vhost)

    # -- users and permissions -----------------------------------------------------
    def put_user(self, name: str, password: str) -> None:
        """Create the user (or set its password); no tags: it cannot log in to the UI."""
        self._call("PUT", f"/api/users/{_q(name)}", {"password": password, "tags": ""})

    def delete_user(self, name: str) -> bool:
        """Remove the user (its open connections are closed by the broker). False if
        there was no such user."""
        return self._call("DELETE", f"/api/users/{_q(name)}", missing_ok=True) is not None

    def users(self) -> list[str]:
        return [str(user["name"]) for user in self._call("GET", "/api/users") or []]

    def set_permissions(self, user: str, *, configure: str, write: str, read: str) -> None:
        self._call(
            "PUT",
            f"/api/permissions/{_q(self.vhost)}/{_q(user)}",
            {"configure": configure, "write": write, "read": read},
        )

    def set_topic_permissions(self, user: str, exchange: str, *, write: str, read: str) -> None:
        """Which routing keys ``user`` may publish with (write) or bind with (read) on one
        topic exchange."""
        self._call(
            "PUT",
            f"/api/topic-permissions/{_q(self.vhost)}/{_q(user)}",
            {"exchange": exchange, "write": write, "read": read},
        )

    def permissions(self, user: str) -> dict[str, Any]:
        found = self._call("GET", f"/api/permissions/{_q(self.vhost)}/{_q(user)}")
        return dict(found or {})

    def close_connections(self, user: str, reason: str) -> int:
        """Close every connection of ``user``; the till sees ``reason`` in the close."""
        closed = 0
        for connection in self._call("GET", f"/api/connections/username/{_q(user)}") or []:
            name = str(connection["name"])
            if self._call(
                "DELETE", f"/api/connections/{_q(name)}", headers={"X-Reason": reason},
                missing_ok=True,
            ) is not None:
                closed += 1
        return closed

    def enable_check(self) -> None:
        """Fails with a clear message when the API is not there (plugin not enabled)."""
        self._call("GET", "/api/whoami")

    # -- HTTP ----------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        missing_ok: bool = False,
    ) -> Any:
        parts = urlsplit(self.url)
        base = parts._replace(netloc=parts.hostname or "")
        if parts.port:
            base = base._replace(netloc=f"{base.netloc}:{parts.port}")
        request = urllib.request.Request(
            base.geturl().rstrip("/") + path,
            method=method,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"content-type": "application/json", **(headers or {})},
        )
        credentials = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        request.add_header(
            "authorization", "Basic " + base64.b64encode(credentials.encode()).decode()
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            if error.code == 404 and missing_ok:
                return None
            detail = error.read().decode("utf-8", "replace")[:300]
            raise BrokerAdminError(
                N_("RabbitMQ's management API ({url}) answered {code} to {method} {path}: "
                   "{detail}"),
                url=redact(self.url), code=error.code, method=method, path=path, detail=detail,
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise BrokerAdminError(
                N_("cannot use RabbitMQ's management API at {url} ({error}); is the "
                   "rabbitmq_management plugin enabled? (variable {variable})"),
                url=redact(self.url), error=str(error), variable=BROKER_ADMIN_URL_ENV,
            ) from None
        return json.loads(text) if text.strip() else True


def _q(value: str) -> str:
    return quote(value, safe="")
