"""The till window (PySide6). Widgets call the register and other services, never SQL."""
