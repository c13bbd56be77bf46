"""Head office: the ingest (only writer of PostgreSQL), the HTTP API, catalog publishing
and reports. Console script: ``pos-central`` (see ``pos_central.cli``)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("super-pos")
except PackageNotFoundError:  # run from a source tree without an install
    __version__ = "0.0.0+unknown"
