from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_desktop.app import Till


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    t = Till.open(tmp_path / "data", demo=True)
    yield t
    t.close()
