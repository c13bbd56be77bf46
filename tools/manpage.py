"""Write the man pages of ``pos-desktop`` and ``pos-central`` from their argparse parsers.

    python tools/manpage.py              # write packaging/man/pos-desktop.1, pos-central.1
    python tools/manpage.py --check      # exit 1 if a committed page is out of date (CI)

The pages are committed (the .deb, the wheel and the sdist carry them) and a test keeps
them in step with the parsers: an option added without regenerating fails CI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "packaging" / "man"

EXIT_STATUS = [
    ("0", "done"),
    ("1", "a check found a problem (journal --verify broken, sync status in the error "
          "state, events left unsent) or, for pos-central, the database or broker refused"),
    ("2", "usage or input error: a bad option, file or value; nothing was changed"),
    ("130", "stopped with Ctrl+C"),
    ("141", "the reader of the output went away (| head)"),
]

PAGES = {
    "pos-desktop": {
        "summary": "the Super POS till and its support commands",
        "environment": [
            ("POS_DATA_DIR", "data folder when --data-dir is not given"),
            ("POS_LANG", "es_AR or en; else LANGUAGE, LC_ALL, LC_MESSAGES, LANG in that order"),
            ("POS_AMQP_URL, POS_CENTRAL_URL", "head office's broker and web address"),
            ("POS_AMQP_PASSWORD, POS_CENTRAL_TOKEN",
             "secrets without a keyring; a service gets them as the credentials "
             "amqp-password and central-token in CREDENTIALS_DIRECTORY"),
            ("POS_LOG_LEVEL", "DEBUG adds the libraries' connection and start-up lines"),
        ],
        "files": [
            ("~/.local/share/super-pos/pos.sqlite3", "the till's database (sales, journal, "
                                                     "outbox); backups/ and logs/ beside it"),
            ("~/.local/share/super-pos-demo/", "the --demo folder"),
            ("/usr/lib/systemd/user/pos-desktop-sync.service", "sync run as a user service"),
        ],
    },
    "pos-central": {
        "summary": "Super POS head office: migrations, ingest, API, catalogue, reports",
        "environment": [
            ("POS_CENTRAL_DB_URL", "PostgreSQL URL (or the credential db-url)"),
            ("POS_AMQP_URL", "RabbitMQ URL (or the credential amqp-url)"),
            ("POS_CENTRAL_PREFIX", "prefix of the exchange and queue names"),
            ("POS_CENTRAL_API_TOKEN", "token the API requires on /v1/* (or the credential "
                                      "api-token)"),
            ("CREDENTIALS_DIRECTORY", "systemd's folder of credential files (LoadCredential=)"),
        ],
        "files": [
            ("/etc/super-pos/central.env", "settings of the systemd units"),
            ("/etc/super-pos/credentials/", "db-url, amqp-url, api-token (mode 0600)"),
        ],
    },
}


def parser_of(name: str) -> argparse.ArgumentParser:
    sys.path.insert(0, str(ROOT))
    from pos_common.i18n import set_language

    set_language("en")  # the pages are English whatever the builder's locale
    if name == "pos-desktop":
        from pos_desktop.cli.main import build_parser

        return build_parser()
    from pos_central.cli import _parser

    return _parser()


def roff(text: str) -> str:
    """Escape for roff: backslashes, leading dots and quotes, hyphens of options."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def option_lines(parser: argparse.ArgumentParser, skip: frozenset[str] = frozenset()
                 ) -> Iterator[str]:
    """``.TP`` entries of the parser's options; ``skip``: the global ones, listed once."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        if skip.intersection(action.option_strings):
            continue
        if action.option_strings:
            names = ", ".join(action.option_strings)
            if action.nargs != 0:
                names += f" {action.metavar or action.dest.upper()}"
        else:
            names = str(action.metavar or action.dest)
        yield ".TP"
        yield f"\\fB{roff(names)}\\fR"
        yield roff(str(action.help or "") % {"default": action.default, "prog": parser.prog})


def commands(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, str,
                                                                               argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                full = f"{path} {name}".strip()
                has_children = any(isinstance(a, argparse._SubParsersAction)
                                   for a in child._actions)
                if not has_children:
                    yield full, str(helps.get(name) or ""), child
                yield from commands(child, full)


def page(name: str, version: str) -> str:
    parser = parser_of(name)
    info = PAGES[name]
    description = (parser.description or "").strip()
    out = [
        f'.TH {roff(name.upper())} 1 "" "Super POS {version}" "User Commands"',
        ".SH NAME",
        f"{roff(name)} \\- {roff(str(info['summary']))}",
        ".SH SYNOPSIS",
        f"\\fB{roff(name)}\\fR [\\fIoptions\\fR] [\\fIcommand\\fR [\\fIoptions\\fR]]",
        ".SH DESCRIPTION",
    ]
    for paragraph in description.split("\n\n"):
        out += [roff(" ".join(paragraph.split())), ".PP"]
    out.pop()
    top = frozenset(o for a in parser._actions for o in a.option_strings)
    out += [".SH OPTIONS", *option_lines(parser), ".SH COMMANDS",
            roff("The options above are accepted after a command too."), ".PP"]
    for full, helptext, child in commands(parser):
        usage = " ".join(child.format_usage().split()[1:])
        out += [".SS " + roff(f"{name} {full}".strip()),
                roff(helptext[:1].upper() + helptext[1:]) + ".",
                ".PP", f"\\fB{roff(usage)}\\fR", *option_lines(child, top)]
    out += [".SH EXIT STATUS"]
    for code, meaning in EXIT_STATUS:
        out += [".TP", f"\\fB{code}\\fR", roff(meaning)]
    out += [".SH ENVIRONMENT"]
    for var, meaning in info["environment"]:
        out += [".TP", f"\\fB{roff(var)}\\fR", roff(meaning)]
    out += [".SH FILES"]
    for path, meaning in info["files"]:
        out += [".TP", f"\\fI{roff(path)}\\fR", roff(meaning)]
    other = "pos-central" if name == "pos-desktop" else "pos-desktop"
    out += [".SH SEE ALSO", f"\\fB{roff(other)}\\fR(1)", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description="Write or check the man pages.")
    cli.add_argument("--check", action="store_true", help="fail if a page is out of date")
    cli.add_argument("--out", type=Path, default=OUT, help="folder of the pages")
    args = cli.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from pos_desktop import __version__

    stale = []
    for name in PAGES:
        text = page(name, __version__)
        target = args.out / f"{name}.1"
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python tools/manpage.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
