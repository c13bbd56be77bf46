"""``pos-desktop receipt NUMBER --format escpos|pdf|a4|png [--profile NAME] -o FILE``:
any past receipt, as the printer would get it, as a PDF, or as the on-screen image."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from pos_common.i18n import N_, _
from pos_desktop.cli.common import open_till
from pos_desktop.domain.errors import PosError

FORMATS = ("escpos", "pdf", "a4", "png")
_TICKET = re.compile(r"^(?:\d{1,4}-)?(\d{1,8})$")


def register(sub: Any) -> None:
    p = sub.add_parser("receipt", help=_("write a past receipt to a file"))
    p.add_argument("number", help=_("ticket number: 1234 or 0001-00001234"))
    p.add_argument("--format", choices=FORMATS, default="pdf",
                   help=_("escpos: printer bytes; pdf: 80 mm; a4: A4 page; png: image"))
    p.add_argument("--profile", help=_("printer model (default: the one in the settings)"))
    p.add_argument("-o", "--output", type=Path, required=True, help=_("file to write"))
    p.set_defaults(handler=run)


def ticket_number(text: str) -> int:
    m = _TICKET.match(text.strip())
    if not m:
        raise PosError(N_("Invalid ticket number: {text}"), text=text)
    return int(m.group(1))


def run(args: argparse.Namespace) -> int:
    from pos_desktop.printing import read_printer_config
    from pos_printers.api import render_receipt
    from pos_printers.errors import PrintingError

    number = ticket_number(args.number)
    till = open_till(args)
    try:
        from pos_desktop.services.fiscal import receipt_data

        with till.uow() as uow:
            payload = uow.sales.payload_by_ticket(number)
            if payload is None:
                raise PosError(N_("Ticket {ticket} is not in this till's records."),
                               ticket=till.identity.ticket(number))
            data_in = receipt_data(uow, payload)  # a fiscal sale prints its comprobante
        store, settings, _problem = read_printer_config(till.reader)
    finally:
        till.close()
    try:
        data = render_receipt(data_in, store, settings, args.format, profile=args.profile)
    except (PrintingError, ValueError) as exc:
        raise PosError(N_("Cannot write the receipt: {reason}"), reason=str(exc)) from exc
    args.output.write_bytes(data)
    print(_("Ticket {ticket} written to {path} ({size} bytes).").format(
        ticket=payload["ticket"], path=args.output, size=len(data)))
    return 0
