"""Registering tills: the command line and the Terminals page give a till the same two
credentials (its broker user and its own API token), and the page shows an identity
suspended as a clone with what a manager does about it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pos_central.api.app import create_app
from pos_central.broker_admin import BrokerAdmin
from pos_central.cli import main
from pos_contracts.testing import SimulatedTerminal

from .api_support import settings_for
from .conftest import Broker, running_ingest, scalar, wait_until
from .test_api_office import add_user, login, report

pytestmark = pytest.mark.services


@pytest.fixture
def client(central_db: str, broker: Broker, admin: BrokerAdmin) -> Iterator[TestClient]:
    broker.till_queues.append(broker.topology.till_catalog_queue("S001", "T01"))
    with TestClient(create_app(settings_for(central_db, broker))) as c:
        yield c


def till_add(central_db: str, broker: Broker, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    common = ["--db-url", central_db, "--amqp-url", broker.url, "--prefix", broker.topology.prefix]
    assert main(["till", "add", "--store", "S001", "--terminal", "T01", "--json", *common]) == 0
    printed: dict[str, str] = json.loads(capsys.readouterr().out)
    return printed


def test_till_add_issues_the_tills_own_api_token_and_registering_again_replaces_it(
    client: TestClient, central_db: str, broker: Broker, capsys: pytest.CaptureFixture[str]
) -> None:
    first = till_add(central_db, broker, capsys)
    assert first["api_token"].startswith("pos_")
    mine = {"Authorization": f"Bearer {first['api_token']}"}
    assert client.post("/v1/terminals/S001/T01/report", headers=mine,
                       json=report(1)).status_code == 204
    assert client.post("/v1/terminals/S002/T01/report", headers=mine,
                       json=report(1)).status_code == 403  # its own terminal only
    second = till_add(central_db, broker, capsys)
    assert second["api_token"] != first["api_token"]
    assert client.post("/v1/terminals/S001/T01/report", headers=mine,
                       json=report(1)).status_code == 401
    assert client.post("/v1/terminals/S001/T01/report", json=report(1),
                       headers={"Authorization": f"Bearer {second['api_token']}"}
                       ).status_code == 204
    common = ["--db-url", central_db, "--amqp-url", broker.url, "--prefix", broker.topology.prefix]
    assert main(["till", "revoke", "--store", "S001", "--terminal", "T01", *common]) == 0
    assert client.post("/v1/terminals/S001/T01/report", json=report(1),
                       headers={"Authorization": f"Bearer {second['api_token']}"}
                       ).status_code == 401
    assert scalar(central_db, "SELECT string_agg(action, ',' ORDER BY audit_id) FROM audit_log "
                              "WHERE action IN ('terminal.register', 'terminal.revoke')") == (
        "terminal.register,terminal.register,terminal.revoke")


def test_the_terminals_page_shows_a_suspended_till_and_registering_it_again_lifts_it(
    client: TestClient, central_db: str, broker: Broker
) -> None:
    first, second = SimulatedTerminal(seed=81), SimulatedTerminal(seed=82)  # both S001/T01
    with running_ingest(central_db, broker):  # as guest: accept_unregistered
        broker.publish([first.sale()])
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM sales") == 1)
        broker.publish([second.sale()])  # seq 1 again: a clone
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 1)
        broker.publish([second.sale()])  # held too: the identity is suspended
        wait_until(lambda: scalar(central_db, "SELECT count(*) FROM held_events") == 2)
    add_user(central_db, "marta", "admin")
    csrf = login(client, "marta")
    page = client.get("/terminals").text
    assert "Cajas suspendidas" in page
    assert "pos-central report conflicts" in page
    row = page[page.index('id="suspended"'):page.index("</section>", page.index('id="suspended"'))]
    assert "S001/T01" in row and '<td class="num">2</td>' in row  # two events held
    assert "Registrar de nuevo" in row

    answer = client.post("/terminals", data={"store_id": "S001", "terminal_id": "T01",
                                             "csrf_token": csrf})
    assert answer.status_code == 200
    assert "Token de acceso" in answer.text
    assert 'id="suspended"' not in answer.text  # lifted for the new registration
    assert scalar(central_db, "SELECT lifted_generation FROM terminal_suspensions") == 1
