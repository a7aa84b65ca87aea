"""A browsable API page served from this package: no CDN, no inline script."""

from __future__ import annotations

from flask import Blueprint, Response, render_template_string

page = Blueprint("api_docs", __name__, static_folder="static", static_url_path="/api/static")

HTML = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>caseflow API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="{{ url_for('api_docs.static', filename='docs.css') }}">
</head>
<body>
  <header>
    <h1>caseflow API <small id="version"></small></h1>
    <p>OpenAPI 3 document: <a href="{{ spec }}">{{ spec }}</a>.
       Send <code>Authorization: Bearer TOKEN</code>; get a token from
       <code>POST /api/v1/auth/token</code>.</p>
    <input id="filter" type="search" placeholder="filter operations" aria-label="filter">
  </header>
  <main id="operations" data-spec="{{ spec }}"><p>Loading…</p></main>
  <script src="{{ url_for('api_docs.static', filename='docs.js') }}"></script>
</body>
</html>
"""


@page.get("/api/docs")
def docs() -> Response:
    """The operations of /api/openapi.json, listed by our own small script."""
    return Response(render_template_string(HTML, spec="/api/openapi.json"), mimetype="text/html")
