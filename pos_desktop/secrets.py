"""The till's secrets (broker password, head-office API token) in the OS keyring.

Invariant 9: secrets never live in the settings table, in a URL that is saved, or in a
log line. They are kept in the OS keyring under the service ``super-pos`` with the same
keys the settings dialog uses (``sync.amqp_password``, ``sync.api_token``), and read only
at connect time.

Machines without a keyring backend (a kiosk session, a service account, CI) use the
documented fallback: the environment variables ``POS_AMQP_PASSWORD`` and
``POS_CENTRAL_TOKEN``. An environment variable, when set, wins over the keyring, so a
support technician can override a stale stored password without opening the window.
A till run as a systemd service (``pos-desktop sync run``) gets them as credentials:
``amqp-password`` and ``central-token`` in ``$CREDENTIALS_DIRECTORY``.
"""

from __future__ import annotations

import contextlib
import os
from typing import Final

from pos_common.i18n import N_
from pos_desktop.domain.errors import PosError

KEYRING_SERVICE: Final = "super-pos"
AMQP_PASSWORD: Final = "sync.amqp_password"
API_TOKEN: Final = "sync.api_token"
ENV_FALLBACK: Final = {AMQP_PASSWORD: "POS_AMQP_PASSWORD", API_TOKEN: "POS_CENTRAL_TOKEN"}
# systemd credentials (LoadCredential=amqp-password:FILE in the unit): one file each in
# $CREDENTIALS_DIRECTORY, readable by the service only; for a till run as a service.
CREDENTIAL_FILES: Final = {AMQP_PASSWORD: "amqp-password", API_TOKEN: "central-token"}
# Translated where the error is shown (PosError translates its parameters).
_WHAT: Final = {AMQP_PASSWORD: N_("broker password"), API_TOKEN: N_("head-office API token")}


class NoKeyring(PosError):
    message = (
        N_("This computer has no password store (keyring) for the {what}. "
        "Set the environment variable {env} for the till's user, or install a keyring "
        "(GNOME Keyring, KWallet, Windows Credential Manager).")
    )


class SecretUnavailable(PosError):
    message = N_(
        "The password store could not be read ({reason}). Set {env} or unlock the keyring."
    )


def keyring_available() -> bool:
    """True when ``keyring`` has a real backend (not the 'fail' one or an empty chain)."""
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def env_name(key: str) -> str:
    return ENV_FALLBACK.get(key, "POS_" + key.upper().replace(".", "_"))


def credential(key: str) -> str | None:
    """The secret from ``$CREDENTIALS_DIRECTORY`` (a systemd service), if it is there."""
    folder = os.environ.get("CREDENTIALS_DIRECTORY")
    name = CREDENTIAL_FILES.get(key)
    if not folder or not name:
        return None
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            return file.read().strip() or None
    except FileNotFoundError:
        return None


def get_secret(key: str, *, required: bool = False) -> str | None:
    """The secret from the environment fallback, the service's credentials or the
    keyring, in that order; None when none is stored.

    Raises ``NoKeyring`` when there is no keyring and no environment variable and the
    caller needs the value (``required``); a missing optional secret is just None.
    """
    env = env_name(key)
    value = os.environ.get(env) or credential(key)
    if value:
        return value
    if not keyring_available():
        if required:
            raise NoKeyring(what=_WHAT.get(key, key), env=env)
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        stored: str | None = keyring.get_password(KEYRING_SERVICE, key)
    except KeyringError as exc:  # locked or broken backend: say so, never the secret
        raise SecretUnavailable(reason=type(exc).__name__, env=env) from None
    return stored or None


def set_secret(key: str, value: str) -> None:
    """Store a secret in the keyring; raises ``NoKeyring`` naming the fallback variable."""
    if not keyring_available():
        raise NoKeyring(what=_WHAT.get(key, key), env=env_name(key))
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, key, value)
    except KeyringError as exc:
        raise SecretUnavailable(reason=type(exc).__name__, env=env_name(key)) from None


def delete_secret(key: str) -> None:
    if not keyring_available():
        return
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, key)
