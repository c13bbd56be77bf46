"""At start-up, a sale left in progress when the till stopped (a crash, kill -9, a power
cut) is back on screen (``Register.recover``): the window says so and offers to go on
with it (Enter) or to put it on hold (Esc; F5 recalls it). Asked after the login, so the
hold names the cashier; nothing is lost whichever is chosen."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from pos_common.i18n import N_, _, explain, format_money, ngettext
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.sale import Sale, TenderKind
from pos_desktop.ui.confirm_dialog import ConfirmDialog
from pos_desktop.ui.main_window import MainWindow


def offer_recovered_sale(window: MainWindow) -> None:
    """The window's feature: tell of ``deps.recovered`` once the dialogs above it (the
    login) are answered."""
    sale = window.deps.recovered
    if sale is None or window.register.sale is not sale:
        return
    if window.dialogs:
        window.dialogs[-1].finished.connect(
            lambda _result: QTimer.singleShot(0, lambda: offer_recovered_sale(window)))
        return
    window.open_dialog(RecoveredSaleDialog(window, sale),
                       on_accept=lambda: window.banner.ok(_("Sale recovered: go on with it.")))


# How a tender is named inside a sentence ("Pagado $ 1.000,00: efectivo $ 600,00, tarjeta de
# crédito $ 400,00"): what the money was, in full, lower case.
TENDER_WORDS = {
    TenderKind.CASH: N_("cash"),
    TenderKind.DEBIT: N_("debit card"),
    TenderKind.CREDIT: N_("credit card"),
    TenderKind.TRANSFER: N_("transfer or QR"),
}


def recovered_text(sale: Sale) -> str:
    """What the dialog says: the sale, what was paid and how, and why it cannot be held
    when a card or a transfer was already charged (only "go on" is offered then)."""
    text = ngettext(
        "The till stopped with a sale in progress ({lines} item, {total}). It is back on "
        "screen.",
        "The till stopped with a sale in progress ({lines} items, {total}). It is back on "
        "screen.", len(sale.lines)).format(lines=len(sale.lines), total=format_money(sale.total))
    if sale.tendered:
        text += " " + paid_text(sale)
    if not can_hold(sale):
        text += " " + _("A card or transfer was already charged, so it cannot be put on hold: "
                        "finish it.")
    return text


def can_hold(sale: Sale) -> bool:
    """Cash taken goes on hold with the sale; a card or transfer must not (Register.park)."""
    return all(t.kind is TenderKind.CASH for t in sale.tenders)


def paid_text(sale: Sale) -> str:
    """What was already taken, tender by tender: a card or a transfer was never cash."""
    tenders = ", ".join(f"{_(TENDER_WORDS[t.kind])} {format_money(t.amount)}"
                        for t in sale.tenders)
    return _("Paid {paid}: {tenders}.").format(paid=format_money(sale.tendered),
                                               tenders=tenders)


class RecoveredSaleDialog(ConfirmDialog):
    def __init__(self, window: MainWindow, sale: Sale) -> None:
        super().__init__(window, _("Sale recovered"), recovered_text(sale))
        self.setObjectName("recoveredSaleDialog")
        self.window_ = window
        self.yes.setText(_("Go on with it (Enter)"))
        self.yes.setObjectName("keyButton")
        self.no.setText(_("Put it on hold (Esc)"))
        if not can_hold(sale):
            self.no.hide()  # the text says why

    def reject(self) -> None:
        if self.no.isHidden():
            return
        try:
            parked_id = self.window_.register.park(_("Recovered after the till stopped"))
        except PosError as exc:
            self.show_error(explain(exc))
            return
        self.window_.banner.ok(
            _("Sale put on hold (No. {id}). F5 recalls it.").format(id=parked_id))
        super().reject()
