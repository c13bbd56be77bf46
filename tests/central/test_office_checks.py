"""What head office's pages and API report that nothing else tested: the CSV import's
all-or-nothing report (in the encodings a spreadsheet saves, as the till reads them), and
a till's clock skew on the terminals and the dashboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app

from .api_support import settings_for
from .conftest import Broker, query, scalar
from .test_api_office import add_user, report, till_auth, token_for

pytestmark = pytest.mark.services
HEADER = "sku;name;price;iva_rate;unit;barcodes;plu;category\r\n"


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker))) as c:
        yield c


def admin(central_db: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + token_for(central_db, add_user(central_db, "a", "admin"))}


def upload(client: TestClient, auth: dict[str, str], raw: bytes) -> object:
    return client.post("/v1/catalog/import", headers=auth,
                       files={"file": ("productos.csv", raw, "text/csv")})


def test_a_csv_saved_by_a_spanish_excel_imports_as_at_the_till(
    client: TestClient, central_db: str
) -> None:
    auth = admin(central_db)
    rows = HEADER + "A1;Azúcar Ledesma 1 kg;1.234,50;21;unit;;;Almacén\r\n"
    answer = upload(client, auth, rows.encode("cp1252"))  # Excel's "CSV (delimitado…)"
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    assert scalar(central_db, "SELECT name FROM products WHERE sku = 'A1'") == "Azúcar Ledesma 1 kg"
    assert scalar(central_db, "SELECT price FROM products WHERE sku = 'A1'") == 123_450
    utf16 = HEADER + "B2;Café Bonafide;999,00;21;unit;;;Almacén\r\n"
    assert upload(client, auth, utf16.encode("utf-16")).status_code == 200  # type: ignore[attr-defined]
    assert scalar(central_db, "SELECT name FROM products WHERE sku = 'B2'") == "Café Bonafide"


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_one(
    client: TestClient, central_db: str
) -> None:
    auth = admin(central_db)
    rows = (HEADER + "A1;Yerba;100,00;21;unit;;;\r\n" + "A2;Sin precio;;21;unit;;;\r\n"
            + "A3;Tasa rara;100,00;19;unit;;;\r\n")
    answer = upload(client, auth, rows.encode("utf-8"))
    text = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "2 filas con errores; no se importó nada" in text, text
    assert "línea 3" in text and "línea 4" in text and "'19'" in text, text
    assert scalar(central_db, "SELECT count(*) FROM products") == 0
    assert scalar(central_db, "SELECT count(*) FROM catalog_versions") == 0


def test_each_reader_gets_the_bad_rows_in_their_language_and_the_process_keeps_its_own(
    client: TestClient, central_db: str
) -> None:
    """An upload's reasons follow its reader (a user's own language), every word of them:
    the parser switched the whole server's language per upload, or mixed two languages."""
    from pos_common.i18n import current_language

    before = current_language()
    spanish_reader = admin(central_db)
    mary = add_user(central_db, "mary", "admin")
    assert query(central_db, "UPDATE office_users SET language = 'en' WHERE user_id = %s "
                 "RETURNING user_id", (mary,)) == [(mary,)]
    english_reader = {"Authorization": "Bearer " + token_for(central_db, mary)}
    rows = (HEADER + "A2;Sin precio;;21;unit;;;\r\n").encode("utf-8")
    english = upload_as(client, english_reader, rows)
    spanish = upload_as(client, spanish_reader, rows)
    assert "1 bad row; nothing was imported" in english and "line 2: bad price ''" in english
    assert "fila" not in english and "línea" not in english, english
    assert "1 fila con errores" in spanish and "línea 2: precio inválido ''" in spanish, spanish
    assert current_language() == before


def upload_as(client: TestClient, headers: dict[str, str], raw: bytes) -> str:
    answer = client.post("/v1/catalog/import", headers=headers,
                         files={"file": ("productos.csv", raw, "text/csv")})
    assert answer.status_code == 422, answer.text
    return str(answer.json()["error"])


def test_a_tills_clock_ahead_shows_its_skew_and_an_alert(
    client: TestClient, central_db: str
) -> None:
    from datetime import UTC, datetime, timedelta

    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    assert client.post("/v1/terminals/S001/T01/report", headers=till_auth(central_db),
                       json=report(1, till_time=ahead)).status_code == 204
    auth = admin(central_db)
    (till,) = client.get("/v1/terminals", headers=auth).json()
    assert 590 <= till["clock_skew_s"] <= 610 and till["skewed"]
    alerts = client.get("/v1/dashboard", headers=auth).json()["alerts"]
    (skew,) = [a for a in alerts if a["kind"] == "clock_skew"]
    assert (skew["store_id"], skew["terminal_id"]) == ("S001", "T01")
    assert isinstance(skew["values"]["seconds"], int)  # shown as '600 s', never '600.0 s'
