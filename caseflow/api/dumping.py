"""A marshmallow schema's dump of a dict record, with the field machinery decided once.

`Schema.dump` looks every field's value up through its accessor, asks each field whether the
value is missing, then converts it: on a case (33 fields, three nested) that was a tenth of
an API action's own time. `Dumper(schema)` gives the same dict for a dict record: each
field's conversion is chosen when the dumper is built, plain values that marshmallow would
return unchanged (a str for a String, an int for an Integer, a bool for a Boolean, None where
allowed) are kept as they are, and anything else goes through the field's own `_serialize`.
A schema with dump hooks, or a record that is not a dict, is dumped by marshmallow itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Convert = Callable[[Any], Any]


class Dumper:
    """`schema.dump(record)` for a dict `record`, the same answer for less work."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        hooked = bool(schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP])
        hooked |= type(schema).get_attribute is not Schema.get_attribute
        keys = {name: field.attribute or name for name, field in schema.dump_fields.items()}
        # marshmallow reads a dotted key as a path, and a key missing from a dict as the
        # dict's attribute of that name
        odd = any("." in key or hasattr(dict, key) for key in keys.values())
        self._plan: list[tuple[str, str, Any, Convert]] | None = None
        if not (hooked or odd or schema.many):
            plan = [(name if field.data_key is None else field.data_key, keys[name],
                     field.dump_default, _converter(name, field))
                    for name, field in schema.dump_fields.items()]
            if all(convert is not None for *_, convert in plan):
                self._plan = plan  # type: ignore[assignment]

    def __call__(self, record: Any) -> Any:
        if self._plan is None or type(record) is not dict:
            return self.schema.dump(record)
        out: dict[str, Any] = {}
        for key, name, default, convert in self._plan:
            if name in record:
                value = record[name]
            else:  # as marshmallow: the field's dump default, or the field left out
                value = default() if callable(default) else default
                if value is missing:
                    continue
            out[key] = convert(value)
        return out


def _converter(name: str, field: fields.Field) -> Convert | None:
    """How `field` turns a value into its dumped form, or None for a kind not known here."""
    def general(value: Any) -> Any:  # these kinds' conversions read neither attr nor obj
        return None if value is None else field._serialize(value, name, None)

    kind = type(field)
    if kind in _KEPT:
        if isinstance(field, fields.Integer) and field.as_string:
            return general
        return _keeping(_KEPT[kind], general)
    if kind is fields.DateTime:
        return general
    if kind is fields.List and isinstance(field, fields.List) and type(field.inner) in _KEPT:
        return general
    if kind is fields.Dict and isinstance(field, fields.Dict) and all(
            part is None or type(part) in _KEPT for part in (field.key_field, field.value_field)):
        return general
    if kind is fields.Nested and isinstance(field, fields.Nested) and not field.many:
        nested = Dumper(field.schema)
        if nested._plan is not None:
            return lambda value: None if value is None else nested(value)
    return None


# Field kinds whose dump of a value of exactly this type is the value itself.
_KEPT: dict[type, type] = {fields.String: str, fields.Integer: int, fields.Boolean: bool}


def _keeping(kind: type, general: Convert) -> Convert:
    """Values of exactly `kind` (or None) as they are; others as the field converts them."""
    return lambda value: value if value is None or type(value) is kind else general(value)
