"""ARCA's authorization of a comprobante: a CAE, asked for each comprobante online, or the
fortnight's CAEA, used offline and informed afterwards. Both are 14-digit codes with a due
date, so a CAEA comprobante is the same value as a CAE one with another ``kind``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pos_common.i18n import N_
from pos_desktop.domain.fiscal.errors import InvalidAuthorization


class AuthorizationKind(StrEnum):
    CAE = "CAE"
    CAEA = "CAEA"

    @property
    def qr_code(self) -> str:
        """``tipoCodAut`` of the RG 4892 QR: ``E`` for CAE, ``A`` for CAEA."""
        return "E" if self is AuthorizationKind.CAE else "A"


@dataclass(frozen=True, slots=True)
class Authorization:
    """``code`` as ARCA gives it (14 digits); ``due``: ``CAEFchVto``, or the last day of the
    CAEA's fortnight."""

    kind: AuthorizationKind
    code: str
    due: date

    def __post_init__(self) -> None:
        if len(self.code) != 14 or not self.code.isdigit() or not self.code.isascii():
            raise InvalidAuthorization(reason=N_("the code must have 14 digits"))

    @classmethod
    def cae(cls, code: str, due: date) -> Authorization:
        return cls(AuthorizationKind.CAE, code.strip(), due)

    @classmethod
    def caea(cls, code: str, due: date) -> Authorization:
        return cls(AuthorizationKind.CAEA, code.strip(), due)
