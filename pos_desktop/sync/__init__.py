"""The till side of sync: the outbox publisher and the catalog listener.

``service.TillSync`` assembles them from the till's settings; ``pos_desktop.app.Till``
builds it (``start_sync``), the CLI drives it (``pos-desktop sync``).
"""
