"""Why a message is not a valid event."""

from __future__ import annotations


class InvalidEvent(ValueError):
    """A message that no consumer may apply. ``code`` is stable; ``reason`` is for people.

    Codes: ``not_json``, ``envelope`` (envelope fields wrong), ``unknown_type`` (no schema
    for this type and version), ``payload`` (payload breaks its schema), ``amounts``
    (numbers that must add up do not), ``limits`` (beyond the wire limits of ``limits.py``).
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason

    @property
    def header_value(self) -> str:
        """The text put in the ``x-pos-reject-reason`` header of a dead-lettered message."""
        return f"{self.code}: {self.reason}"[:1000]
