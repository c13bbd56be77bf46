"""The publisher's view of the outbox: order, marks, and the mark writer (SQLite only)."""

from __future__ import annotations

from sqlalchemy import select

from pos_desktop.app import Till
from pos_desktop.store.outbox import OutboxQueue, runs
from pos_desktop.store.tables import outbox
from pos_desktop.sync.marks import MarkWriter

from .helpers import sell


def statuses(till: Till) -> dict[int, tuple[str, str | None]]:
    with till.reader.connect() as conn:
        rows = conn.execute(select(outbox.c.seq, outbox.c.status, outbox.c.last_error))
        return {int(seq): (str(status), error) for seq, status, error in rows}


def test_runs_groups_consecutive_seqs() -> None:
    assert runs([5, 1, 2, 3, 7, 8, 2]) == [(1, 3), (5, 5), (7, 8)]
    assert runs([]) == []


def test_pending_events_come_in_seq_order_after_the_cursor(till: Till) -> None:
    sell(till, 5)
    queue = OutboxQueue(till.reader, till.writer, "S001", "T01")
    everything = queue.pending_after(0, 100)
    assert [e.seq for e in everything] == list(range(1, len(everything) + 1))
    assert [e.seq for e in queue.pending_after(2, 2)] == [3, 4]
    first = everything[0]
    assert first.body.decode().startswith('{"event_id"')
    assert (first.store_id, first.terminal_id) == ("S001", "T01")


def test_record_marks_confirmed_rows_sent_and_refused_ones_failed(till: Till) -> None:
    sell(till, 5)
    queue = OutboxQueue(till.reader, till.writer, "S001", "T01")
    queue.record([1, 2, 4], {3: "NO_ROUTE"})
    marks = statuses(till)
    assert [marks[s][0] for s in (1, 2, 3, 4, 5)] == ["sent", "sent", "failed", "sent", "pending"]
    assert marks[3][1] == "NO_ROUTE"
    assert [e.seq for e in queue.failed(10)] == [3]
    assert queue.unsent_count() == len(marks) - 3
    # What a new channel sends: the refused row among the pending ones, in seq order.
    assert [e.seq for e in queue.unsent_after(2, 2)] == [3, 5]
    queue.record([], {1: "late nack"})  # a sent row is never demoted
    assert statuses(till)[1] == ("sent", None)
    queue.record([3], {})  # a retried refused event that got through
    assert statuses(till)[3] == ("sent", None)


def test_the_mark_writer_records_on_its_own_thread_and_reports(till: Till) -> None:
    sell(till, 3)
    queue = OutboxQueue(till.reader, till.writer, "S001", "T01")
    recorded: list[tuple[list[int], dict[int, str]]] = []
    writer = MarkWriter(queue, on_recorded=lambda a, r: recorded.append((a, r)),
                        on_error=lambda exc, seqs: None)
    writer.put([1], {})
    writer.put([2, 3], {})
    assert writer.wait_idle(10)
    writer.stop()
    assert sorted(seq for acked, _ in recorded for seq in acked) == [1, 2, 3]
    assert all(statuses(till)[s][0] == "sent" for s in (1, 2, 3))
