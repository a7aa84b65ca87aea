"""The unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """`with UnitOfWork(factory) as uow: ...; uow.commit()` — anything else rolls back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing discards whatever was not committed; an explicit rollback would also expire
        # the loaded objects, which edges still render after the unit of work ends.
        if exc_type is not None:
            self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Make this use case's changes, event included, durable at once."""
        self.session.commit()
