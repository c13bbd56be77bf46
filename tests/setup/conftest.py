"""An in-memory keyring for every setup test: the developer's real keychain is never touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from pos_desktop.app import Till
from tests.support.keyring import MemoryKeyring


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for env in ("POS_AMQP_PASSWORD", "POS_CENTRAL_TOKEN"):
        monkeypatch.delenv(env, raising=False)  # the env fallback would win over the keyring
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    t = Till.open(tmp_path / "data")
    try:
        yield t
    finally:
        t.close()
