"""``pos-desktop fiscal configure|status``: this till and ARCA.

``configure`` stores the certificate, the key (OS keyring, or a file only the till's user
reads), the CAE point of sale and the environment (ARCA's addresses by default; the
``--wsaa-url``/``--wsfe-url`` overrides are for the stand-in and tests). ``status`` prints
environment, points of sale, ARCA's last authorized number per type, the access ticket's
expiry, the last error and the pending, in-doubt and rejected counts (``--json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pos_common.i18n import _
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
    cfg.add_argument("--env", choices=("homologacion", "produccion"), default="homologacion",
                     help=_("ARCA's environment"))
    cfg.add_argument("--wsaa-url", default="", help=_("WSAA's address (default: ARCA's)"))
    cfg.add_argument("--wsfe-url", default="", help=_("WSFEv1's address (default: ARCA's)"))
    cfg.set_defaults(handler=run_configure)

    st = actions.add_parser("status", help=_("environment, numbers, ticket, pending"))
    st.add_argument("--json", action="store_true", help=_("machine-readable output"))
    st.add_argument("--no-probe", action="store_true", help=_("do not contact ARCA"))
    st.set_defaults(handler=run_status)


def run_configure(args: argparse.Namespace) -> int:
    from pos_desktop.services.fiscal_setup import FiscalSetup, configure_fiscal
    from pos_desktop.settings_schema import KeyringSecrets

    key_path = Path(args.key).expanduser()
    setup = FiscalSetup(
        certificate_pem=Path(args.cert).expanduser().read_bytes(),
        key_pem=key_path.read_bytes(), point_of_sale=args.pto_vta, environment=args.env,
        cuit=args.cuit, key_file=key_path if args.key_in_file else None,
        wsaa_url=args.wsaa_url, wsfe_url=args.wsfe_url)
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
