"""Super POS till."""

__version__ = "0.1.0"
