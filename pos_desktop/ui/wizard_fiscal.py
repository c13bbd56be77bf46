"""The first-run wizard's page for ARCA: fiscal mode, environment, the CAE point of sale,
and the certificate and key files (checked and stored by ``services.fiscal_setup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from pos_common.i18n import _
from pos_desktop.services.fiscal_setup import FiscalSetup
from pos_desktop.services.settings import SettingsService
from pos_desktop.settings_schema import InvalidSetting

FISCAL_KEYS = ("fiscal.mode", "fiscal.environment", "fiscal.point_of_sale")


def fiscal_page(page_type: Any, parent: QWidget | None = None) -> Any:
    """A ``FormPage`` (the wizard's) with two file fields below its settings."""

    class FiscalPage(page_type):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(
                _("Fiscal documents (ARCA)"),
                _("To issue Facturas with CAE, choose ARCA and give the certificate ARCA "
                  "issued for the store's CUIT and its private key. Leave it off to train."),
                FISCAL_KEYS, parent=parent)
            files = QFormLayout()
            self.certificate = QLineEdit(self)
            self.certificate.setObjectName("fiscalCertificate")
            self.certificate.setPlaceholderText(_("e.g. the .crt file ARCA gave you"))
            self.key = QLineEdit(self)
            self.key.setObjectName("fiscalKey")
            self.key.setPlaceholderText(_("e.g. the .key file you made with the request"))
            files.addRow(_("Certificate file (PEM)"), self.certificate)
            files.addRow(_("Private key file (PEM)"), self.key)
            self.layout_.insertLayout(1, files)

        @property
        def issues_comprobantes(self) -> bool:
            return bool(self.answers().get("fiscal.mode") == "arca")

        def problems(self) -> dict[str, InvalidSetting]:
            problems: dict[str, InvalidSetting] = super().problems()
            if self.issues_comprobantes:
                for key, field, label in (("fiscal.certificate", self.certificate,
                                           _("Certificate file (PEM)")),
                                          ("fiscal.key_file", self.key,
                                           _("Private key file (PEM)"))):
                    if not Path(field.text().strip()).expanduser().is_file():
                        problems[key] = InvalidSetting(label=label,
                                                       reason=_("choose an existing file"))
            return problems

        def save(self, service: SettingsService) -> None:
            if not self.issues_comprobantes:
                return
            values = self.answers()
            service.configure_fiscal(FiscalSetup(
                certificate_pem=Path(self.certificate.text().strip()).expanduser().read_bytes(),
                key_pem=Path(self.key.text().strip()).expanduser().read_bytes(),
                point_of_sale=int(values["fiscal.point_of_sale"]),
                environment=str(values["fiscal.environment"])))

    return FiscalPage()
