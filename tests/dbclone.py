"""Test databases built once per session and copied into each test's own database.

A template (the migrated schema, the demo org for a given day, …) is built the first time
a test asks for it, by the same code a test would run (`upgrade`, `load_demo`, imports),
in a database of its own. Every later request copies it into the test's fresh, empty
database, so each test still starts from its own isolated store:

- SQLite: the template file, checkpointed and closed, is copied byte for byte.
- PostgreSQL: the SQL the migration ran on the template's schema is replayed in a new
  schema (Alembic's Python work is skipped, its statements are not), then every table's
  rows are copied server-side with triggers off (the rows are a consistent snapshot: the
  foreign-key checks and the snapshot-generation bumps already ran when they were written),
  and every sequence is set to the template's value. A worker thread keeps one such copy
  of each template in use ready ahead of time; a test's empty schema is swapped for it by
  a rename. The same thread drops the schemas of finished tests.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.demo.load import load_demo
from bot.settings import Settings
from storage.db import dispose_engine, make_engine
from storage.migrate import upgrade

Build = Callable[[str], None]
"""Fills the empty database at a URL: what a test would otherwise do in its set-up."""

_WRITES = ("CREATE", "ALTER", "DROP", "COMMENT", "INSERT", "UPDATE", "DELETE")


def schema_url(base: str, schema: str) -> str:
    """`base` with every connection's search_path set to `schema`."""
    return (
        make_url(base)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def url_schema(url: str) -> str:
    options = str(make_url(url).query.get("options", ""))
    return options.removeprefix("-csearch_path=")


class Templates:
    """Builds each template once and copies it into test databases on request."""

    def __init__(self, root: Path, pg_url: str) -> None:
        self.root = root
        self.pg_url = pg_url
        self._sqlite: dict[Hashable, Path] = {}
        self._pg_templates: _PgTemplates | None = None

    def clone(self, url: str, build: Build, key: Hashable = None) -> None:
        """Fill the empty database at `url` with a copy of what `build` makes of an empty
        one; the template is built once per `key` (default: `build` itself)."""
        key = build if key is None else key
        if make_url(url).get_backend_name() == "sqlite":
            self._clone_sqlite(url, key, build)
        else:
            self._pg.clone(url, key, build)

    def migrated(self, url: str) -> None:
        """The newest schema, no rows: what `upgrade` leaves."""
        self.clone(url, upgrade)

    def demo(self, url: str, today: date) -> None:
        """The built-in demo org for `today`, as `load_demo` leaves it."""

        def build(template_url: str) -> None:
            load_demo(Settings(database_url=template_url), today=today)

        self.clone(url, build, ("demo", today))

    def pg_schema(self) -> str:
        """The URL of a new, empty PostgreSQL schema."""
        return schema_url(self.pg_url, self._pg.create_schema())

    def drop_pg_schema(self, url: str, owner: str) -> None:
        """Close the pool of `url` and drop its schema in the background."""
        dispose_engine(url)
        self._pg.drop_later(url_schema(url), owner)

    def close(self) -> None:
        if self._pg_templates is not None:
            self._pg_templates.close()

    @property
    def _pg(self) -> _PgTemplates:
        """Started by the first PostgreSQL test."""
        if self._pg_templates is None:
            assert self.pg_url, "no PERFBOT_TEST_POSTGRES_URL"
            self._pg_templates = _PgTemplates(self.pg_url)
        return self._pg_templates

    def _clone_sqlite(self, url: str, key: Hashable, build: Build) -> None:
        source = self._sqlite.get(key)
        if source is None:
            source = self.root / f"sqlite-{len(self._sqlite)}.db"
            template_url = f"sqlite:///{source}"
            build(template_url)
            dispose_engine(template_url)  # the last connection checkpoints and removes the WAL
            assert not Path(f"{source}-wal").exists(), "template left a WAL file behind"
            self._sqlite[key] = source
        target = Path(make_url(url).database or "")
        assert not target.exists(), f"{target} is not empty"
        dispose_engine(url)
        shutil.copyfile(source, target)


@dataclass(frozen=True)
class _PgTemplate:
    schema: str
    tables: tuple[str, ...]
    """Tables holding rows."""
    sequences: tuple[tuple[str, int], ...]
    """(name, last value) of every sequence that has been used."""


class _PgTemplates:
    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = sa.create_engine(url, poolclass=sa.NullPool)
        with self.admin.connect() as conn:
            superuser = conn.exec_driver_sql(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).scalar_one()
        self.superuser = bool(superuser)
        """Copies turn triggers off (session_replication_role), which takes a superuser;
        for any other role, every test builds its own store itself, as before."""
        self._templates: dict[Hashable, _PgTemplate] = {}
        self._migration: list[tuple[str, Any]] = []
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-clones")
        self._spares: dict[Hashable, Future[str]] = {}
        self._drops: list[tuple[str, Future[None]]] = []

    def create_schema(self, prefix: str = "t") -> str:
        schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
        with self.admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        return schema

    def drop_later(self, schema: str, owner: str) -> None:
        self._drops.append((owner, self._worker.submit(self._drop, schema)))

    def clone(self, url: str, key: Hashable, build: Build) -> None:
        target = url_schema(url)
        assert target, f"{url} selects no schema"
        if not self.superuser:
            build(url)
            return
        if not self._migration:
            self._templates[upgrade] = self._build(upgrade, self._migration)
        if key not in self._templates:
            self._templates[key] = self._build(build)
        spare = self._spares.pop(key, None)
        self._spares[key] = self._worker.submit(self._copy, self._templates[key])
        ready = None if spare is None else spare.result()
        with self.admin.begin() as conn:
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            if ready is None:
                self._fill(conn, self._templates[key], target)
            else:  # the test's schema is still empty: swap it for the ready copy
                conn.exec_driver_sql(f'DROP SCHEMA "{target}"')
                conn.exec_driver_sql(f'ALTER SCHEMA "{ready}" RENAME TO "{target}"')

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        failed = [f"{owner}: {f.exception()}" for owner, f in self._drops if f.exception()]
        leftovers = [f.result() for f in self._spares.values() if f.exception() is None]
        with self.admin.begin() as conn:
            for schema in [t.schema for t in self._templates.values()] + leftovers:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        self.admin.dispose()
        assert not failed, "test schemas not dropped:\n" + "\n".join(failed)

    def _drop(self, schema: str) -> None:
        with self.admin.begin() as conn:
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')

    def _copy(self, template: _PgTemplate) -> str:
        schema = f"spare_{uuid.uuid4().hex[:16]}"
        with self.admin.begin() as conn:
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            self._fill(conn, template, schema)
        return schema

    def _fill(self, conn: sa.Connection, template: _PgTemplate, target: str) -> None:
        """Make the empty schema `target` a copy of `template`, in `conn`'s transaction."""
        conn.exec_driver_sql(f'SET LOCAL search_path TO "{target}"')
        for statement, parameters in self._migration:
            conn.exec_driver_sql(statement, parameters)
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in template.tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')
            conn.exec_driver_sql(
                f'INSERT INTO "{table}" SELECT * FROM "{template.schema}"."{table}"'
            )
        for name, value in template.sequences:
            conn.exec_driver_sql(
                "SELECT setval(%(n)s, %(v)s)", {"n": f'"{target}"."{name}"', "v": value}
            )

    def _build(self, build: Build, record: list[tuple[str, Any]] | None = None) -> _PgTemplate:
        """Run `build` on a new schema; `record` collects the writes it ran."""
        schema = self.create_schema("tmpl")
        url = schema_url(self.url, schema)

        def recorder(*args: Any) -> None:  # before_cursor_execute(conn, cursor, statement, …)
            statement, parameters = args[2], args[3]
            if record is not None and statement.lstrip().upper().startswith(_WRITES):
                assert schema not in statement, statement
                record.append((statement, parameters))

        engine = make_engine(url)
        sa.event.listen(engine, "before_cursor_execute", recorder)
        try:
            build(url)
        finally:
            sa.event.remove(engine, "before_cursor_execute", recorder)
            dispose_engine(url)
        with self.admin.begin() as conn:
            names = sa.inspect(conn).get_table_names(schema=schema)
            tables = tuple(
                n
                for n in names
                if conn.exec_driver_sql(f'SELECT EXISTS (SELECT FROM "{schema}"."{n}")').scalar()
            )
            sequences = conn.exec_driver_sql(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = %(s)s AND last_value IS NOT NULL",
                {"s": schema},
            ).all()
        return _PgTemplate(schema, tables, tuple((str(n), int(v)) for n, v in sequences))
