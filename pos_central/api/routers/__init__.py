"""The versioned REST API under ``/v1``, one router per resource."""
