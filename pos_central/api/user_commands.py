"""``pos-central users add|token``: the first admin (and scripts' tokens) from a shell."""

from __future__ import annotations

import getpass
import sys

from pos_central.api.db import Database
from pos_central.api.security import WeakPassword
from pos_central.api.users import UserError, create_user, issue_token
from pos_central.config import CentralConfig
from pos_central.database import DatabaseUnavailable
from pos_common.i18n import N_, _, explain

ACTOR = "pos-central users (command line)"


def _database(config: CentralConfig) -> Database:
    db = Database(config.db_url, size=1, statement_timeout_ms=30_000)
    db.pool.open(wait=True, timeout=10)
    return db


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Again: ")) != first:
        raise UserError(N_("the passwords differ"))
    return first


def add_user(
    config: CentralConfig,
    name: str,
    role: str,
    stores: list[str],
    full_name: str,
    *,
    password_stdin: bool = False,
) -> int:
    try:
        password = _password(password_stdin)
        db = _database(config)
        try:
            with db.connection() as conn:
                create_user(
                    conn,
                    actor=ACTOR,
                    name=name,
                    password=password,
                    role=role,
                    full_name=full_name,
                    stores=stores,
                )
        finally:
            db.close()
    except (UserError, WeakPassword, DatabaseUnavailable) as error:
        print(f"pos-central: {explain(error)}", file=sys.stderr)
        return 1
    except Exception as error:  # the pool's own timeout when PostgreSQL is not there
        print("pos-central: " + _("PostgreSQL is not available: {error}").format(error=error),
              file=sys.stderr)
        return 1
    print(_("User {name} created ({role}).").format(name=name, role=role))  # as --role
    return 0


def user_token(config: CentralConfig, name: str, label: str) -> int:
    db = _database(config)
    try:
        with db.connection() as conn:
            row = conn.execute(
                "SELECT user_id FROM office_users WHERE name = %s", (name,)
            ).fetchone()
            if row is None:
                print("pos-central: " + _("there is no user {name}").format(name=name),
                      file=sys.stderr)
                return 1
            token = issue_token(conn, actor=ACTOR, label=label, user_id=int(row[0]))
    finally:
        db.close()
    print(token)
    return 0
