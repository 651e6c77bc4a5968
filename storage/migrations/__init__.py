"""Alembic environment; `storage.migrate` runs it without an alembic.ini."""
