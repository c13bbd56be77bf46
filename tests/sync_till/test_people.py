"""Head office's people at the till: a cashier made at head office logs in with the PIN
set there, a newer list wins and an older one changes nothing, wrong-PIN counts and
lockouts stay the till's own; the running listener applies ``people.changed`` from the
broker and takes the people from the snapshot once after the upgrade."""

from __future__ import annotations

from typing import Any

import pika
import pytest

from pos_central.topology import Topology, declare_till_catalog_queue
from pos_common.pins import scrypt_pin_hash
from pos_contracts import build_envelope, wire
from pos_desktop.app import Till
from pos_desktop.domain.people import UserLocked, WrongPin
from pos_desktop.sync.catalog_listener import CatalogListener
from pos_desktop.sync.people_apply import apply_people, people_version
from pos_desktop.sync.snapshot import Snapshot
from pos_desktop.sync.status import SyncState

from .helpers import sync_settings
from .test_catalog import listeners, wait_for  # noqa: F401 - fixture

LUCIA_HASH = scrypt_pin_hash("4321")  # made as head office makes it


def people(version: int, *entries: dict[str, Any], store: str = "S001") -> dict[str, Any]:
    return {"people_version": version, "store_id": store, "people": list(entries)}


def lucia(**changes: Any) -> dict[str, Any]:
    return {"user_id": "u-lucia", "name": "Lucía", "role": "cashier",
            "pin_hash": LUCIA_HASH, "active": True, **changes}


def test_a_cashier_from_head_office_logs_in_with_the_pin_set_there(till: Till) -> None:
    result = apply_people(till.uow, "S001", people(3, lucia()))
    assert (result.version, result.changed, result.skipped) == (3, 1, False)
    assert till.people.authenticate("u-lucia", "4321").name == "Lucía"
    with pytest.raises(WrongPin):
        till.people.authenticate("u-lucia", "1234")
    assert till.people.get("u-ana") is not None  # the till's own people are left alone


def test_an_older_list_or_another_stores_changes_nothing(till: Till) -> None:
    apply_people(till.uow, "S001", people(5, lucia(name="Lucía G.")))
    assert apply_people(till.uow, "S001", people(4, lucia(name="Vieja"))).skipped
    assert apply_people(till.uow, "S001", people(5, lucia(name="Repetida"))).skipped
    assert apply_people(till.uow, "S001", people(9, lucia(name="Otra"), store="S002")).skipped
    assert till.people.get("u-lucia").name == "Lucía G."  # type: ignore[union-attr]
    assert people_version(till.uow) == 5
    apply_people(till.uow, "S001", people(6, lucia(active=False)))
    assert not till.people.get("u-lucia").active  # type: ignore[union-attr]


def test_the_tills_lockout_survives_a_new_list_from_head_office(till: Till) -> None:
    apply_people(till.uow, "S001", people(1, lucia()))
    for _ in range(5):
        with pytest.raises((WrongPin, UserLocked)):
            till.people.authenticate("u-lucia", "0000")
    apply_people(till.uow, "S001", people(2, lucia(pin_hash=scrypt_pin_hash("5555"))))
    with pytest.raises(UserLocked):  # head office cannot unlock a till by resending
        till.people.authenticate("u-lucia", "5555")


def publish_people(amqp_url: str, topo: Topology, payload: dict[str, Any],
                   *, routed: bool = True) -> None:
    envelope = build_envelope(wire.PEOPLE_CHANGED, payload, store_id=wire.CENTRAL_STORE_ID,
                              terminal_id=wire.CENTRAL_PEOPLE_TERMINAL_ID,
                              seq=max(1, payload["people_version"]))
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(topo.catalog_exchange, wire.people_routing_key(payload["store_id"]),
                              envelope.to_json(), pika.BasicProperties(delivery_mode=2),
                              mandatory=routed)


@pytest.fixture
def registered(amqp_url: str, topology: Topology) -> None:
    """The till's queue as head office declares it at registration (people bound)."""
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as conn:
        declare_till_catalog_queue(conn.channel(), topology, "S001", "T01")


@pytest.mark.services
def test_the_listener_applies_people_from_the_broker_and_once_from_the_snapshot(
    till: Till, amqp_url: str, topology: Topology, registered: None,
    listeners: list[CatalogListener],  # noqa: F811
) -> None:
    with till.uow() as uow:  # installed before head office sent people
        uow.settings.set("catalog_version", 3)
        uow.commit()
    fetched: list[int] = []

    def snapshot() -> Snapshot:
        fetched.append(1)
        return Snapshot(3, [], people=people(2, lucia(name="Lucía (snapshot)")))

    listener = CatalogListener(sync_settings(till, amqp_url, topology), till.uow, fetch=snapshot)
    listeners.append(listener)
    listener.start()
    wait_for(lambda: listener.link().state is SyncState.ONLINE)
    assert fetched == [1]
    assert till.people.get("u-lucia").name == "Lucía (snapshot)"  # type: ignore[union-attr]

    publish_people(amqp_url, topology, people(7, lucia(role="supervisor")))
    publish_people(amqp_url, topology, people(8, lucia(name="Ajena"), store="S002"),
                   routed=False)  # no till of S001 is bound to it
    wait_for(lambda: people_version(till.uow) == 7)
    assert till.people.get("u-lucia").role.value == "supervisor"  # type: ignore[union-attr]

    listener.stop()  # a new session: people known, no second download
    listener.start()
    wait_for(lambda: listener.link().state is SyncState.ONLINE)
    assert fetched == [1]
