"""PyInstaller entry point: the same ``main()`` as the ``pos-desktop`` console script."""

import sys

from pos_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
