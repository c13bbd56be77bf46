"""Building the ARCA clients of this till from its fiscal settings (at connect time).

The key is read here, when the worker first connects (or reconnects after an error), and
handed to ``pos_arca.WsaaClient``, which keeps it in memory to sign login requests only.
WSAA tickets are cached in ``<data dir>/arca`` (0600 files, one per certificate), so a
restarted till reuses its ticket instead of being refused by ``coe.alreadyAuthenticated``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pos_arca import Clock, SystemClock, WsaaClient, WsfeClient
from pos_desktop.fiscal.credentials import read_private_key
from pos_desktop.fiscal.settings import FiscalSettings
from pos_desktop.fiscal.worker import ArcaSession


def ticket_cache_dir(data_dir: Path) -> Path:
    return data_dir / "arca"


def open_session(settings: FiscalSettings, data_dir: Path, *,
                 key: Callable[[], bytes] | None = None, clock: Clock | None = None
                 ) -> ArcaSession:
    """WSAA and WSFEv1 clients for ``settings`` (raises ArcaConfigError / FiscalKeyError)."""
    private_key = key() if key is not None else read_private_key(settings.key_file)
    wsaa = WsaaClient(certificate=settings.certificate_pem.encode("ascii"),
                      private_key=private_key, cache_dir=ticket_cache_dir(data_dir),
                      environment=settings.environment, url=settings.wsaa_url or None,
                      timeouts=settings.timeouts, clock=clock or SystemClock())
    del private_key  # the client holds the parsed key; no copy of its text stays here
    wsfe = WsfeClient(cuit=wsaa.cuit, credentials=wsaa, environment=settings.environment,
                      url=settings.wsfe_url or None, timeouts=settings.timeouts)

    def expiry() -> datetime | None:
        ticket = wsaa._ticket  # what the client holds now; never asks ARCA
        return None if ticket is None else ticket.expires_at

    return ArcaSession(wsfe=wsfe, relogin=wsaa.login, ticket_expiry=expiry)


def check_cuit(settings: FiscalSettings, session: ArcaSession) -> None:
    """The store's CUIT must be the certificate's: ARCA would refuse every request (601)."""
    from pos_arca import ArcaConfigError

    if settings.cuit and int(settings.cuit) != session.wsfe.cuit:
        raise ArcaConfigError(f"the certificate is CUIT {session.wsfe.cuit} but the store's "
                              f"CUIT is {settings.cuit}")
