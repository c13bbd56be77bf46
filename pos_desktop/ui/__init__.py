"""The till window (PySide6). Widgets call the register and other services, never SQL."""

from pos_desktop.ui import pyside_fix

pyside_fix.apply()  # before any widget exists: see pyside_fix for the PySide6 6.12 bug
