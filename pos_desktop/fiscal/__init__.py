"""The till's fiscal adapter: ARCA's CAE for every comprobante, from a worker thread.

See ``README.md`` beside this file: settings, the key, the worker's rules, the stand-in.
"""
