"""Masking of personal data: how a name, a phone number or an ID number reads when hidden.

Pure functions, used by the one read policy in `services/visibility.py` for every edge: a
leader sees 王** and 138****5678, the public sees free text with any phone or ID number
that a resident or a caseworker typed into it masked the same way.
"""

from __future__ import annotations

import re

# A mainland mobile (1[3-9] + 9 digits), a landline with area code (0xx-xxxxxxx[x]), or an
# 18-character resident ID (17 digits + digit or X); digits glued to other digits are not
# a number of their own (an amount, a date), so the patterns need a non-digit around them.
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[0-9]{7}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}[- ]?[0-9]{7,8}(?![0-9])")


def mask_name(name: str) -> str:
    """刘女士 → 刘**: the family name stays, the rest is hidden."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """13800000001 → 138****0001: enough to recognise, not to call."""
    digits = phone.strip()
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str) -> str:
    """510104199001011234 → 510104********1234: the region stays, the birth date goes."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _mask_digits(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    # Keep the first three and the last four digits, as mask_phone does.
    hidden = set(digits[3:-4]) if len(digits) > 7 else set(digits)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_text(text: str) -> str:
    """Free text with every phone and ID number in it masked (names are not recognisable)."""
    if not text:
        return text
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(_mask_digits, text)
    return _LANDLINE.sub(_mask_digits, text)
