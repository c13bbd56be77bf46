import sys

from pos_desktop.cli.main import main

sys.exit(main())
