"""Where central finds PostgreSQL and RabbitMQ: command-line flags, else environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pos_common.i18n import _

DB_URL_ENV = "POS_CENTRAL_DB_URL"
AMQP_URL_ENV = "POS_AMQP_URL"
PREFIX_ENV = "POS_CENTRAL_PREFIX"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
CREDENTIALS_ENV = "CREDENTIALS_DIRECTORY"
# Credential names: systemd's LoadCredential=db-url:/etc/super-pos/central/db-url (or a
# compose secret with CREDENTIALS_DIRECTORY=/run/secrets) puts each in its own file.
DB_URL_CREDENTIAL = "db-url"
AMQP_URL_CREDENTIAL = "amqp-url"
API_TOKEN_CREDENTIAL = "api-token"


def credential(name: str) -> str | None:
    """The secret ``name`` from ``$CREDENTIALS_DIRECTORY/name`` (systemd credentials: a
    file only the service can read, never in the unit, the environment or ``ps``)."""
    folder = os.environ.get(CREDENTIALS_ENV)
    if not folder:
        return None
    try:
        text = (Path(folder) / name).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(
            _("cannot read the credential {name} in {folder}: {reason}").format(
                name=name, folder=folder, reason=error.strerror)
        ) from error
    return text or None


def setting(flag: str | None, env: str, name: str) -> str | None:
    """A flag wins, then the environment variable, then the credential file."""
    return flag or os.environ.get(env) or credential(name)


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the flag and variable."""


@dataclass(frozen=True)
class CentralConfig:
    db_url: str
    amqp_url: str = DEFAULT_AMQP_URL
    prefix: str = ""

    @classmethod
    def resolve(
        cls,
        db_url: str | None = None,
        amqp_url: str | None = None,
        prefix: str | None = None,
        *,
        need_db: bool = True,
    ) -> CentralConfig:
        db = setting(db_url, DB_URL_ENV, DB_URL_CREDENTIAL) or ""
        if need_db and not db:
            raise ConfigError(
                _("head office's database is missing: use --db-url, the variable {variable} "
                  "or the credential {credential} (e.g. postgresql://user@server:5432/pos)"
                  ).format(variable=DB_URL_ENV, credential=DB_URL_CREDENTIAL)
            )
        if db:
            psycopg_conninfo(db)  # fail early on a malformed URL
        return cls(
            db_url=db,
            amqp_url=setting(amqp_url, AMQP_URL_ENV, AMQP_URL_CREDENTIAL) or DEFAULT_AMQP_URL,
            prefix=prefix if prefix is not None else os.environ.get(PREFIX_ENV, ""),
        )


_SCHEMES = ("postgresql+psycopg://", "postgresql+psycopg2://", "postgresql://", "postgres://")


def psycopg_conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy-style one (``postgresql+psycopg://`` or ``postgresql://``)."""
    for scheme in _SCHEMES:
        if url.startswith(scheme):
            return "postgresql://" + url[len(scheme) :]
    raise ConfigError(
        _("unsupported database URL: {url} (postgresql:// or postgresql+psycopg:// is "
          "expected; see {variable})").format(url=repr(redact(url)), variable=DB_URL_ENV)
    )


def sqlalchemy_url(url: str) -> str:
    """The same database as a SQLAlchemy URL using the psycopg 3 driver."""
    return "postgresql+psycopg://" + psycopg_conninfo(url)[len("postgresql://") :]


def redact(url: str) -> str:
    """The URL (or a cluster's comma-separated list) without passwords, for logs."""
    if "," in url:
        return ",".join(redact(part.strip()) for part in url.split(","))
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
