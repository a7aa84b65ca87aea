"""Real photos for tests, made with Pillow: plain ones, one carrying GPS EXIF, a bomb."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image

from caseflow.services.photos import PhotoLimits

LIMITS = PhotoLimits(max_bytes=2 * 1024 * 1024, max_pixels=20_000_000)
GPS_IFD = 0x8825


def png(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    """A small PNG of one colour."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def noise_png(size: tuple[int, int] = (200, 200)) -> bytes:
    """A PNG that does not compress: about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (120, 80)) -> bytes:
    """A JPEG whose EXIF says where it was taken (Chengdu), as a phone writes it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[GPS_IFD] = {1: "N", 2: (30.0, 39.0, 36.0), 3: "E", 4: (104.0, 4.0, 48.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def heic(size: tuple[int, int] = (64, 64)) -> bytes:
    """An iPhone-style HEIC photo (pillow-heif writes it)."""
    out = io.BytesIO()
    Image.new("RGB", size, (10, 160, 60)).save(out, "HEIF")
    return out.getvalue()


def png_bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG whose header claims `width`×`height` pixels: decoding it would need
    gigabytes, so it must be refused from its header alone."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(
        b"IEND", b"")
