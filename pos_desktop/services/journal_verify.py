"""``pos-desktop journal --verify``: is the tamper-evident chain whole, and do the rows it
vouches for agree with it? The check reads the database itself, in bulk and in several
processes when the journal is long: it lives with the tables, in
``pos_desktop.store.journal_check``; this is the name the till's commands use."""

from __future__ import annotations

from pos_desktop.store.journal_check import (
    Problem,
    ProblemKind,
    Verification,
    verify,
    verify_engine,
)

__all__ = ["Problem", "ProblemKind", "Verification", "verify", "verify_engine"]
