"""What ``pos-central serve`` needs to know: databases, broker, access, TLS, limits.

Secrets (the tills' token) come from the environment, never from a flag: a command line
is visible to every user of the machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pos_central.config import API_TOKEN_CREDENTIAL, CentralConfig, ConfigError, credential
from pos_central.topology import Topology
from pos_common.i18n import _

TILL_TOKEN_ENV = "POS_CENTRAL_API_TOKEN"
"""The tills' shared token (``Authorization: Bearer <token>``), if tills have no own one."""
TLS_CERT_ENV = "POS_CENTRAL_TLS_CERT"
TLS_KEY_ENV = "POS_CENTRAL_TLS_KEY"
TIMEZONE_ENV = "POS_CENTRAL_TIMEZONE"
DEFAULT_TIMEZONE = "America/Argentina/Buenos_Aires"


@dataclass(frozen=True)
class ApiSettings:
    db_url: str
    amqp_url: str
    topology: Topology = field(default_factory=Topology)
    till_token: str | None = None
    open_access: bool = False
    """Lab machines only: /v1/* reads without a token (writes still need a user)."""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    behind_proxy: tuple[str, ...] = ()
    """Addresses of the reverse proxies trusted for X-Forwarded-For/-Proto."""
    request_timeout: float = 10.0
    """Seconds a client has to send a whole request (head and body) on a connection."""
    keep_alive: int = 5
    threads: int = 16
    """Requests handled at once (the bounded worker pool); idle sockets take none."""
    max_connections: int = 2048
    statement_timeout_ms: int = 10_000
    session_hours: int = 12
    timezone: str = DEFAULT_TIMEZONE
    """Head office's time zone: what 'today' and the hours of the dashboard mean."""
    collect_dead_letters: bool = True
    """Move the dead-letter queue into PostgreSQL so people can inspect and replay it."""

    @property
    def https(self) -> bool:
        return self.tls_cert is not None

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure unless the server speaks plain HTTP to the browser itself
        (a lab or a developer's machine); behind a TLS proxy they are Secure."""
        return self.https or bool(self.behind_proxy)

    @classmethod
    def resolve(
        cls,
        config: CentralConfig,
        *,
        open_access: bool = False,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        behind_proxy: str | None = None,
        environ: Mapping[str, str] | None = None,
        **limits: object,
    ) -> ApiSettings:
        env = os.environ if environ is None else environ
        cert = tls_cert or env.get(TLS_CERT_ENV) or None
        key = tls_key or env.get(TLS_KEY_ENV) or None
        if bool(cert) != bool(key):
            raise ConfigError(
                _("HTTPS needs the certificate and the key: --tls-cert and --tls-key (or "
                  "{cert} and {key})").format(cert=TLS_CERT_ENV, key=TLS_KEY_ENV)
            )
        for path in (cert, key):
            if path and not Path(path).is_file():
                raise ConfigError(
                    _("there is no file {path} (--tls-cert / --tls-key)").format(path=path))
        proxies = tuple(p.strip() for p in (behind_proxy or "").split(",") if p.strip())
        return cls(
            db_url=config.db_url,
            amqp_url=config.amqp_url,
            topology=Topology(config.prefix),
            # the environment, else the systemd credential api-token (LoadCredential=)
            till_token=env.get(TILL_TOKEN_ENV) or credential(API_TOKEN_CREDENTIAL),
            open_access=open_access,
            tls_cert=Path(cert) if cert else None,
            tls_key=Path(key) if key else None,
            behind_proxy=proxies,
            timezone=env.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE,
            **limits,  # type: ignore[arg-type]
        )
