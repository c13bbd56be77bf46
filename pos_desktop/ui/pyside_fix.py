"""Work around a PySide6 6.12 reference-count bug on CPython 3.11.

PySide6 6.12.0 (abi3 wheels built for interpreters where None/True/False are immortal)
returns ``None`` from every void method, and ``True`` from ``Signal.emit``, without taking
a reference. On CPython 3.12+ that is harmless; on 3.11 each call steals one reference and
after a few thousand calls the interpreter aborts with "deallocating None". A till makes
that many calls in minutes. 6.11.x does not have the bug (checked: 400 void calls leave
the count of None unchanged on 6.11.3, and take 400 off on 6.12.0).

The real fix is to avoid that release (pin ``PySide6-Essentials!=6.12.0`` or use Python
3.12+). Until then, when a probe shows the leak, we do what 3.12 does: give the three
singletons a reference count so large that stolen references can never bring it to zero.
They are static objects and are never freed anyway, so nothing else changes.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)
_HEADROOM = 1 << 40  # ~10^12 stolen references: centuries of till use
_applied = False


def singletons_leak() -> bool:
    """True when calling a void Qt method takes a reference away from None."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 32


def apply() -> bool:
    """Protect None/True/False if this PySide6 leaks their references. Returns True if so."""
    global _applied
    if _applied:
        return True
    if not singletons_leak():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _applied = True
    log.warning(
        "PySide6 leaks references to None/True/False on this Python; protected them "
        "(use a PySide6 other than 6.12.0, or Python 3.12+)"
    )
    return True
