"""Dagster's SQLite event log, made cheap per event.

The stock ``SqliteEventLogStorage`` creates and disposes a SQLAlchemy engine, and fsyncs, for
every event it stores (one per step start, materialization, check result...): measured here at
tens of milliseconds an event, several seconds of every build. This subclass keeps one engine per
database file with a pool of open SQLite connections (SQLAlchemy's choice for a SQLite file: a
connection is used by one thread at a time, never shared), where opening one per event was a
third of the cost (2,874 connects in an empty build), and lets SQLite skip the fsync of each small commit (``synchronous = OFF``): a
process that dies loses nothing (the OS still writes the pages); only a power cut could lose the
last runs' history, never the warehouse. dagster.yaml selects it (instance.py).
"""

from __future__ import annotations

from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


def _pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("pragma synchronous = off")
    cur.close()


class FastSqliteEventLogStorage(SqliteEventLogStorage):
    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engines = self.__dict__.setdefault("_revops_engines", {})
            engine = engines.get(shard)
            if engine is None:
                engine = create_engine(self.conn_string_for_shard(shard), poolclass=QueuePool,
                                       connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
                event.listen(engine, "connect", _pragmas)
                engines[shard] = engine
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    # Schema questions asked for every stored event (does the checks table exist, has the asset
    # key table its index columns, is a data migration done), each on a fresh engine or inspector:
    # ~0.5 s of an empty build. A yes never turns into a no (migrations only add), so a yes is
    # remembered; a no is asked again.
    def has_table(self, table_name: str) -> bool:
        return self._remembered_yes(("table", table_name), lambda: super(FastSqliteEventLogStorage, self).has_table(table_name))

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        return self._remembered_yes(("asset_key column", column_name),
                                    lambda: super(FastSqliteEventLogStorage, self)._has_asset_key_col_on_connection(conn, column_name))

    def has_secondary_index(self, name: str) -> bool:
        return self._remembered_yes(("secondary index", name), lambda: super(FastSqliteEventLogStorage, self).has_secondary_index(name))

    def _remembered_yes(self, question, ask) -> bool:
        yes = self.__dict__.setdefault("_revops_yes", set())
        if question in yes:
            return True
        if ask():
            yes.add(question)
            return True
        return False

    def dispose(self) -> None:
        for engine in self.__dict__.get("_revops_engines", {}).values():
            engine.dispose()
        super().dispose()
