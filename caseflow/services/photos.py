"""A photo as caseflow keeps it: read by its content, limited, re-encoded without metadata.

Residents' phones write where a photo was taken (EXIF GPS), when, and with what device;
none of it may reach the case. Every photo is decoded and written anew from its pixels
(Pillow), so no EXIF, XMP or text chunk survives; the orientation the phone recorded is
applied to the pixels first, so the photo still stands the right way up. HEIC (iPhones) is
read through pillow-heif and kept as JPEG. Dimensions are read from the header before any
pixel is decoded: a decompression bomb (a small file that decodes to gigapixels) is refused
at once, without the memory or time its decoding would cost.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from caseflow.domain.errors import InvalidInput

try:  # HEIC/HEIF from iPhones, when the library is installed (pyproject lists it)
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_READABLE = True
except ImportError:  # pragma: no cover - the refusal below names the format
    HEIC_READABLE = False

THUMBNAIL_SIZE = (320, 320)
# Formats as Pillow names them → what is stored: (content type, extension, Pillow format).
KEPT_AS = {
    "JPEG": ("image/jpeg", "jpg", "JPEG"),
    "MPO": ("image/jpeg", "jpg", "JPEG"),  # phones' multi-picture JPEG: its first picture
    "PNG": ("image/png", "png", "PNG"),
    "WEBP": ("image/webp", "webp", "WEBP"),
    "HEIF": ("image/jpeg", "jpg", "JPEG"),
}
NOT_A_PHOTO = "must be a JPEG, PNG, HEIC or WebP photo"
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")


class PhotoRefused(InvalidInput):
    """A photo that is not kept; `problem` says why in a word a page can translate."""

    def __init__(self, field: str, message: str, problem: str) -> None:
        super().__init__(field, message)
        self.problem = problem


@dataclass(frozen=True)
class PhotoLimits:
    """How large a photo may be, in bytes of the file and in pixels once decoded."""

    max_bytes: int
    max_pixels: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PhotoLimits:
        """The limits an app is configured with (ops/limits.py has the defaults)."""
        return cls(int(config["ATTACHMENT_MAX_BYTES"]), int(config["PHOTO_MAX_PIXELS"]))


@dataclass(frozen=True)
class CleanPhoto:
    """A photo re-encoded from its pixels, and its thumbnail (always JPEG)."""

    content: bytes
    content_type: str
    extension: str
    thumbnail: bytes
    width: int
    height: int


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def _open(data: bytes, field: str, limits: PhotoLimits) -> Image.Image:
    if not data:
        raise PhotoRefused(field, "is empty", "not_a_photo")
    if len(data) > limits.max_bytes:
        raise PhotoRefused(field, f"is larger than the limit of {limits.max_bytes} bytes",
                           "photo_too_large")
    if _is_heif(data) and not HEIC_READABLE:
        raise PhotoRefused(field, "HEIC photos cannot be read here: send a JPEG or PNG",
                           "heic_unreadable")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(field, f"has more than {limits.max_pixels} pixels",
                           "photo_too_many_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise PhotoRefused(field, NOT_A_PHOTO, "not_a_photo") from None
    if image.format not in KEPT_AS:
        raise PhotoRefused(field, NOT_A_PHOTO, "not_a_photo")
    width, height = image.size
    if width * height > limits.max_pixels:
        raise PhotoRefused(field, f"has more than {limits.max_pixels} pixels",
                           "photo_too_many_pixels")
    return image


def _encode(image: Image.Image, pillow_format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, pillow_format, **options)
    return out.getvalue()


def clean_photo(data: bytes, limits: PhotoLimits, field: str = "file") -> CleanPhoto:
    """The photo re-encoded without metadata, with its thumbnail; InvalidInput naming
    `field` for an empty, oversized, unreadable or too-many-pixels file."""
    image = _open(data, field, limits)
    content_type, extension, pillow_format = KEPT_AS[image.format or ""]
    try:
        upright = ImageOps.exif_transpose(image)  # decodes: the size was checked above
        if pillow_format == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        elif upright.mode not in ("RGB", "RGBA", "L", "LA"):  # a palette would be lost
            upright = upright.convert("RGBA")
        # A fresh image from the pixels alone: no EXIF, XMP, comment or text chunk is copied.
        pixels = Image.new(upright.mode, upright.size)
        pixels.paste(upright)
        options: dict[str, object] = {"quality": 85} if pillow_format in ("JPEG", "WEBP") else {}
        content = _encode(pixels, pillow_format, **options)
        thumb = pixels.convert("RGB")
        thumb.thumbnail(THUMBNAIL_SIZE)
        thumbnail = _encode(thumb, "JPEG", quality=80)
    except (OSError, ValueError, SyntaxError):  # truncated or corrupt pixel data
        raise PhotoRefused(field, NOT_A_PHOTO, "not_a_photo") from None
    return CleanPhoto(content, content_type, extension, thumbnail, *pixels.size)
