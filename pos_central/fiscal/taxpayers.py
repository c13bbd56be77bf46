"""``pos-central fiscal configure``: a CUIT's ARCA settings, and the clients built from them.

PostgreSQL keeps the environment, the addresses, the certificate (public) and where the
key is. The key is checked against the certificate before anything is stored, so a wrong
pair is refused here and not at the first request.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pos_arca import ArcaConfigError, Clock, Environment, Timeouts, WsaaClient, WsfeClient
from pos_arca.wsaa import cuit_of, load_certificate, load_private_key
from pos_central.database import connect
from pos_central.fiscal.keys import read_key, store_key
from pos_central.ingest.apply import database_errors
from pos_common.i18n import _

_CUIT = re.compile(r"^[0-9]{11}$")
STATE_DIR_ENV = "POS_CENTRAL_STATE_DIR"
#: Head office is not at the counter: ARCA may take its time (the till's are 3 s / 6 s).
CENTRAL_TIMEOUTS = Timeouts(connect=10.0, read=60.0)


class FiscalSetupError(ValueError):
    """The fiscal configuration is missing or wrong; the message says what to fix."""


@dataclass(frozen=True)
class Taxpayer:
    cuit: str
    environment: Environment
    wsaa_url: str | None
    wsfe_url: str | None
    certificate_pem: str
    key_location: str


def check_cuit(text: str) -> str:
    if not _CUIT.match(text):
        raise FiscalSetupError(_("a CUIT is 11 digits without dashes: {cuit}").format(cuit=text))
    return text


def state_dir() -> Path:
    """Where WSAA tickets are cached: systemd's StateDirectory, else the user's."""
    found = os.environ.get(STATE_DIR_ENV) or os.environ.get("STATE_DIRECTORY")
    return Path(found) if found else Path.home() / ".local" / "state" / "super-pos-central"


def configure(db_url: str, *, cuit: str, certificate: bytes, key: bytes, environment: str,
              wsaa_url: str | None = None, wsfe_url: str | None = None,
              key_store: str = "file", key_dir: Path | None = None) -> Taxpayer:
    check_cuit(cuit)
    try:
        env = Environment(environment)
        cert = load_certificate(certificate)
        private = load_private_key(key)
        if cuit_of(cert) != int(cuit):
            raise FiscalSetupError(_("the certificate is CUIT {found}, not {cuit}").format(
                found=cuit_of(cert), cuit=cuit))
        if _spki(cert.public_key()) != _spki(private.public_key()):
            raise FiscalSetupError(_("the key is not the certificate's key"))
    except ValueError as error:
        if isinstance(error, FiscalSetupError):
            raise
        raise FiscalSetupError(_("unknown environment {name}: homologacion or produccion"
                                 ).format(name=environment)) from None
    except ArcaConfigError as error:
        raise FiscalSetupError(str(error)) from None
    location = store_key(cuit, key, key_store=key_store, key_dir=key_dir)
    pem = cert.public_bytes(Encoding.PEM).decode("ascii")
    with database_errors(), connect(db_url) as db:
        db.execute(
            "INSERT INTO fiscal_taxpayers (cuit, environment, wsaa_url, wsfe_url, "
            "certificate_pem, key_location) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (cuit) DO UPDATE SET environment = EXCLUDED.environment, "
            "wsaa_url = EXCLUDED.wsaa_url, wsfe_url = EXCLUDED.wsfe_url, "
            "certificate_pem = EXCLUDED.certificate_pem, key_location = EXCLUDED.key_location, "
            "configured_at = now()",
            (cuit, env.value, wsaa_url, wsfe_url, pem, location))
        db.commit()
    return Taxpayer(cuit, env, wsaa_url, wsfe_url, pem, location)


def _spki(key: Any) -> bytes:
    return bytes(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


_COLUMNS = "cuit, environment, wsaa_url, wsfe_url, certificate_pem, key_location"


def taxpayers(db: psycopg.Connection[Any], cuit: str | None = None) -> list[Taxpayer]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM fiscal_taxpayers "
                      "WHERE %(cuit)s::text IS NULL OR cuit = %(cuit)s ORDER BY cuit",
                      {"cuit": cuit}).fetchall()
    return [Taxpayer(r[0], Environment(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def configured(db_url: str, cuit: str | None = None) -> list[Taxpayer]:
    """The configured taxpayers (one if ``cuit``); refuses when there is none."""
    with database_errors(), connect(db_url) as db:
        found = taxpayers(db, cuit)
    if not found:
        raise FiscalSetupError(
            _("CUIT {cuit} is not configured: pos-central fiscal configure --cuit …").format(
                cuit=cuit) if cuit else
            _("no taxpayer is configured: pos-central fiscal configure --cuit … --cert … "
              "--key … --env homologacion|produccion"))
    return found


def open_wsfe(taxpayer: Taxpayer, *, clock: Clock | None = None,
              cache_dir: Path | None = None, timeouts: Timeouts = CENTRAL_TIMEOUTS
              ) -> WsfeClient:
    """WSAA + WSFEv1 clients of ``taxpayer`` (the key is read now and held by WsaaClient)."""
    wsaa = WsaaClient(certificate=taxpayer.certificate_pem.encode("ascii"),
                      private_key=read_key(taxpayer.cuit, taxpayer.key_location),
                      cache_dir=cache_dir or state_dir() / "arca",
                      environment=taxpayer.environment, url=taxpayer.wsaa_url,
                      timeouts=timeouts, clock=clock)
    return WsfeClient(cuit=wsaa.cuit, credentials=wsaa, environment=taxpayer.environment,
                      url=taxpayer.wsfe_url, timeouts=timeouts)
