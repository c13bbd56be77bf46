"""``pos-desktop fiscal configure|status|caea``: this till and ARCA.

``configure`` stores the certificate, the key (OS keyring, or a file only the till's user
reads), the CAE point of sale and the environment (ARCA's addresses by default; the
``--wsaa-url``/``--wsfe-url`` overrides are for the stand-in and tests). ``status`` prints
environment, points of sale, ARCA's last authorized number per type, the access ticket's
expiry, the last error and the pending, in-doubt and rejected counts, and the CAEA
(``--json``). ``caea request|add|inform``: the fortnight's CAEA for selling offline
(issue 12): asked of ARCA, typed in, and a standalone till's informing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pos_common.i18n import _, explain
from pos_desktop.cli.common import CHECK_FAILED, OK, USAGE_ERROR, checked_data_dir, open_till


def register(sub: Any) -> None:
    p = sub.add_parser("fiscal", help=_("ARCA comprobantes: configure, status"))
    actions = p.add_subparsers(dest="fiscal_command", required=True, metavar="ACTION")

    cfg = actions.add_parser("configure", help=_("certificate, key, point of sale, environment"))
    cfg.add_argument("--cuit", help=_("the store's CUIT (must be the certificate's)"))
    cfg.add_argument("--cert", required=True, metavar="FILE",
                     help=_("ARCA's certificate for this CUIT (PEM)"))
    cfg.add_argument("--key", required=True, metavar="FILE", help=_("its private key (PEM)"))
    cfg.add_argument("--key-in-file", action="store_true",
                     help=_("keep the key in FILE (readable only by you) instead of the keyring"))
    cfg.add_argument("--pto-vta", type=int, required=True, metavar="N",
                     help=_("the CAE point of sale of this till"))
    cfg.add_argument("--caea-pto-vta", type=int, metavar="N",
                     help=_("the CAEA point of sale of this till, for selling offline"))
    cfg.add_argument("--env", choices=("homologacion", "produccion"), default="homologacion",
                     help=_("ARCA's environment"))
    cfg.add_argument("--wsaa-url", default="", help=_("WSAA's address (default: ARCA's)"))
    cfg.add_argument("--wsfe-url", default="", help=_("WSFEv1's address (default: ARCA's)"))
    cfg.set_defaults(handler=run_configure)

    st = actions.add_parser("status", help=_("environment, numbers, ticket, pending"))
    st.add_argument("--json", action="store_true", help=_("machine-readable output"))
    st.add_argument("--no-probe", action="store_true", help=_("do not contact ARCA"))
    st.set_defaults(handler=run_status)

    caea = actions.add_parser("caea", help=_("CAEA for selling offline: request, add, inform"))
    steps = caea.add_subparsers(dest="caea_command", required=True, metavar="STEP")
    req = steps.add_parser("request", help=_("ask ARCA for the fortnight's CAEA"))
    req.add_argument("--period", type=int, metavar="YYYYMM",
                     help=_("the fortnight's month (default: today's and the next one due)"))
    req.add_argument("--order", type=int, choices=(1, 2),
                     help=_("1: days 1-15, 2: from the 16th"))
    req.set_defaults(handler=run_caea_request)
    add = steps.add_parser("add", help=_("keep a CAEA obtained elsewhere (ARCA's website)"))
    add.add_argument("--code", required=True, help=_("the CAEA (14 digits)"))
    add.add_argument("--period", type=int, required=True, metavar="YYYYMM",
                     help=_("the fortnight's month"))
    add.add_argument("--order", type=int, required=True, choices=(1, 2),
                     help=_("1: days 1-15, 2: from the 16th"))
    add.add_argument("--deadline", required=True, metavar="YYYY-MM-DD",
                     help=_("ARCA's deadline to inform it (FchTopeInf)"))
    add.set_defaults(handler=run_caea_add)
    inf = steps.add_parser("inform", help=_("inform ARCA of this till's CAEA comprobantes "
                                            "(standalone till)"))
    inf.add_argument("--json", action="store_true", help=_("machine-readable output"))
    inf.set_defaults(handler=run_caea_inform)


def run_configure(args: argparse.Namespace) -> int:
    from pos_desktop.services.fiscal_setup import FiscalSetup, configure_fiscal
    from pos_desktop.settings_schema import KeyringSecrets

    key_path = Path(args.key).expanduser()
    setup = FiscalSetup(
        certificate_pem=Path(args.cert).expanduser().read_bytes(),
        key_pem=key_path.read_bytes(), point_of_sale=args.pto_vta, environment=args.env,
        cuit=args.cuit, key_file=key_path if args.key_in_file else None,
        wsaa_url=args.wsaa_url, wsfe_url=args.wsfe_url, caea_point_of_sale=args.caea_pto_vta)
    till = open_till(args)
    try:
        stored = configure_fiscal(till.uow, KeyringSecrets(), setup)
    finally:
        till.close()
    where = stored["fiscal.key_file"] or _("the system's password store (keyring)")
    print(_("ARCA configured: CUIT {cuit}, point of sale {pos:05d}, {env}; key in {where}.")
          .format(cuit=stored["store.cuit"], pos=args.pto_vta, env=args.env, where=where))
    return OK


def run_status(args: argparse.Namespace) -> int:
    from pos_desktop.fiscal.status import fiscal_status, status_lines

    checked_data_dir(args)
    till = open_till(args)
    try:
        status = fiscal_status(till, probe_arca=not args.no_probe)
    finally:
        till.close()
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
    else:
        for line in status_lines(status):
            print(line)
    if status["mode"] != "arca":
        return OK
    if status["problems"]:
        print(_("Missing: {keys}").format(keys=", ".join(status["problems"])), file=sys.stderr)
        return USAGE_ERROR
    return CHECK_FAILED if status["state"] == "error" else OK


def _caea_session(args: argparse.Namespace) -> tuple[Any, Any]:
    from pos_desktop.fiscal.client import check_cuit, open_session
    from pos_desktop.fiscal.status import read_settings

    checked_data_dir(args)
    till = open_till(args)
    settings = read_settings(till.reader)
    if not settings.arca or settings.problems:
        till.close()
        raise SystemExit(_("Fiscal mode ARCA is not configured: pos-desktop fiscal configure"))
    try:
        session = open_session(settings, till.data_dir)
        check_cuit(settings, session)
    except BaseException:
        till.close()
        raise
    return till, session


def run_caea_request(args: argparse.Namespace) -> int:
    from pos_arca import ArcaError, Fortnight
    from pos_desktop.fiscal.caea_duties import from_arca, obtain_caea
    from pos_desktop.fiscal.status import read_settings
    from pos_desktop.services.caea import store_caea
    from pos_desktop.services.clock import local_now

    if (args.period is None) != (args.order is None):
        print(_("Give --period and --order together."), file=sys.stderr)
        return USAGE_ERROR
    till, session = _caea_session(args)
    try:
        if args.period is None:
            got = till.caea_duties().request_due(session.wsfe, force=True)
        else:
            fortnight = Fortnight(args.period, args.order)
            caea = from_arca(read_settings(till.reader).cuit, obtain_caea(session.wsfe,
                                                                           fortnight))
            store_caea(till.uow, caea, source="arca", granted_at=local_now())
            got = [caea]
    except (ArcaError, ValueError) as error:
        print(_("ARCA did not grant the CAEA: {error}").format(error=explain(error)),
              file=sys.stderr)
        return CHECK_FAILED
    finally:
        till.close()
    for caea in got:
        print(_("CAEA {code} for {fortnight}: valid {start} to {end}, inform by {deadline}.")
              .format(code=caea.code, fortnight=caea.fortnight,
                      start=caea.valid_from.strftime("%d/%m/%Y"),
                      end=caea.valid_to.strftime("%d/%m/%Y"),
                      deadline=caea.report_deadline.strftime("%d/%m/%Y")))
    if not got:
        print(_("This till already holds the CAEA of today's fortnight and of the next one "
                "ARCA grants now."))
    return OK


def run_caea_add(args: argparse.Namespace) -> int:
    from datetime import date

    from pos_arca import Fortnight
    from pos_desktop.domain.errors import PosError
    from pos_desktop.domain.fiscal.caea import Caea
    from pos_desktop.fiscal.status import read_settings
    from pos_desktop.services.caea import store_caea
    from pos_desktop.services.clock import local_now

    checked_data_dir(args)
    till = open_till(args)
    try:
        fortnight = Fortnight(args.period, args.order)
        caea = Caea(cuit=read_settings(till.reader).cuit, period=args.period,
                    order=args.order, code=args.code.strip(), valid_from=fortnight.first_day,
                    valid_to=fortnight.last_day,
                    report_deadline=date.fromisoformat(args.deadline))
        added = store_caea(till.uow, caea, source="manual", granted_at=local_now())
    except ValueError as error:
        print(_("Not a valid CAEA: {error}").format(error=explain(error)), file=sys.stderr)
        return USAGE_ERROR
    except PosError as error:
        print(explain(error), file=sys.stderr)
        return USAGE_ERROR
    finally:
        till.close()
    print(_("CAEA {code} kept for {fortnight}.").format(code=caea.code,
                                                        fortnight=caea.fortnight)
          if added else _("This till already held CAEA {code}.").format(code=caea.code))
    return OK


def run_caea_inform(args: argparse.Namespace) -> int:
    from pos_arca import ArcaError

    till, session = _caea_session(args)
    try:
        if not till.standalone:
            print(_("This till sends its sales to head office, which informs ARCA of its "
                    "CAEA comprobantes."), file=sys.stderr)
            return USAGE_ERROR
        result = till.caea_duties().inform(session.wsfe, retry_refused=True)
    except ArcaError as error:
        print(_("ARCA could not be asked: {error}").format(error=explain(error)), file=sys.stderr)
        return CHECK_FAILED
    finally:
        till.close()
    if args.json:
        print(json.dumps({"informed": result.informed, "refused": result.refused,
                          "sin_movimiento": result.idle_informed}, ensure_ascii=False))
    else:
        print(_("Informed to ARCA: {n} CAEA comprobantes; {idle} idle fortnights.").format(
            n=result.informed, idle=result.idle_informed))
        if result.refused:
            print(_("ARCA refused: {error}").format(error=result.refused), file=sys.stderr)
    return CHECK_FAILED if result.refused else OK
