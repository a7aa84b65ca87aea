"""Pure domain logic: no Flask, SQLAlchemy or marshmallow."""
