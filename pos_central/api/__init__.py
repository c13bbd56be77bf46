"""Head office's HTTP API and web pages: a FastAPI application served by uvicorn.

``create_app`` (``app.py``) builds it from an ``ApiSettings``; ``ApiServer``
(``server.py``) serves it, in ``pos-central serve`` and in tests alike. The tills'
endpoints (``/health``, ``/ready``, ``/metrics``, ``/v1/catalog/snapshot``) keep the
contract of the stdlib server they replace.
"""
