"""The unit of work: one transaction, rolled back unless committed.

Its ORM session opens on first use. A use case that only needs SQL (the action path) asks
for `connection()` and never pays for a Session (its transaction bookkeeping, identity map
and close cost ~0.1 ms a use case); a session opened after that joins the same connection
and transaction, so what it flushes commits or rolls back with the rest.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

# Registers the count of every ORM flush of a case in the report summaries (migration 0016).
import caseflow.services.reporting.summaries  # noqa: F401,E402


class UnitOfWork:
    """`with UnitOfWork(factory) as uow: ...; uow.commit()` — anything else rolls back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self._conn: Connection | None = None

    @classmethod
    def joining(cls, session: Session) -> UnitOfWork:
        """The unit of work of a caller's open session (the sweep's batch): the same
        transaction; committing and closing stay the caller's."""
        uow = cls(sessionmaker())
        uow._session = session
        return uow

    def __enter__(self) -> UnitOfWork:
        self._session = self._conn = None
        return self

    @property
    def session(self) -> Session:
        """The unit of work's session (opened now if nothing opened it yet)."""
        if self._session is None:
            if self._conn is None:
                self._session = self._factory()
            else:  # flushes into this transaction; committing it is ours
                self._session = self._factory(
                    bind=self._conn, join_transaction_mode="rollback_only"
                )
        return self._session

    @property
    def opened_session(self) -> Session | None:
        """The session if something already opened it (it may hold loaded objects), else None."""
        return self._session

    def connection(self) -> Connection:
        """The connection of this unit of work's transaction, without opening a session."""
        if self._conn is not None:
            return self._conn
        if self._session is not None:
            return self._session.connection()
        engine = self._factory.kw["bind"]
        assert isinstance(engine, Engine)  # noqa: S101 (type narrowing: a sessionmaker's bind)
        self._conn = engine.connect()
        self._conn.begin()
        return self._conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing discards whatever was not committed; an explicit rollback would also expire
        # the loaded objects, which edges still render after the unit of work ends.
        try:
            if self._session is not None:
                if exc_type is not None:
                    self._session.rollback()
                self._session.close()
        finally:
            if self._conn is not None:
                self._conn.close()

    def rollback(self) -> None:
        """Undo this transaction's changes, keeping the unit of work usable (a lost race
        then reads what the winner committed)."""
        if self._session is not None:
            self._session.rollback()
        if self._conn is not None:
            self._conn.rollback()

    def commit(self) -> None:
        """Make this use case's changes, event included, durable at once."""
        if self._session is not None:
            self._session.commit()
        if self._conn is not None:
            self._conn.commit()
