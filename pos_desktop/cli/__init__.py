"""The ``pos-desktop`` command line: the window, and scripted commands for support."""
