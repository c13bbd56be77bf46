"""Sync between tills and head office.

``sync.contracts`` is the wire format both ends import; ``sync.till`` runs inside the
till; ``sync.central`` runs at head office. Nothing here connects anywhere at import time.
"""
