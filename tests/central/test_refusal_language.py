"""Head office's refusals follow their reader's language (they were Spanish only:
"falta el token de acceso o no es válido" to an English client): a user's own setting,
else the request's Accept-Language, else Spanish. The contract a client reads, the status,
``WWW-Authenticate`` and ``{"error": ...}``, is the same in both."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app
from pos_central.api.refusals import accepted_language

from .api_support import settings_for
from .conftest import Broker, query
from .test_api_office import TEA, add_user, login, token_for

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.mark.parametrize(("header", "language"), [
    ("en-US,en;q=0.9,es;q=0.8", "en"), ("es-AR,es;q=0.9,en;q=0.8", "es_AR"),
    ("fr, es;q=0.5", "es_AR"), ("fr, en;q=0.3, es;q=0.2", "en"), ("en;q=0, es;q=0", None),
    ("de-DE", None), ("", None), ("en;q=abc", None),
])
def test_the_accepted_language_is_the_most_preferred_of_ours(header: str,
                                                             language: str | None) -> None:
    assert accepted_language(header) == language


@pytest.fixture
def client(central_db: str, broker: Broker) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(central_db, broker, till_token="tills"))) as c:
        yield c


def english_user(central_db: str, name: str, role: str, stores: list[str] | None = None
                 ) -> int:
    user_id = add_user(central_db, name, role, stores)
    query(central_db, "UPDATE office_users SET language = 'en' WHERE user_id = %s RETURNING 1",
          (user_id,))
    return user_id


def bearer(central_db: str, user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(central_db, user_id)}"}


@pytest.mark.services
def test_no_token_is_refused_in_the_language_the_request_accepts(client: TestClient) -> None:
    spanish = client.get("/v1/terminals")
    english = client.get("/v1/terminals", headers=ENGLISH)
    for answer in (spanish, english):
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert list(answer.json()) == ["error"]
    assert spanish.json()["error"] == "falta el token de acceso o no es válido"
    assert spanish.headers["Content-Language"] == "es-AR"
    assert english.json()["error"] == "the access token is missing or not valid"
    assert english.headers["Content-Language"] == "en"
    # the tills' token is no user's: a user's endpoint says so in the reader's language
    tills = client.get("/v1/users", headers={"Authorization": "Bearer tills", **ENGLISH})
    assert (tills.status_code, tills.json()) == (
        401, {"error": "log in, or use the token of a head office user"})


@pytest.mark.services
def test_a_users_own_language_wins_over_the_request(client: TestClient,
                                                    central_db: str) -> None:
    spanish = bearer(central_db, add_user(central_db, "vero", "viewer"))
    english = bearer(central_db, english_user(central_db, "vic", "viewer"))
    body = {**TEA.to_wire(), "price": 1}
    told = [client.put("/v1/products/A1", headers={**auth, "Accept-Language": asks}, json=body)
            for auth, asks in ((spanish, "en"), (english, "es-AR"))]
    assert [answer.status_code for answer in told] == [403, 403]
    assert [answer.json()["error"] for answer in told] == [
        "solo un administrador puede hacer esto", "only an administrator may do this"]
    manager = bearer(central_db, english_user(central_db, "max", "manager", ["S001"]))
    refused = client.delete("/v1/terminals/S002/T01", headers=manager)
    assert (refused.status_code, refused.json()) == (
        403, {"error": "store S002 is not one of yours"})
    missing = client.get("/v1/products/ZZ9", headers=manager)
    assert (missing.status_code, missing.json()) == (404, {"error": "no such product 'ZZ9'"})


@pytest.mark.services
def test_the_staff_page_refuses_in_the_users_language(client: TestClient,
                                                      central_db: str) -> None:
    english_user(central_db, "mia", "manager", ["S001"])
    csrf = login(client, "mia")
    answer = client.post("/staff", data={"csrf_token": csrf, "new": "1", "store_id": "S002",
                                         "user_id": "u-x", "name": "X", "role": "cashier",
                                         "pin": "4321"})
    assert "store S002 is not one of yours" in answer.text
    assert not re.search(r"no es de las suyas", answer.text)
