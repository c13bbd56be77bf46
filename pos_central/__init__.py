"""Head office: the ingest (only writer of PostgreSQL), the HTTP API, catalog publishing
and reports. Console script: ``pos-central`` (see ``pos_central.cli``)."""
