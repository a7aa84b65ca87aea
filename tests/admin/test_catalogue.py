"""Every string of the UI has a Chinese and an English translation, compiled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "caseflow" / "translations"
METHODS = [("caseflow/admin/**.py", "python"), ("caseflow/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted() -> set[str]:
    found = extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _f, _l, message, *_ in found}


def test_every_ui_string_is_translated_into_chinese_and_english():
    wanted = _extracted()
    assert len(wanted) > 100
    for lang in ("zh", "en"):
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
            catalog = read_po(po, locale=lang)
        missing = sorted(m for m in wanted if not (catalog.get(m) and catalog.get(m).string))
        assert missing == [], f"{lang}: run `make translations` and translate {missing}"


def _plain(value: Any) -> Any:
    """Plural ids and strings as tuples: the .po reader gives tuples, the .mo reader lists."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogues_match_the_sources():
    for lang in ("zh", "en"):
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
            source = {_plain(m.id): _plain(m.string) for m in read_po(po, locale=lang) if m.id}
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as mo:
            compiled = {_plain(m.id): _plain(m.string) for m in read_mo(mo) if m.id}
        assert compiled == source, f"{lang}: run `make translations` to recompile"
