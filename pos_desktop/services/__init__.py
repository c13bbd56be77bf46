"""Use cases: short functions over a unit of work. Permission checks happen here."""
