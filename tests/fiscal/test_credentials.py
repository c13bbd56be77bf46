"""The taxpayer's key: a file only the till's user reads, or the keyring; never in a log."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from pos_arca import ManualClock
from pos_arca.standin import ArcaStandin
from pos_arca.testing import TaxpayerCredentials
from pos_desktop.fiscal.client import open_session
from pos_desktop.fiscal.credentials import FiscalKeyError, read_private_key, store_private_key
from pos_desktop.fiscal.worker import FiscalWorker
from tests.fiscal.conftest import invoice_block, settings_for
from tests.fiscal.memory_book import MemoryBook


def test_a_key_file_is_written_readable_by_its_owner_only(tmp_path: Path,
                                                           taxpayer: TaxpayerCredentials) -> None:
    path = tmp_path / "keys" / "arca.key"
    store_private_key(taxpayer.private_key_pem, key_file=path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_private_key(str(path)) == taxpayer.private_key_pem


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_key_file_others_may_read_is_refused(tmp_path: Path,
                                               taxpayer: TaxpayerCredentials) -> None:
    path = tmp_path / "arca.key"
    path.write_bytes(taxpayer.private_key_pem)
    path.chmod(0o644)
    with pytest.raises(FiscalKeyError, match="chmod 600"):
        read_private_key(str(path))


def test_the_key_never_reaches_a_log_line(tmp_path: Path, taxpayer: TaxpayerCredentials,
                                          standin: ArcaStandin, clock: ManualClock,
                                          caplog: pytest.LogCaptureFixture) -> None:
    key_file = tmp_path / "arca.key"
    store_private_key(taxpayer.private_key_pem, key_file=key_file)
    settings = settings_for(standin, taxpayer, key_file=str(key_file))
    book = MemoryBook()
    book.add(invoice_block())
    worker = FiscalWorker(book, lambda: open_session(settings, tmp_path, clock=clock),
                          clock=clock)
    with caplog.at_level(logging.DEBUG):
        assert worker.run_once().authorized == 1
        key_file.chmod(0o640)  # and an error about the key says so without showing it
        assert "chmod 600" in _error(settings, tmp_path)
    body = taxpayer.private_key_pem.decode().splitlines()[1:-1]
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert caplog.records and not any(line in logged for line in body)


def _error(settings: object, tmp_path: Path) -> str:
    try:
        open_session(settings, tmp_path)  # type: ignore[arg-type]
    except FiscalKeyError as error:
        return str(error)
    return ""
