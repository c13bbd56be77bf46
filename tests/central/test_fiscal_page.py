# ruff: noqa: F811 (the fixtures imported from caea_support are parameters here)
"""The back office's fiscal page and ``GET /v1/fiscal/caea``: a fortnight's CAEA, what the
tills issued with it, what ARCA was told and refused, what is left to inform and how late
it is — the figures ``pos-central fiscal status`` prints, shown to the people who must act
on them; a store manager sees only the taxpayers their stores sell for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from pos_arca import Fortnight
from pos_arca.standin import ArcaStandin
from pos_central.api.app import create_app
from pos_central.fiscal.grants import obtain
from pos_central.fiscal.inform import inform

from .api_support import settings_for
from .caea_support import (  # noqa: F401 (fixtures)
    CUIT,
    CountingWsfe,
    ca,
    clock,
    credentials,
    standin,
    taxpayer,
    wsfe,
)
from .conftest import Broker, scalar
from .test_api_office import add_user, login, token_for
from .test_caea_inform import sell_offline

pytestmark = pytest.mark.services
JULY = Fortnight(202607, 1)


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker, till_token="tills"))) as c:
        yield c


@pytest.fixture
def one_rejected(central_db: str, broker: Broker, wsfe: CountingWsfe,
                 standin: ArcaStandin) -> str:
    """Four CAEA sales of S001; the third carries a code that is not ARCA's, so two are
    informed, one is rejected and two wait (the fortnight's deadline is long past)."""
    caea = obtain(central_db, wsfe, CUIT, JULY, date(2026, 7, 10)).grant.caea
    sell_offline(central_db, broker, caea, codes={3: "69999999999999"})
    inform(central_db, wsfe, CUIT)
    assert scalar(central_db, "SELECT count(*) FROM caea_reports WHERE state = 'informed'") == 2
    return caea


def test_the_page_shows_each_fortnight_what_is_informed_rejected_and_late(
        client: TestClient, central_db: str, one_rejected: str) -> None:
    add_user(central_db, "marta", "admin")
    login(client, "marta")
    page = client.get("/fiscal")
    assert page.status_code == 200
    text = page.text
    assert one_rejected in text and "07/2026 · 1.ª quincena" in text
    assert "01/07/2026 – 15/07/2026" in text
    assert "vencido" in text  # comprobantes left to inform after FchTopeInf
    assert "Rechazado por ARCA: punto de venta 00002, tipo 6, número 00000003" in text
    assert "783" in text  # ARCA's own code and message
    cells = [int(n) for n in _figures(text)]
    assert cells == [4, 2, 1, 0, 2]  # issued, informed, rejected, in doubt, to inform
    english = client.get("/lang/en", follow_redirects=True)
    assert english.status_code == 200
    assert "Rejected by ARCA: point of sale 00002" in client.get("/fiscal").text


def test_the_api_gives_the_same_figures_and_a_store_manager_only_their_taxpayers(
        client: TestClient, central_db: str, one_rejected: str) -> None:
    admin = token_for(central_db, add_user(central_db, "marta", "admin"))
    answer = client.get("/v1/fiscal/caea", headers={"Authorization": f"Bearer {admin}"})
    assert answer.status_code == 200
    (fortnight,) = answer.json()["fortnights"]
    assert (fortnight["caea"], fortnight["issued"], fortnight["informed"],
            fortnight["rejected"], fortnight["pending"]) == (one_rejected, 4, 2, 1, 2)

    own = token_for(central_db, add_user(central_db, "lucia", "manager", ["S001"]))
    other = token_for(central_db, add_user(central_db, "pablo", "manager", ["S002"]))
    mine = client.get("/v1/fiscal/caea", headers={"Authorization": f"Bearer {own}"}).json()
    theirs = client.get("/v1/fiscal/caea", headers={"Authorization": f"Bearer {other}"}).json()
    assert [f["caea"] for f in mine["fortnights"]] == [one_rejected]
    assert [p["store_id"] for p in mine["points_of_sale"]] == ["S001"]
    assert theirs["fortnights"] == [] and theirs["points_of_sale"] == []
    assert theirs["taxpayers"] == []


def _figures(html: str) -> list[str]:
    """The five counts of the first fortnight's row (the cells after "Sent to the tills")."""
    import re

    row = html.split('<td class="mono">', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num">(?:<span class="pill bad">|<strong>)?(\d+)', row)
