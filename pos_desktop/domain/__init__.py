"""The shop's rules in plain Python: no Qt, no SQLAlchemy, no pika."""
