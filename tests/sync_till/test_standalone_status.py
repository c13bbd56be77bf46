"""A till with no head office configured is not 'offline with an error': it says standalone."""

from __future__ import annotations

from pos_common.i18n import set_language
from pos_desktop.sync.status import (
    NOT_CONFIGURED,
    SyncState,
    SyncStatus,
    status_bar_text,
)


def test_a_standalone_till_says_so_calmly() -> None:
    set_language("es_AR")
    status = SyncStatus(SyncState.OFFLINE, 3, 0, None, None, NOT_CONFIGURED, None)
    # Nothing is waiting to go anywhere: "3 to send to head office" had a standalone
    # manager looking for a head office they do not have (issue 14).
    assert status_bar_text(status) == ("caja independiente (sin casa central)", "info")
    broken = SyncStatus(SyncState.OFFLINE, 3, 0, None, None, "conexión rechazada", None)
    assert status_bar_text(broken)[1] == "warning"


def test_the_tills_own_sync_reasons_follow_the_language() -> None:
    """An English till showed 'envío a la central desactivado' and 'todavía sin conectar'."""
    from pos_desktop.sync.service import DISABLED

    status = SyncStatus(SyncState.OFFLINE, 0, 0, None, None, DISABLED, None)
    set_language("en")
    assert "sending to head office is off" in status_bar_text(status)[0]
    set_language("es_AR")
    try:
        assert "envío a la central desactivado" in status_bar_text(status)[0]
    finally:
        set_language("en")
