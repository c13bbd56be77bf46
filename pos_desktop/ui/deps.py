"""What the till window is given: the services it calls, typed, and two ports.

The composition root (``pos_desktop.app.bootstrap``) builds these and hands them over with
``Till.window_deps()``; widgets never reach the database, an engine or the root itself.
Printing and sync run on their own threads at the root; the window sees them through the
two small ports below (``PrintControl`` and the root's sync port implement them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pos_desktop.config import Identity
from pos_desktop.services.catalog_admin import CatalogAdmin
from pos_desktop.services.guard import TillGuard
from pos_desktop.services.people import People, Session, StaffAdmin
from pos_desktop.services.refunds import RefundService
from pos_desktop.services.register import Register
from pos_desktop.services.settings import SettingsService
from pos_desktop.services.shifts import ShiftService

if TYPE_CHECKING:
    from pos_desktop.domain.sale import Sale
    from pos_desktop.sync.status import SyncStatus


class PrintingPort(Protocol):
    @property
    def problem(self) -> str | None:
        """Why the configured printer is not in use (receipts go to the screen), or None."""
        ...

    def start(
        self, *, on_status: Callable[[Any], None] | None = None,
        on_virtual_print: Callable[[bytes], None] | None = None,
    ) -> object:
        """Start the queue; ``on_status`` and ``on_virtual_print`` are called from its
        worker thread (emit a Qt signal there, never touch a widget)."""
        ...

    def stop(self) -> None: ...

    def reprint(self, ticket_number: int) -> str: ...

    def retry_failed(self) -> int: ...

    def apply_settings(self) -> str | None:
        """Use the printer settings as now saved; the problem if they cannot be used."""
        ...


class SyncPort(Protocol):
    def status(self) -> SyncStatus:
        """Two short reads, no network: run it off the GUI thread all the same."""
        ...

    def restart(self) -> None:
        """Rebuild sync from the settings as now saved."""
        ...


class FiscalPort(Protocol):
    def status(self) -> dict[str, Any]:
        """ARCA's state and the comprobantes waiting (short reads): off the GUI thread."""
        ...

    def listen(self, listener: Callable[[Any], None]) -> None:
        """``listener`` is called from the fiscal worker's thread with each outcome
        (``pos_desktop.fiscal.worker.FiscalOutcome``): emit a Qt signal there."""
        ...

    def reload(self) -> None:
        """The fiscal settings as now saved: the register's policy (threshold, points of
        sale) and a login at the next pass (a new certificate may fix a refused one)."""
        ...


@dataclass(frozen=True)
class TillDeps:
    identity: Identity
    register: Register
    session: Session
    people: People
    guard: TillGuard
    staff: StaffAdmin
    shifts: ShiftService
    refunds: RefundService
    settings: SettingsService
    catalog: CatalogAdmin
    printing: PrintingPort | None = None
    sync: SyncPort | None = None
    fiscal: FiscalPort | None = None  # fiscal mode ARCA only
    store_name: str = ""
    demo: bool = False
    standalone: bool = True
    """No head office configured: nothing waits to be sent, so nothing says it does."""
    recovered: Sale | None = None
    """A sale left in progress when the till stopped (a crash, a power cut), back on the
    register: the window says so and offers to go on with it or hold it."""
