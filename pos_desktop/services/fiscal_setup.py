"""Setting a till up for ARCA: the certificate, the key, the point of sale, the environment.

One use case for ``pos-desktop fiscal configure`` and the settings screens. The
certificate (not a secret) goes to the settings table; the private key to the OS keyring,
or it stays in a file only the till's user may read (its path is stored). The CUIT is the
certificate's: a store CUIT that differs is refused (ARCA would refuse every request).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pos_common.i18n import N_
from pos_desktop.domain.cuit import normalize_cuit
from pos_desktop.domain.errors import PosError
from pos_desktop.fiscal.credentials import check_private_file, store_private_key
from pos_desktop.services.ports import UnitOfWork
from pos_desktop.settings_schema import SecretStore, save_settings


class FiscalSetupError(PosError):
    message = N_("ARCA cannot be configured: {reason}")


@dataclass(frozen=True, slots=True)
class FiscalSetup:
    certificate_pem: bytes
    key_pem: bytes
    point_of_sale: int
    environment: str = "homologacion"
    cuit: str | None = None
    key_file: Path | None = None  # keep the key in this file (0600) instead of the keyring
    wsaa_url: str = ""
    wsfe_url: str = ""
    mode: str = "arca"
    caea_point_of_sale: int | None = None  # for selling offline (CAEA); None: left as it is


def certificate_cuit(certificate_pem: bytes) -> str:
    """The CUIT in the certificate's subject, ``XX-XXXXXXXX-X``."""
    from pos_arca import ArcaConfigError
    from pos_arca.wsaa import cuit_of, load_certificate

    try:
        return normalize_cuit(str(cuit_of(load_certificate(certificate_pem))))
    except ArcaConfigError as error:
        raise FiscalSetupError(reason=error.explanation) from None


def check_key_matches(certificate_pem: bytes, key_pem: bytes) -> None:
    from cryptography.hazmat.primitives import serialization

    from pos_arca import ArcaConfigError
    from pos_arca.wsaa import load_certificate, load_private_key

    try:
        key = load_private_key(key_pem)
        certificate = load_certificate(certificate_pem)
    except ArcaConfigError as error:
        raise FiscalSetupError(reason=error.explanation) from None
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        raise FiscalSetupError(reason="the private key is not the certificate's")


def configure_fiscal(uow_factory: Callable[[], UnitOfWork], secrets: SecretStore,
                     setup: FiscalSetup) -> dict[str, Any]:
    """Check and store ``setup``; returns the settings stored (never the key)."""
    cuit = certificate_cuit(setup.certificate_pem)
    if setup.cuit and normalize_cuit(setup.cuit) != cuit:
        raise FiscalSetupError(reason=f"the certificate is CUIT {cuit}, not {setup.cuit}")
    check_key_matches(setup.certificate_pem, setup.key_pem)
    if setup.caea_point_of_sale is not None and setup.caea_point_of_sale == setup.point_of_sale:
        raise FiscalSetupError(reason=N_("the CAEA point of sale must differ from the CAE one"))
    with uow_factory() as uow:
        stored = uow.settings.get("store.cuit")
        if stored and normalize_cuit(str(stored)) != cuit:
            raise FiscalSetupError(reason=f"the store's CUIT is {stored}; the certificate's "
                                          f"is {cuit}")
        if setup.key_file is not None:
            check_private_file(setup.key_file)
        else:
            store_private_key(setup.key_pem)  # the keyring; raises NoKeyring naming the way out
        changes = {
            "store.cuit": cuit,
            "fiscal.mode": setup.mode,
            "fiscal.environment": setup.environment,
            "fiscal.point_of_sale": setup.point_of_sale,
            "fiscal.wsaa_url": setup.wsaa_url,
            "fiscal.wsfe_url": setup.wsfe_url,
            "fiscal.certificate": setup.certificate_pem.decode("ascii"),
            "fiscal.key_file": "" if setup.key_file is None else str(setup.key_file.resolve()),
        }
        if setup.caea_point_of_sale is not None:
            changes["fiscal.caea_point_of_sale"] = setup.caea_point_of_sale
        cleaned = save_settings(uow.settings, secrets, changes)
        uow.commit()
    return {k: v for k, v in cleaned.items() if k != "fiscal.certificate"}
