"""How the tills are doing, from what head office knows: the ingest's progress per
terminal (last event, gaps), the tills' own status reports (online, pending events and
the oldest unsent one, clock, catalogue version), the registration of each till's broker
user, and the dead letters kept. The dashboard adds today's sales."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pos_central.api.db import Connection
from pos_common.i18n import N_

DEFAULTS = {"offline_after_s": 180, "clock_skew_margin_s": 300}

_TERMINALS = """
WITH known AS (
    SELECT store_id, terminal_id FROM terminals
    UNION SELECT store_id, terminal_id FROM till_users
    UNION SELECT store_id, terminal_id FROM terminal_reports
), registered AS (
    SELECT DISTINCT ON (store_id, terminal_id) store_id, terminal_id, user_name, generation,
           created_at, revoked_at
    FROM till_users ORDER BY store_id, terminal_id, generation DESC
), dead AS (
    SELECT store_id, terminal_id, count(*) AS open FROM dead_letters
    WHERE status = 'open' GROUP BY 1, 2
)
SELECT k.store_id, k.terminal_id, r.user_name, r.created_at, r.revoked_at,
       p.updated_at, coalesce(p.events, 0), coalesce(p.contiguous_seq, 0),
       coalesce(p.max_seq, 0), coalesce(p.gaps, '[]'::jsonb),
       t.received_at, t.till_time, t.sync_state, t.pending_events, t.oldest_unsent_at,
       t.catalog_version, t.app_version, coalesce(d.open, 0),
       x.suspended_at, x.reason, x.detail, x.seq,
       (SELECT count(*) FROM held_events h WHERE x.store_id IS NOT NULL
        AND h.store_id = k.store_id AND h.terminal_id = k.terminal_id)
FROM known k
LEFT JOIN registered r USING (store_id, terminal_id)
LEFT JOIN terminal_progress p USING (store_id, terminal_id)
LEFT JOIN terminal_reports t USING (store_id, terminal_id)
LEFT JOIN dead d USING (store_id, terminal_id)
LEFT JOIN terminal_suspensions x
    ON x.store_id = k.store_id AND x.terminal_id = k.terminal_id AND x.lifted_at IS NULL
WHERE %(stores)s::text[] IS NULL OR k.store_id = ANY(%(stores)s::text[])
ORDER BY k.store_id, k.terminal_id
"""


@dataclass
class TerminalHealth:
    store_id: str
    terminal_id: str
    broker_user: str | None
    registered_at: datetime | None
    revoked_at: datetime | None
    last_event_at: datetime | None
    events: int
    contiguous_seq: int
    max_seq: int
    gaps: list[list[int]]
    reported_at: datetime | None
    till_time: datetime | None
    sync_state: str | None
    pending_events: int | None
    oldest_unsent_at: datetime | None
    catalog_version: int | None
    app_version: str | None
    dead_letters: int
    suspended_at: datetime | None = None
    """Set while the identity is suspended (two tills use it: ``ingest/clones.py``)."""
    suspension_reason: str | None = None
    suspension_detail: str | None = None
    suspension_seq: int | None = None
    held_events: int = 0
    """Events of the identity held while suspended (counted only while it is)."""
    online: bool = False
    clock_skew_s: float | None = None
    skewed: bool = False

    @property
    def needs_attention(self) -> bool:
        """What the dashboard lists: a till that is not simply online and up to date."""
        return bool(not self.online or self.suspended_at or self.revoked_at or self.skewed
                    or self.pending_events or self.gaps or self.dead_letters)

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()
        }


# The dashboard sends all its statements at once (a pipeline: one round trip, not one per
# statement; each is a wait for the database and for a core on a loaded machine). So each
# part is two steps: ``ask_*`` sends its statements and returns what reads their rows.
# Without a pipeline the same code simply runs each statement as it is sent.
_SETTINGS = "SELECT key, value FROM office_settings"


def office_settings(db: Connection) -> dict[str, Any]:
    return _settings_of(db.execute(_SETTINGS).fetchall())


def _settings_of(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {**DEFAULTS, **{str(k): v for k, v in rows}}


def ask_terminals(db: Connection, stores: list[str] | None
                  ) -> Callable[[datetime], list[TerminalHealth]]:
    settings_rows = db.execute(_SETTINGS)
    rows = db.execute(_TERMINALS, {"stores": stores})

    def read(now: datetime) -> list[TerminalHealth]:
        settings = _settings_of(settings_rows.fetchall())
        offline_after = timedelta(seconds=int(settings["offline_after_s"]))
        margin = float(settings["clock_skew_margin_s"])
        found = []
        for row in rows.fetchall():
            t = TerminalHealth(*row[:23])
            if t.reported_at is not None:
                t.online = now - t.reported_at <= offline_after and t.sync_state == "online"
                if t.till_time is not None:
                    t.clock_skew_s = round((t.till_time - t.reported_at).total_seconds(), 1)
                    t.skewed = abs(t.clock_skew_s) > margin
            found.append(t)
        return found

    return read


def terminals(db: Connection, stores: list[str] | None, now: datetime) -> list[TerminalHealth]:
    return ask_terminals(db, stores)(now)


@dataclass
class Alert:
    kind: str  # gaps, dead_letters, clock_skew, journal_breaks, offline_backlog, …
    level: str  # "warning" or "danger"
    store_id: str | None
    terminal_id: str | None
    text: str
    """English source text with {placeholders}; the page translates it."""
    values: dict[str, Any] = field(default_factory=dict)


AlertReader = Callable[[list[TerminalHealth]], list[Alert]]
AlertSource = Callable[[Connection], AlertReader]
"""Sends its statements and returns what makes the alerts of their rows, for the visible
terminals (see ``ask_terminals`` for why two steps)."""


def _core_alerts(db: Connection) -> AlertReader:
    stray_rows = db.execute(
        "SELECT count(*) FROM dead_letters WHERE status = 'open' AND store_id IS NULL")
    break_rows = db.execute(
        "SELECT store_id, terminal_id, count(*) FROM journal_breaks GROUP BY 1, 2")
    return lambda tills: _core_of(tills, stray_rows.fetchone(), break_rows.fetchall())


def _core_of(tills: list[TerminalHealth], stray: tuple[Any, ...] | None,
             breaks: list[tuple[Any, ...]]) -> list[Alert]:
    alerts = []
    for t in tills:
        if t.gaps:
            missing = sum(b - a + 1 for a, b in t.gaps)
            alerts.append(
                Alert(
                    "gaps",
                    "warning",
                    t.store_id,
                    t.terminal_id,
                    N_("{missing} events missing (seq {first} and after)"),
                    {"missing": missing, "first": t.gaps[0][0]},
                )
            )
        if t.dead_letters:
            alerts.append(
                Alert(
                    "dead_letters",
                    "danger",
                    t.store_id,
                    t.terminal_id,
                    N_("{count} dead letters to look at"),
                    {"count": t.dead_letters},
                )
            )
        if t.skewed and t.clock_skew_s is not None:
            alerts.append(
                Alert(
                    "clock_skew",
                    "warning",
                    t.store_id,
                    t.terminal_id,
                    N_("the till's clock is {seconds} s off head office's"),
                    {"seconds": round(t.clock_skew_s)},  # '600 s', not '599.5 s'
                )
            )
    if stray and stray[0]:
        alerts.append(
            Alert(
                "dead_letters",
                "danger",
                None,
                None,
                N_("{count} dead letters to look at"),
                {"count": int(stray[0])},
            )
        )
    visible = {(t.store_id, t.terminal_id) for t in tills}
    for store, terminal, count in breaks:
        if (store, terminal) in visible:
            alerts.append(
                Alert(
                    "journal_breaks",
                    "danger",
                    store,
                    terminal,
                    N_("{count} breaks in the till's journal chain"),
                    {"count": int(count)},
                )
            )
    return alerts


def _recorded_alerts(db: Connection) -> AlertReader:
    """What the ingest recorded in ``central_alerts`` (contradicted facts, cloned tills:
    ``pos_central.conflicts``) in the last week, for the visible terminals. Not the
    scheduler's ``caea_deadline``: ``_fiscal_alerts`` tells it as it stands now (a week-old
    record would still show once ARCA has taken every comprobante)."""
    from pos_central.conflicts import ask_alerts

    recorded = ask_alerts(db, datetime.now().date() - timedelta(days=7))
    texts = {
        "clone": N_("cloned till: two tills with one identity ({detail})"),
        "conflict": N_("a recorded fact was contradicted ({detail})"),
    }

    def read(tills: list[TerminalHealth]) -> list[Alert]:
        visible = {(t.store_id, t.terminal_id) for t in tills}
        return [
            Alert(
                a["kind"],
                "danger",
                a["store_id"],
                a["terminal_id"],
                texts.get(a["kind"], "{detail}"),
                {"detail": a["detail"]},
            )
            for a in recorded()
            if (a["store_id"], a["terminal_id"]) in visible and a["kind"] != "caea_deadline"
        ]

    return read


def _misfiled_sales(db: Connection) -> AlertReader:
    """Tills whose clock was off when their events arrived in the last week
    (``pos_central.ingest.clocks``): their sales are filed under the till's wrong day."""
    from pos_central.ingest.clocks import ask_skewed_terminals

    skewed = ask_skewed_terminals(db, datetime.now().date() - timedelta(days=7))
    return lambda tills: _misfiled_of(tills, skewed())


def _misfiled_of(tills: list[TerminalHealth], skewed: list[dict[str, Any]]) -> list[Alert]:
    visible = {(t.store_id, t.terminal_id) for t in tills}
    return [
        Alert(
            "misfiled_sales",
            "danger",
            item["store_id"],
            item["terminal_id"],
            N_("{count} events filed under the till's wrong day: its clock was {seconds} s "
               "off (pos-central report conflicts lists them)"),
            {"count": item["events"], "seconds": item["offset_s_max"]
             if abs(item["offset_s_max"]) >= abs(item["offset_s_min"]) else item["offset_s_min"]},
        )
        for item in skewed
        if (item["store_id"], item["terminal_id"]) in visible
    ]


def _fiscal_alerts(db: Connection) -> AlertReader:
    """Comprobantes without CAE, CAEA ones not informed near the deadline, stores without
    a CAEA (``pos_central.fiscal.dashboard``)."""
    from pos_central.fiscal.dashboard import ask_fiscal_alerts

    return ask_fiscal_alerts(db)


ALERT_SOURCES: list[AlertSource] = [_core_alerts, _recorded_alerts, _misfiled_sales,
                                    _fiscal_alerts]
"""Where the checks add their alerts (an ``AlertSource`` each, from the module that owns
the check). The dashboard shows whatever these return."""


def ask_alerts(db: Connection) -> AlertReader:
    readers = [source(db) for source in ALERT_SOURCES]
    return lambda tills: [alert for read in readers for alert in read(tills)]


def alerts(db: Connection, tills: list[TerminalHealth]) -> list[Alert]:
    return ask_alerts(db)(tills)


def today(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def sales_today(
    db: Connection, day: date, timezone: str, stores: list[str] | None
) -> dict[str, Any]:
    return ask_sales_today(db, day, timezone, stores)()


def ask_sales_today(
    db: Connection, day: date, timezone: str, stores: list[str] | None
) -> Callable[[], dict[str, Any]]:
    """Today's sales per store and terminal, and by hour (head office's time zone), from
    the ingest's hourly summary (``sales_by_hour``), not the day's sales. Two sums in one
    pass (per terminal, per UTC hour): ~260 rows, not every (terminal, hour) pair. The
    hours are put in head office's zone here, for the ~14 of the day: in SQL it was one
    conversion per summary row (3,500 for 100,000 sales), half the statement's time."""
    found = db.execute(
        "SELECT store_id, terminal_id, hour_start, sum(sales), sum(total) FROM sales_by_hour "
        "WHERE business_date = %s AND (%s::text[] IS NULL OR store_id = ANY(%s::text[])) "
        "GROUP BY GROUPING SETS ((1, 2), (3))",
        (day, stores, stores),
    )
    return lambda: _day_of(day, ZoneInfo(timezone), found.fetchall())


def _day_of(day: date, zone: ZoneInfo, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    by_terminal: dict[tuple[str, str], list[int]] = {}
    hours = [[0, 0] for _ in range(24)]
    for store, terminal, hour_start, count, total in rows:
        if store is None:
            hour = hour_start.replace(tzinfo=UTC).astimezone(zone).hour
            hours[hour][0] += int(count)  # += : two UTC hours are one when clocks go back
            hours[hour][1] += int(total)
        else:
            by_terminal[(store, terminal)] = [int(count), int(total)]
    stores_out: dict[str, dict[str, Any]] = {}
    for (store, terminal), (count, total) in sorted(by_terminal.items()):
        s = stores_out.setdefault(
            store, {"store_id": store, "count": 0, "total": 0, "terminals": []}
        )
        s["count"] += count
        s["total"] += total
        s["terminals"].append({"terminal_id": terminal, "count": count, "total": total})
    return {
        "date": day.isoformat(),
        "count": sum(s["count"] for s in stores_out.values()),
        "total": sum(s["total"] for s in stores_out.values()),
        "stores": list(stores_out.values()),
        "by_hour": [{"hour": h, "count": c, "total": t} for h, (c, t) in enumerate(hours)],
    }
