"""The dashboard's fiscal alerts (an ``ALERT_SOURCES`` entry of ``api/sync_health.py``):

- comprobantes whose CAE has not arrived ``CAE_LATE`` after they were issued, per till,
  from ``fiscal_pending`` (migration 0014: the ingest keeps it as it applies the events,
  so the page reads the few pending rows, not a day of comprobantes and authorizations);
- CAEA comprobantes not yet informed to ARCA when the fortnight's deadline (FchTopeInf)
  is ``ALERT_DAYS`` away or less, or past, per CAEA, from ``caea_unreported`` (written
  with each CAEA authorization, gone when ARCA took it: only the ones still to inform);
- a store whose taxpayer is configured here and that has no CAEA for this fortnight, or
  for the next one ``NEXT_CAEA_DAYS`` before it starts (the scheduler asks for it from 5
  days before, hourly): its tills could not sell when ARCA does not answer.

The three statements go with the dashboard's others, in one round trip (a pipeline),
each reading a few rows.
Dates are Argentine dates (ARCA's), whatever head office's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pos_arca import Fortnight
from pos_arca.clock import ARGENTINA
from pos_central.api.db import Connection
from pos_central.api.sync_health import Alert, AlertReader, TerminalHealth
from pos_central.fiscal.status import ALERT_DAYS
from pos_central.fiscal.stores import STORE_CUITS
from pos_common.i18n import N_

CAE_LATE = timedelta(minutes=10)
"""A till asks ARCA for the CAE right after the sale and sends it at once; when ARCA does
not answer it issues under CAEA instead. Ten minutes without it is not a slow network."""
NEXT_CAEA_DAYS = 2

_CAE_PENDING = """
SELECT store_id, terminal_id, count(*), extract(epoch FROM now() - min(issued_at))::bigint
FROM fiscal_pending WHERE NOT authorized AND issued_at < now() - %(late)s
GROUP BY 1, 2 ORDER BY 1, 2
"""
_NOT_INFORMED = """
SELECT c.caea, c.period, c.orden, c.report_deadline, u.store_id, count(*)
FROM caeas c JOIN caea_unreported u ON u.caea = c.caea
WHERE c.report_deadline <= %(latest)s
GROUP BY 1, 2, 3, 4, 5 ORDER BY 4, 1, 5
"""
_CAEA_HELD = f"""
SELECT s.store_id,
    EXISTS (SELECT FROM caeas g WHERE g.cuit = s.cuit AND g.period = %(period)s
            AND g.orden = %(order)s),
    EXISTS (SELECT FROM caeas g WHERE g.cuit = s.cuit AND g.period = %(next_period)s
            AND g.orden = %(next_order)s)
FROM ({STORE_CUITS}) s JOIN fiscal_taxpayers t ON t.cuit = s.cuit
ORDER BY 1
"""


def fiscal_alerts(db: Connection, tills: list[TerminalHealth],
                  now: datetime | None = None) -> list[Alert]:
    with db.pipeline():
        read = ask_fiscal_alerts(db, now)
    return read(tills)


def ask_fiscal_alerts(db: Connection, now: datetime | None = None) -> AlertReader:
    """Sends the three statements (the dashboard's pipeline takes them with the rest)."""
    today = (now or datetime.now(ARGENTINA)).astimezone(ARGENTINA).date()
    current = Fortnight.of(today)
    following = current.next()
    pending = db.execute(_CAE_PENDING, {"late": CAE_LATE})
    informing = db.execute(_NOT_INFORMED, {"latest": today + timedelta(days=ALERT_DAYS)})
    held = db.execute(_CAEA_HELD, {
        "period": current.period, "order": current.order,
        "next_period": following.period, "next_order": following.order})
    return lambda tills: _alerts_of(tills, today, current, following, pending.fetchall(),
                                    informing.fetchall(), held.fetchall())


def _alerts_of(tills: list[TerminalHealth], today: date, current: Fortnight,
               following: Fortnight, pending: list[tuple[Any, ...]],
               informing: list[tuple[Any, ...]], held: list[tuple[Any, ...]]) -> list[Alert]:
    visible_tills = {(t.store_id, t.terminal_id) for t in tills}
    visible_stores = {t.store_id for t in tills}
    alerts = [
        Alert("cae_pending", "danger", store, terminal,
              N_("comprobantes without ARCA's authorization (CAE): {count}; the oldest was "
                 "issued {waited} ago"),
              {"count": int(count), "waited": _waited(int(seconds))})
        for store, terminal, count, seconds in pending
        if (store, terminal) in visible_tills
    ]
    alerts.extend(_not_informed(informing, visible_stores, today))
    next_is_due = (following.first_day - today).days <= NEXT_CAEA_DAYS
    for store, has_current, has_next in held:
        if store not in visible_stores:
            continue
        if not has_current:
            alerts.append(Alert(
                "caea_missing", "danger", store, None,
                N_("no CAEA for this fortnight ({fortnight}, {first} to {last}): its tills "
                   "cannot issue comprobantes when ARCA does not answer (pos-central fiscal "
                   "caea request)"), _fortnight(current)))
        elif next_is_due and not has_next:
            alerts.append(Alert(
                "caea_missing", "warning", store, None,
                N_("no CAEA yet for the next fortnight ({fortnight}, from {first})"),
                _fortnight(following)))
    return alerts


def _not_informed(rows: list[tuple[Any, ...]], visible_stores: set[str], today: date
                  ) -> list[Alert]:
    """One alert per CAEA (an outage touches every store: one line each would bury the
    rest), over the stores the reader sees; the store is named when it is the only one."""
    by_caea: dict[tuple[str, str, date], dict[str, int]] = {}
    for caea, period, order, deadline, store, count in rows:
        if store in visible_stores:
            by_caea.setdefault((caea, f"{period}/{order}", deadline), {})[store] = int(count)
    alerts = []
    for (caea, fortnight, deadline), stores in by_caea.items():
        values = {"caea": caea, "fortnight": fortnight, "count": sum(stores.values()),
                  "stores": len(stores), "deadline": deadline.isoformat(),
                  "days": (deadline - today).days}
        store = next(iter(stores)) if len(stores) == 1 else None
        alerts.append(
            Alert("caea_not_informed", "warning", store, None,
                  N_("CAEA {caea} ({fortnight}): comprobantes not informed to ARCA yet: "
                     "{count}; inform them by {deadline}"), values)
            if deadline >= today else
            Alert("caea_not_informed", "danger", store, None,
                  N_("CAEA {caea} ({fortnight}): comprobantes not informed to ARCA: {count}; "
                     "the deadline was {deadline}"), values))
    return alerts


def _fortnight(fortnight: Fortnight) -> dict[str, str]:
    return {"fortnight": f"{fortnight.period}/{fortnight.order}",
            "first": fortnight.first_day.isoformat(), "last": fortnight.last_day.isoformat()}


def _waited(seconds: int) -> str:
    """'25 min', '3 h', '2 d': the same in Spanish."""
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"
