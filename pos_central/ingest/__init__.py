"""The ingest: the only writer of the central PostgreSQL.

``consumer`` reads batches from RabbitMQ, ``apply`` writes a batch in one transaction,
``writers`` turn each event type into rows, ``progress`` follows each terminal's seq and
journal chain.
"""
