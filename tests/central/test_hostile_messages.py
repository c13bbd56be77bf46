"""Whatever the bytes, one message never stops the ingest: it is applied or dead-lettered
with its reason, and the message published after it is applied."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from pos_central.ingest.consumer import IngestHooks
from pos_contracts import Envelope
from pos_contracts.testing import SimulatedTerminal

from .conftest import Broker, query, running_ingest, scalar, wait_until

pytestmark = pytest.mark.services

Mutation = Callable[[dict[str, Any]], None]


def body_of(event: Envelope, change: Mutation | None = None) -> bytes:
    document = json.loads(event.to_json())
    if change is not None:
        change(document)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def replaced(event: Envelope, old: bytes, new: bytes) -> bytes:
    body = event.to_json()
    assert old in body
    return body.replace(old, new, 1)


def many_tenders(document: dict[str, Any], count: int = 199_999) -> None:
    """Schema-valid and adding up: ``count`` debit tenders of one centavo and the rest."""
    payload = document["payload"]
    assert payload["total"] > count, "a sale big enough to pay in centavos"
    payload["tenders"] = [{"kind": "debit", "amount": 1, "reference": None}] * count
    payload["tenders"].append({"kind": "cash", "amount": payload["total"] - count,
                               "reference": None})
    payload["change"] = 0


def hostile_bodies(till: SimulatedTerminal) -> dict[str, tuple[bytes, str]]:
    """name -> (body, the reason code it must be dead-lettered with)."""
    deep = 100_000
    return {
        "nested_100000_deep": (b'{"a":' * deep + b"1" + b"}" * deep, "limits"),
        "deep_value_in_the_payload": (
            replaced(till.sale(), b'"ticket_discount":0',
                     b'"ticket_discount":' + b"[" * deep + b"]" * deep),
            "limits",
        ),
        "integer_of_5000_digits": (
            replaced(till.sale(), b'"ticket_discount":0', b'"ticket_discount":' + b"9" * 5000),
            "limits",
        ),
        "seq_of_5000_digits": (
            body_of(till.sale()).replace(b'"seq":', b'"seq":' + b"1" * 5000 + b',"x":', 1),
            "limits",
        ),
        "lone_surrogate_escaped": (
            replaced(till.sale(), b'"description":"', b'"description":"\\ud800'),
            "not_json",
        ),
        "lone_surrogate_encoded": (
            replaced(till.sale(), b'"description":"', b'"description":"\xed\xa0\x80'),
            "not_json",
        ),
        "two_hundred_thousand_tenders": (body_of(till.sale(1), many_tenders), "limits"),
        "a_thousand_and_one_tenders": (
            body_of(till.sale(1), lambda d: many_tenders(d, 1000)), "limits"
        ),
        "a_valid_sale_padded_to_two_megabytes": (till.sale().to_json() + b" " * 2_000_000,
                                                 "limits"),
    }


def schema_violations(till: SimulatedTerminal) -> list[bytes]:
    """One of each kind a schema states, all dead-lettered as payload or envelope."""
    mutations: list[Mutation] = [
        lambda d: d["payload"].pop("total"),  # required
        lambda d: d["payload"].update(total="4321"),  # type
        lambda d: d["payload"].update(unknown=1),  # additionalProperties
        lambda d: d["payload"].update(change=-1),  # minimum
        lambda d: d["payload"]["tenders"][0].update(kind="bitcoin"),  # enum
        lambda d: d["payload"].update(ticket="1-1"),  # pattern
        lambda d: d["payload"].update(completed_at="ayer"),  # format
        lambda d: d["payload"]["lines"][0].update(description="x" * 201),  # maxLength
        lambda d: d["payload"].update(lines=[]),  # minItems
        lambda d: d["payload"].update(cashier=[]),  # object
        lambda d: d.update(trace_id="not a trace"),  # envelope pattern
        lambda d: d.pop("event_id"),  # envelope required
        lambda d: d.update(seq=0),  # envelope minimum
    ]
    return [body_of(till.sale(), mutation) for mutation in mutations]


def reason_codes(broker: Broker) -> dict[bytes, str]:
    return {
        body: headers["x-pos-reject-reason"].split(":")[0]
        for headers, body in broker.dead_letters()
    }


def sales_applied(db_url: str) -> int:
    return int(scalar(db_url, "SELECT count(*) FROM sales"))


CASES = sorted(hostile_bodies(SimulatedTerminal(seed=0)))


@pytest.mark.parametrize("case", CASES)
def test_one_hostile_message_is_dead_lettered_and_the_next_sale_applied(
    central_db: str, broker: Broker, case: str
) -> None:
    till = SimulatedTerminal(seed=71)
    body, code = hostile_bodies(till)[case]
    after = till.sale()
    broker.publish([body, after])
    with running_ingest(central_db, broker) as ingest:
        wait_until(lambda: sales_applied(central_db) == 1, what="the sale after it")
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1, what="dead")
        # The counter moves just after the dead letter is confirmed: wait for it, not race it.
        wait_until(
            lambda: ingest.counter("pos_central_events_dead_lettered_total", code=code) == 1.0,
            what=f"the dead letter counted as {code}",
        )
    assert reason_codes(broker) == {body: code}
    assert query(central_db, "SELECT event_id::text FROM sales") == [(after.event_id,)]


def test_every_hostile_message_and_schema_violation_ends_dead_lettered_and_the_flow_goes_on(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=72)
    hostile = [(body, code) for body, code in hostile_bodies(till).values()]
    violations = [(body, "payload") for body in schema_violations(till)]
    violations[-3:] = [(body, "envelope") for body, _ in violations[-3:]]
    good = [till.sale() for _ in range(len(hostile) + len(violations))]
    mixed: list[Envelope | bytes] = []
    for sale, (body, _) in zip(good, [*hostile, *violations], strict=True):
        mixed += [body, sale]
    broker.publish(mixed)
    expected = dict([*hostile, *violations])
    with running_ingest(central_db, broker):
        wait_until(lambda: sales_applied(central_db) == len(good), what="every good sale")
        wait_until(
            lambda: broker.depth(broker.topology.dead_letter_queue) == len(expected),
            what="every hostile message dead-lettered",
        )
    assert reason_codes(broker) == expected
    assert broker.depth(broker.topology.ingest_queue) == 0


def test_an_unexpected_error_dead_letters_that_event_counted_by_its_kind_and_the_rest_apply(
    central_db: str, broker: Broker
) -> None:
    till = SimulatedTerminal(seed=73)
    events = [till.sale() for _ in range(5)]
    doomed = events[2].event_id

    def a_bug_with_one_event(applied: Sequence[Envelope]) -> None:
        if any(env.event_id == doomed for env in applied):
            raise KeyError("a bug in a writer")

    broker.publish(events)
    with running_ingest(central_db, broker, hooks=IngestHooks(before_commit=a_bug_with_one_event)
                        ) as ingest:
        wait_until(lambda: sales_applied(central_db) == 4, what="the other four sales")
        wait_until(lambda: broker.depth(broker.topology.dead_letter_queue) == 1, what="dead")
        by_kind = ingest.counted("pos_central_unexpected_errors_total", 1, exception="KeyError")
        by_code = ingest.counted("pos_central_events_dead_lettered_total", 1,
                                 code="unexpected_error")
    [(headers, body)] = broker.dead_letters()
    assert body == events[2].to_json()
    assert headers["x-pos-reject-reason"].startswith("unexpected_error: KeyError")
    assert (by_kind, by_code) == (1.0, 1.0)
    assert doomed not in {row[0] for row in query(central_db, "SELECT event_id::text FROM sales")}
