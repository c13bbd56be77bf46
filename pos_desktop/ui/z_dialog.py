"""The Z close, in three steps, and the X report.

1. Blind count: the drawer by denomination (the expected cash is NOT shown); F12 when done.
2. The result: counted, expected and over/short; a reason is required beyond the
   tolerance. Enter closes the shift; F2 goes back to recount.
3. Done: the Z number, where the PDF is, and "pending upload" until head office has it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_common.i18n import N_, _, explain, format_money
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.shift import DrawerCheck
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People
from pos_desktop.services.reports import report_document
from pos_desktop.services.shifts import ShiftService, ZResult
from pos_desktop.ui.dialog_base import TillDialog, reason_buttons
from pos_desktop.ui.drawer_count import DrawerCount
from pos_desktop.ui.guarded_dialog import GuardedDialog
from pos_desktop.ui.key_field import KeyField
from pos_desktop.ui.theme import set_level


class ZDialog(GuardedDialog):
    def __init__(
        self, parent: QWidget | None, shifts: ShiftService, guard: TillGuard, people: People,
        *, standalone: bool = False,
    ) -> None:
        super().__init__(
            parent,
            _("Z close"),
            _("Count the drawer. The expected cash is shown after the count."),
            guard,
            people,
        )
        self.shifts = shifts
        self.standalone = standalone
        self.check: DrawerCheck | None = None
        self.z: ZResult | None = None
        self.steps = QStackedWidget(self)
        self.body.addWidget(self.steps)

        self.count = DrawerCount(self)
        self.count.finished.connect(self._counted)
        self.steps.addWidget(self.count)

        review = QWidget(self)
        lay = QVBoxLayout(review)
        self.summary = QLabel(review)
        self.summary.setObjectName("zSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.difference = QLabel(review)
        self.difference.setObjectName("zDifference")
        self.reason = KeyField(review, clear_on_submit=False, takes_codes=False)
        self.reason.setObjectName("reasonField")
        self.reason.setPlaceholderText(_("Reason for the difference, then Enter to close"))
        self.reason.submitted.connect(lambda _t: self._close())
        self.reason.bind(Qt.Key.Key_F2, self._recount)
        lay.addWidget(self.summary)
        lay.addWidget(self.difference)
        lay.addWidget(self.reason)
        lay.addLayout(reason_buttons(review, self.reason, [_(r) for r in Z_REASONS]))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        recount = self._button(_("Recount (F2)"), "keyButton", self._recount)
        close = self._button(_("Close the shift (Enter)"), "payButton", self._close)
        buttons.addWidget(recount)
        buttons.addWidget(close)
        lay.addLayout(buttons)
        self.steps.addWidget(review)

        done = QWidget(self)
        lay = QVBoxLayout(done)
        self.outcome = QLabel(done)
        self.outcome.setObjectName("zOutcome")
        self.outcome.setWordWrap(True)
        self.finish = KeyField(done)
        self.finish.setPlaceholderText(_("Enter to finish"))
        self.finish.submitted.connect(lambda _t: self.accept())
        lay.addWidget(self.outcome)
        lay.addWidget(self.finish)
        lay.addWidget(self._button(_("Finish (Enter)"), "payButton", self.accept))
        self.steps.addWidget(done)
        self.setFocusProxy(self.count)
        self.add_ok_cancel(ok=False)

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    def _counted(self) -> None:
        try:
            self.check = self.shifts.check_count(self.count.counts)
        except PosError as exc:
            self.show_error(explain(exc))
            return
        self.clear_error()
        c = self.check
        self.summary.setText(
            "\n".join(
                [
                    _("Counted: {amount}").format(amount=format_money(c.counted)),
                    _("Expected: {amount}").format(amount=format_money(c.expected)),
                ]
            )
        )
        word = _("Over") if c.over_short > 0 else _("Short") if c.over_short < 0 else _("Even")
        self.difference.setText(f"{word}: {format_money(c.over_short)}")
        set_level(
            self.difference, "error" if c.needs_reason else "warning" if c.over_short else "ok"
        )
        self.hint.setText(
            _("A reason is required: the difference is beyond the tolerance.")
            if c.needs_reason
            else _("Enter closes the shift; F2 recounts.")
        )
        self.steps.setCurrentIndex(1)
        self.setFocusProxy(self.reason)
        self.reason.setFocus()

    def _recount(self) -> None:
        self.steps.setCurrentIndex(0)
        self.hint.setText(_("Count the drawer. The expected cash is shown after the count."))
        self.setFocusProxy(self.count)
        self.count.setFocus()

    def _close(self) -> None:
        def close() -> None:
            self.z = self.shifts.close_shift(self.count.counts, self.reason.text())

        self.attempt(close)

    def done_ok(self) -> None:
        z = self.z
        assert z is not None
        lines = [_("Z no. {number} closed.").format(number=z.z_number)]
        if not self.standalone:  # a till with no head office has nothing to send
            lines.append(_("Pending upload to head office."))
        if z.pdf is not None:
            lines.append(_("PDF: {path}").format(path=z.pdf))
        self.outcome.setText("\n".join(lines))
        self.hint.setText(_("The Z is printing."))
        self.steps.setCurrentIndex(2)
        self.setFocusProxy(self.finish)
        self.finish.setFocus()

    def reject(self) -> None:
        if self.step == 2:
            self.accept()  # the shift is closed: Esc just finishes
            return
        self.guard.withdraw("close_shift")
        super().reject()


Z_REASONS = (N_("Wrong change given"), N_("Unexplained"), N_("Counted again: same"))


class XReportDialog(TillDialog):
    """The shift so far (no reset). F9 prints it; Esc or Enter closes."""

    def __init__(self, parent: QWidget | None, shifts: ShiftService) -> None:
        figures = shifts.x_report()
        super().__init__(parent, _("X report (no reset)"), _("F9 prints it. Enter closes."))
        self.shifts = shifts
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reportText")  # monospaced: the columns line up
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setReadOnly(True)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        doc = report_document(shifts.x_data(figures), x=True)
        rows = [row for row in doc["rows"] if not row.get("separator")]
        label_width = max((len(row["label"]) for row in rows if row["value"]), default=26) + 2
        value_width = max((len(row["value"]) for row in rows), default=16)
        self.text.setPlainText(
            "\n".join(
                "-" * (label_width + value_width)
                if row.get("separator")
                else (f"{row['label']:<{label_width}}{row['value']:>{value_width}}"
                      if row["value"] else row["label"])
                for row in doc["rows"]
            )
        )
        self.text.setMinimumHeight(420)
        self.body.addWidget(self.text)
        self.field = KeyField(self)
        self.field.setPlaceholderText(_("Enter closes"))
        self.field.submitted.connect(lambda _t: self.accept())
        self.field.bind(Qt.Key.Key_F9, self.print_it)
        self.body.addWidget(self.field)
        self.setFocusProxy(self.field)
        self.printed = False
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self._button(_("Print (F9)"), "keyButton", self.print_it))
        row.addWidget(self._button(_("Close (Enter)"), "payButton", self.accept))
        self.layout_.addLayout(row)

    def print_it(self) -> None:
        try:
            self.shifts.x_report(print_it=True)
        except PosError as exc:
            self.show_error(explain(exc))
            return
        self.printed = True
        self.hint.setText(_("Sent to the printer."))
