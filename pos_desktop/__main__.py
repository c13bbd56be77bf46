"""``python -m pos_desktop``: the same as the ``pos-desktop`` command."""

import sys

from pos_desktop.cli.main import main

if __name__ == "__main__":  # spawn-style multiprocessing re-imports this module
    sys.exit(main())
