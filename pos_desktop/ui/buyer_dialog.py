"""F8 *Identificar comprador*: DNI, CUIT or CUIL (check digit verified), name and IVA
condition. The comprobante's type follows (Factura A for a Responsable Inscripto or a
monotributista, B for anyone else, C from a monotributista seller) and is shown at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QWidget

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.fiscal.buyer import identify_buyer
from pos_desktop.domain.fiscal.kinds import ComprobanteType
from pos_desktop.domain.fiscal.parties import DocumentType, IvaCondition
from pos_desktop.services.register import Register
from pos_desktop.ui.dialog_base import TillDialog

DOCUMENTS = (DocumentType.DNI, DocumentType.CUIT, DocumentType.CUIL)
CONDITIONS = (IvaCondition.CONSUMIDOR_FINAL, IvaCondition.RESPONSABLE_INSCRIPTO,
              IvaCondition.MONOTRIBUTO, IvaCondition.EXENTO, IvaCondition.NO_CATEGORIZADO,
              IvaCondition.IVA_NO_ALCANZADO, IvaCondition.CLIENTE_DEL_EXTERIOR)


class BuyerDialog(TillDialog):
    def __init__(self, parent: QWidget | None, register: Register,
                 on_identified: Callable[[ComprobanteType | None], object]) -> None:
        super().__init__(parent, _("Identify the buyer"),
                         _("DNI, CUIT or CUIL, name and IVA condition. The comprobante type "
                           "follows the buyer."))
        self.setObjectName("buyerDialog")
        self.register = register
        self.on_identified = on_identified
        form = QFormLayout()
        self.document = QComboBox(self)
        for kind in DOCUMENTS:
            self.document.addItem(kind.label, kind)
        self.number = QLineEdit(self)
        self.number.setObjectName("buyerNumber")
        self.number.setPlaceholderText("20-12345678-6 · 12.345.678")
        self.name = QLineEdit(self)
        self.name.setObjectName("buyerName")
        self.condition = QComboBox(self)
        for condition in CONDITIONS:
            self.condition.addItem(_(condition.label), condition)
        form.addRow(_("Document"), self.document)
        form.addRow(_("Number"), self.number)
        form.addRow(_("Name or company name"), self.name)
        form.addRow(_("IVA condition"), self.condition)
        self.body.addLayout(form)
        buttons = QHBoxLayout()
        self.anonymous = QPushButton(_("Final consumer (not identified)"), self)
        self.ok = QPushButton(_("Identify"), self)
        self.ok.setDefault(True)
        buttons.addWidget(self.anonymous)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        self.layout_.addLayout(buttons)
        self.anonymous.clicked.connect(self.clear_buyer)
        self.ok.clicked.connect(self.submit)
        for field in (self.number, self.name):
            field.textEdited.connect(lambda _t: self.clear_error())
            field.returnPressed.connect(self.submit)
        self.setFocusProxy(self.number)

    def submit(self) -> None:
        try:
            buyer = identify_buyer(self.document.currentData(), self.number.text(),
                                   name=self.name.text(), condition=self.condition.currentData())
            kind = self.register.identify_buyer(buyer)
        except PosError as exc:
            self.show_error(explain(exc))
            return
        self.on_identified(kind)
        self.accept()

    def clear_buyer(self) -> None:
        self.on_identified(self.register.identify_buyer(None))
        self.accept()
