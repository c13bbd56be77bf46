"""The fiscal side of the window (mode ARCA): F8 *Identificar comprador*, the comprobante
type of the sale on screen, "Autorizando con ARCA…" after a sale, ARCA's answer (rejections
with ARCA's code), and the fiscal state in the status bar.

The worker calls back from its own thread; ``FiscalBridge`` re-emits on the GUI thread (a
queued signal), so no widget is touched from the worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from pos_common.i18n import _, explain
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.fiscal.errors import IdentificationRequired
from pos_desktop.domain.fiscal.kinds import ComprobanteType
from pos_desktop.services.checkout import CompletedSale
from pos_desktop.ui.buyer_dialog import BuyerDialog
from pos_desktop.ui.deps import FiscalPort
from pos_desktop.ui.main_window import MainWindow
from pos_desktop.ui.sync_indicator import SyncIndicator
from pos_desktop.ui.theme import set_level


class FiscalBridge(QObject):
    outcome = Signal(object)  # pos_desktop.fiscal.worker.FiscalOutcome


class FiscalNotice(QLabel):
    """One line under the total: the comprobante the sale will be, then ARCA's answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fiscalNotice")
        self.setWordWrap(True)
        self.waiting: dict[str, str] = {}  # document id -> ticket, shown as "Autorizando…"
        self._keep = False  # a CAEA comprobante's line stays until the next sale starts

    def show_type(self, kind: ComprobanteType | None) -> None:
        if self.waiting:
            return  # the answer about the last sale stays until it comes
        if self._keep:  # the empty register after the sale: the next scan shows the type
            self._keep = False
            return
        self.setText("" if kind is None else _("Comprobante: {kind}").format(
            kind=kind.printed_name))
        set_level(self, "info")

    def authorizing(self, done: CompletedSale) -> None:
        if done.fiscal_document_id is None:
            return
        if done.notice:  # offline with no valid CAEA: the cashier must know at once
            self.waiting[done.fiscal_document_id] = done.ticket
            self.setText(done.notice)
            set_level(self, "warning")
            return
        block = done.payload.get("fiscal") or {}
        if not done.awaits_authorization:  # issued at once with the fortnight's CAEA
            a = block["authorization"]
            self.setText(_("ARCA does not answer: issued with CAEA {code} as {kind} "
                           "{number}").format(
                code=a["code"], kind=ComprobanteType(int(block["type"])).printed_name,
                number=f"{int(block['point_of_sale']):05d}-{int(block['number']):08d}"))
            set_level(self, "warning")
            self._keep = True
            return
        self.waiting[done.fiscal_document_id] = done.ticket
        self.setText(_("Authorizing with ARCA… (ticket {ticket})").format(ticket=done.ticket))
        set_level(self, "warning")

    def answered(self, outcome: Any) -> str | None:
        """Show the worker's ``FiscalOutcome``; returns an error for the banner, if any."""
        ticket = self.waiting.pop(outcome.document_id, None)
        if outcome.state == "authorized" and outcome.authorized is not None:
            a, kind = outcome.authorized, ComprobanteType(outcome.cbte_tipo)
            number = f"{outcome.point_of_sale:05d}-{a.number:08d}"
            if a.kind == "CAEA":
                self.setText(_("ARCA does not answer: issued with CAEA {code} as {kind} "
                               "{number}").format(code=a.code, kind=kind.printed_name,
                                                  number=number))
                set_level(self, "warning")
                return None
            self.setText(_("ARCA authorized {kind} {number} · CAE {code}, due {due}").format(
                kind=kind.printed_name, number=number,
                code=a.code, due=a.due.strftime("%d/%m/%Y")))
            set_level(self, "ok")
            return None
        if outcome.state == "rejected":
            codes = "; ".join(f"{m.code}: {m.text}" for m in outcome.messages)
            message = _("ARCA rejected the comprobante of ticket {ticket} [{codes}]: it is "
                        "not valid; the manager must see to it.").format(
                ticket=outcome.ticket, codes=codes)
            self.setText(message)
            set_level(self, "error")
            return message
        if ticket is not None or outcome.state == "in_doubt":
            self.setText(_("ARCA does not answer: the comprobante of ticket {ticket} stays "
                           "pending and prints once ARCA authorizes it.").format(
                ticket=outcome.ticket))
            set_level(self, "warning")
        return None


class FiscalIndicator(SyncIndicator):
    """ARCA's state in the status bar, read off the GUI thread (as the sync state is)."""

    def _show(self, result: object) -> None:
        self._busy = False
        if isinstance(result, tuple):
            self.status.set_fiscal_state(str(result[0]), str(result[1]))
        else:
            self.status.set_fiscal_state(_("unknown"), "warning")


class FiscalPanel:
    """The window's part for ARCA; stops its status polling with the window."""

    def __init__(self, window: MainWindow, fiscal: FiscalPort) -> None:
        from pos_desktop.fiscal.status import status_bar_text

        self.window = window
        register = window.register
        self.bridge = FiscalBridge(window)
        self.notice = FiscalNotice(window)
        window.ui.side.insertWidget(1, self.notice)  # under the total
        window.add_action(_("Identify buyer"), self.identify, shortcut="F8", menu="sale",
                          button=True, name="identify_buyer", button_text=_("Buyer"))
        window.add_error_handler(IdentificationRequired, self.identification_needed)
        window.sale_changed.connect(lambda: self.notice.show_type(register.comprobante_type()))
        window.sale_completed.connect(self.notice.authorizing)
        self.bridge.outcome.connect(self.answered)
        fiscal.listen(self.bridge.outcome.emit)
        self.indicator = FiscalIndicator(window.status, fiscal.status, status_bar_text)
        self.indicator.start()
        self.notice.show_type(register.comprobante_type())

    def identify(self) -> None:
        if not self.window.dialog_open():
            self.window.open_dialog(BuyerDialog(self.window, self.window.register,
                                                self.notice.show_type))

    def identification_needed(self, error: PosError, retry: Any) -> bool:
        self.window.banner.error(explain(error))
        self.window.open_dialog(BuyerDialog(self.window, self.window.register,
                                            self.notice.show_type), retry)
        return True

    def answered(self, outcome: Any) -> None:
        error = self.notice.answered(outcome)
        if error:
            self.window.banner.error(error)
        self.indicator.poll()  # the counts changed: do not wait for the next tick

    def stop(self) -> None:
        self.indicator.stop()


def attach_fiscal(window: MainWindow) -> FiscalPanel | None:
    """Extension for ``build_window``: only in fiscal mode ARCA (a change of mode in the
    settings takes effect when the till is opened again)."""
    fiscal = window.deps.fiscal
    if fiscal is None:
        return None
    panel = FiscalPanel(window, fiscal)
    window.add_part(panel)
    return panel
