"""Local SQLite storage: tables, migrations, repositories and the unit of work."""
