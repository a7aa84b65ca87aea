"""GeoReport v2 bodies as JSON (bare arrays) or XML (the spec's element names), and errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

from flask import Response

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# The element each item of a list is wrapped in, named after the list's own element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    else:
        # None becomes an empty element, as in the spec's examples (<zipcode/>).
        element.text = _text(value)


def to_xml(root: str, body: Any) -> str:
    """An XML document: `root` holds `body` (a mapping, or a list of item elements)."""
    element = ET.Element(root)
    _fill(element, body)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def respond(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    """Render `body` in the requested format; JSON drops the root, as the spec's examples do."""
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False)
    else:
        text = to_xml(root, body)
    return Response(text, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, description: str) -> Response:
    """`[{code, description}]`, or `<errors><error>…</error></errors>`; code = HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
