"""Receipts: layout (pure), ESC/POS bytes, PDF, on-screen preview and the print queue.

This package knows nothing of the till's domain, database or windows. Its input is the
``sale.completed`` payload (see ``printers.model``), the shop's ``StoreInfo`` and the
``PrinterSettings`` chosen by the manager. The entry points for other layers live in
``printers.api``.
"""
