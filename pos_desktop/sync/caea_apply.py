"""Keeping the CAEAs head office sends (``caea.granted``, and the snapshot's ``caeas``).

A grant arrives again after a redelivery or with every snapshot: the till keeps one per
(CUIT, fortnight) and ignores a repeat. A grant for another CUIT than the store's, or a
different code for a fortnight the till already holds, is logged and left out: a
comprobante must never carry a CAEA that is not its seller's for its date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from pos_contracts.caea import CaeaGrant
from pos_desktop.domain.fiscal.caea import Caea
from pos_desktop.store.caea_repo import CaeaConflict

log = logging.getLogger(__name__)


def _caea(grant: CaeaGrant) -> Caea:
    return Caea(cuit=grant.cuit, period=grant.period, order=grant.order, code=grant.caea,
                valid_from=grant.valid_from, valid_to=grant.valid_to,
                report_deadline=grant.report_deadline)


def keep_grants(uow_factory: Callable[[], Any], grants: Iterable[CaeaGrant]) -> int:
    """Keep ``grants``; returns how many were new."""
    added = 0
    with uow_factory() as uow:
        cuit = "".join(c for c in str(uow.settings.get("store.cuit") or "") if c.isdigit())
        for grant in grants:
            if cuit and grant.cuit != cuit:
                log.error("CAEA for another CUIT ignored", extra={
                    "cuit": grant.cuit, "store_cuit": cuit, "caea": grant.caea})
                continue
            try:
                if uow.caeas.put(_caea(grant), source="central",
                                 granted_at=grant.granted_at.isoformat()):
                    added += 1
                    log.info("CAEA received", extra={
                        "fortnight": f"{grant.period}/{grant.order}", "caea": grant.caea})
            except CaeaConflict as conflict:
                log.error("CAEA conflicts with the one held", extra={"reason": str(conflict)})
        uow.commit()
    return added
