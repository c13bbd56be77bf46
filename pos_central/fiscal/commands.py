"""The ``pos-central fiscal …`` and ``scheduler`` commands: print, and return exit codes."""

from __future__ import annotations

import json
import sys
import threading
from datetime import date
from pathlib import Path

from pos_arca import ArcaError, Fortnight, SystemClock, argentine_date
from pos_central.config import CentralConfig
from pos_central.database import DatabaseUnavailable, connect
from pos_central.fiscal.grants import CaeaPublishError, CaeaWindowClosed, obtain, publish_pending
from pos_central.fiscal.idle import inform_idle
from pos_central.fiscal.inform import inform
from pos_central.fiscal.keys import FiscalKeyError
from pos_central.fiscal.scheduler import fortnights_due, run_forever, run_once
from pos_central.fiscal.status import fiscal_status, render
from pos_central.fiscal.stores import register_point_of_sale, set_store_cuit
from pos_central.fiscal.taxpayers import FiscalSetupError, configure, configured, open_wsfe
from pos_central.topology import Topology
from pos_common.i18n import _

ERRORS = (ArcaError, FiscalSetupError, FiscalKeyError, DatabaseUnavailable, OSError)


def _fail(message: object) -> int:
    print(f"pos-central: {message}", file=sys.stderr)
    return 1


def today() -> date:
    return argentine_date(SystemClock())


def fiscal_configure(config: CentralConfig, *, cuit: str, cert: Path, key: Path, env: str,
                     wsaa_url: str | None, wsfe_url: str | None, key_store: str,
                     key_dir: Path | None) -> int:
    try:
        found = configure(config.db_url, cuit=cuit, certificate=cert.read_bytes(),
                          key=key.read_bytes(), environment=env, wsaa_url=wsaa_url,
                          wsfe_url=wsfe_url, key_store=key_store, key_dir=key_dir)
    except ERRORS as error:
        return _fail(error)
    where = _("the keyring") if found.key_location == "keyring" else found.key_location
    print(_("CUIT {cuit} configured ({env}); the key is in {where}, not in the database.").format(
        cuit=found.cuit, env=found.environment.value, where=where))
    return 0


def fiscal_store(config: CentralConfig, store_id: str, cuit: str, *, quiet: bool = False
                 ) -> int:
    try:
        with connect(config.db_url) as db:
            set_store_cuit(db, store_id, cuit)
            db.commit()
    except ERRORS as error:
        return _fail(error)
    if not quiet:
        print(_("Store {store} sells for CUIT {cuit}.").format(store=store_id, cuit=cuit))
    return 0


def fiscal_point_of_sale(config: CentralConfig, *, store_id: str, terminal_id: str,
                         point_of_sale: int, cuit: str | None, quiet: bool = False) -> int:
    try:
        found = register_point_of_sale(config.db_url, store_id=store_id,
                                       terminal_id=terminal_id, point_of_sale=point_of_sale,
                                       cuit=cuit)
    except ERRORS as error:
        return _fail(error)
    if not quiet:  # till add --json prints its JSON alone
        print(_("CAEA point of sale {pto} of {store}/{terminal} (CUIT {cuit}) registered."
                ).format(pto=point_of_sale, store=store_id, terminal=terminal_id, cuit=found))
    return 0


def caea_request(config: CentralConfig, *, cuit: str | None, period: int | None,
                 order: int | None, next_due: bool) -> int:
    day = today()
    try:
        if period is not None or order is not None:
            if period is None or order is None:
                return _fail(_("give both --period YYYYMM and --order 1|2"))
            wanted = [Fortnight(period, order)]
        else:
            wanted = fortnights_due(day) if next_due else [Fortnight.of(day)]
    except ValueError as error:
        return _fail(error)
    code = 0
    try:
        for taxpayer in configured(config.db_url, cuit):
            wsfe = open_wsfe(taxpayer)
            for fortnight in wanted:
                try:
                    got = obtain(config.db_url, wsfe, taxpayer.cuit, fortnight, day)
                except CaeaWindowClosed as closed:
                    code = code if next_due and fortnight != wanted[0] else 1
                    print(f"pos-central: {closed}", file=sys.stderr)
                    continue
                g = got.grant
                print(_("CUIT {cuit} {fortnight}: CAEA {caea}, {valid_from} to {valid_to}, "
                        "inform by {deadline} ({how})").format(
                            cuit=g.cuit, fortnight=fortnight, caea=g.caea,
                            valid_from=g.valid_from, valid_to=g.valid_to,
                            deadline=g.report_deadline, how=got.obtained_with))
        told = publish_pending(config.db_url, config.amqp_url, Topology(config.prefix))
    except CaeaPublishError as error:
        return _fail(error)
    except ERRORS as error:
        return _fail(error)
    for caea, tills in told:
        print(_("CAEA {caea} sent to {tills} tills.").format(caea=caea, tills=tills))
    return code


def caea_inform(config: CentralConfig, *, cuit: str | None, retry_rejected: bool) -> int:
    code = 0
    try:
        for taxpayer in configured(config.db_url, cuit):
            wsfe = open_wsfe(taxpayer)
            result = inform(config.db_url, wsfe, taxpayer.cuit, retry_rejected=retry_rejected)
            idle = inform_idle(config.db_url, wsfe, taxpayer.cuit, today())
            print(_("CUIT {cuit}: {informed} informed, {resolved} already at ARCA, {idle} "
                    "points of sale sin movimiento").format(
                        cuit=taxpayer.cuit, informed=len(result.informed),
                        resolved=len(result.resolved), idle=len(idle.informed)))
            for pto, why in sorted(result.stopped.items()):
                print(_("  point of sale {pto} stopped: {why}").format(pto=pto, why=why),
                      file=sys.stderr)
                code = 1
            for series, number in sorted(result.waiting.items()):
                print(_("  {series} waits for number {number} (not at head office yet)").format(
                    series=series, number=number))
            for _caea, pto, message in idle.rejected:
                print(_("  sin movimiento of point of sale {pto} rejected: {message}").format(
                    pto=pto, message=message), file=sys.stderr)
                code = 1
            if result.failure or idle.failure:
                print(_("  ARCA: {error}").format(
                    error=result.failure or idle.failure), file=sys.stderr)
                code = 1
    except ERRORS as error:
        return _fail(error)
    return code


def fiscal_status_command(config: CentralConfig, *, cuit: str | None, as_json: bool) -> int:
    try:
        found = fiscal_status(config.db_url, today(), cuit)
    except ERRORS as error:
        return _fail(error)
    print(json.dumps(found, ensure_ascii=False, indent=2) if as_json else render(found))
    return 0


def scheduler(config: CentralConfig, stop: threading.Event, *, once: bool,
              interval: float) -> int:
    def one_run() -> None:
        report = run_once(config.db_url, config.amqp_url, Topology(config.prefix), today(),
                          open_wsfe)
        print(_("CAEA: {obtained} obtained, {informed} informed, {rejected} rejected, "
                "{idle} sin movimiento, {problems} problems").format(
                    obtained=len(report.obtained), informed=report.informed,
                    rejected=report.rejected, idle=report.idle,
                    problems=len(report.problems)), flush=True)

    try:
        if once:
            one_run()
            return 0
        run_forever(stop, interval, one_run)
    except ERRORS as error:
        return _fail(error)
    return 0
