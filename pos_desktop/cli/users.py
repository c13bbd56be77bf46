"""``pos-desktop users``: list, add, change PIN, disable, unlock — and how every command
that does something sensitive logs in (``--user``/``--pin``, ``--approver``/``--approver-pin``).

PINs given on the command line show in the process list; leave ``--pin`` out to be asked
(no echo), or set ``POS_PIN`` / ``POS_APPROVER_PIN`` for scripts.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pos_common.i18n import N_, _
from pos_desktop.cli.common import USAGE_ERROR, open_till, write_json
from pos_desktop.domain.errors import PosError
from pos_desktop.domain.permissions import Action, ApprovalRequired, Role

if TYPE_CHECKING:
    from pos_desktop.app import Till

T = TypeVar("T")


def add_login_args(parser: argparse.ArgumentParser, *, approver: bool = True) -> None:
    parser.add_argument("--user", help=_("user id of who does it (e.g. u-ana)"))
    parser.add_argument("--pin", help=_("their PIN (asked when left out)"))
    if approver:
        parser.add_argument("--approver", help=_("supervisor or manager who approves"))
        parser.add_argument("--approver-pin", help=_("the approver's PIN (asked when left out)"))


def _pin(given: str | None, env: str, prompt: str) -> str:
    if given:
        return given
    if os.environ.get(env):
        return os.environ[env]
    return getpass.getpass(prompt)


def login(till: Till, args: argparse.Namespace) -> None:
    """Log ``--user`` in; under ``--demo`` without ``--user`` the demo cashier stays."""
    user = getattr(args, "user", None)
    if user:
        till.session.login(user, _pin(args.pin, "POS_PIN", _("PIN: ")))


class ManagerLoginNeeded(PosError):
    message = N_("{command} changes the shop: log in as a manager with --user (the PIN with "
               "--pin or POS_PIN, or typed when asked).")


def require_manager(till: Till, args: argparse.Namespace, command: str, action: Action,
                    **details: Any) -> None:
    """Log ``--user`` in and check ``action`` (a manager's) with the guard, which writes
    its audit row. A folder with no users yet (being set up) asks nobody: its first
    manager is added without a login too (``users add``)."""
    if not till.people.has_users():
        return
    require_login(till, args, command)
    till.guard.check(action, **details)


def require_login(till: Till, args: argparse.Namespace, command: str) -> None:
    """Log ``--user`` in, or refuse: for a use case that checks and audits the right
    itself (``catalog import`` is ``CatalogAdmin.import_file``, as in the window)."""
    login(till, args)
    if till.session.user is None:
        raise ManagerLoginNeeded(command=command)


def guarded(till: Till, args: argparse.Namespace, call: Callable[[], T]) -> T:
    """Run ``call``; if it needs a supervisor and ``--approver`` was given, approve, retry."""
    try:
        return call()
    except ApprovalRequired as needed:
        approver = getattr(args, "approver", None)
        if not approver:
            raise
        pin = _pin(args.approver_pin, "POS_APPROVER_PIN", _("Approver's PIN: "))
        till.guard.approve(needed.action, approver, pin, needed.details)
        return call()


def register(sub: Any) -> None:
    p = sub.add_parser("users", help=_("people who use the till"))
    s = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help=_("active users and their roles"))
    ls.add_argument("--all", action="store_true", help=_("include disabled users"))
    ls.add_argument("--json", action="store_true", help=_("machine-readable output"))
    ls.set_defaults(handler=run_list)

    add = s.add_parser("add", help=_("add a user (the first one must be a manager)"))
    add.add_argument("name", help=_("the person's name as the till shows it"))
    add.add_argument("--role", required=True, help="cashier | supervisor | manager")
    add.add_argument("--new-pin", help=_("the new user's PIN, 4 to 8 digits (asked if left out)"))
    add.add_argument("--id", dest="user_id", help=_("user id (default: from the name)"))
    add_login_args(add, approver=False)
    add.set_defaults(handler=run_add)

    for name, helptext in (("pin", _("set a user's PIN")), ("disable", _("disable a user")),
                           ("unlock", _("unlock a user locked by wrong PINs"))):
        cmd = s.add_parser(name, help=helptext)
        cmd.add_argument("user_id", help=_("user id, e.g. u-ana (see users list)"))
        if name == "pin":
            cmd.add_argument("--new-pin", help=_("the new PIN, 4 to 8 digits (asked if left out)"))
        add_login_args(cmd, approver=False)
        cmd.set_defaults(handler=run_change, users_change=name)


def _open(args: argparse.Namespace) -> Till:
    return open_till(args)


def run_list(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        users = till.people.users(active_only=not args.all)
    finally:
        till.close()
    if args.json:
        rows = [{"user_id": u.user_id, "name": u.name, "role": u.role.value,
                 "active": u.active} for u in users]
        write_json({"users": rows})
    else:
        for u in users:
            mark = "" if u.active else "  ({})".format(_("disabled"))  # pybabel finds it
            print(f"{u.user_id:<20} {u.name:<24} {u.role.label}{mark}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    role = Role.parse(args.role)
    till = _open(args)
    try:
        pin = _pin(args.new_pin, "POS_NEW_PIN", _("New user's PIN: "))
        if not till.people.has_users():
            if role is not Role.MANAGER:
                print(_("The first user must be a manager."), file=sys.stderr)
                return USAGE_ERROR
            user = till.people.add(args.name, role, pin, user_id=args.user_id)
        else:
            login(till, args)
            user = till.staff.add_user(args.name, role, pin, user_id=args.user_id)
    finally:
        till.close()
    print(_("User {user_id} added ({role}).").format(user_id=user.user_id, role=role.label))
    return 0


def run_change(args: argparse.Namespace) -> int:
    till = _open(args)
    try:
        login(till, args)
        if args.users_change == "pin":
            till.staff.change_pin(args.user_id,
                                  _pin(args.new_pin, "POS_NEW_PIN", _("New PIN: ")))
        elif args.users_change == "disable":
            till.staff.deactivate(args.user_id)
        else:
            till.staff.unlock_user(args.user_id)
    finally:
        till.close()
    print(_("Done."))
    return 0
