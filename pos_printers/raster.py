"""Bitmaps for the printer: logo, CODE128 and QR as 1-bit images, and ``GS v 0`` packing.

Used by the ESC/POS renderer (profiles without native codes get images) and by the
virtual printer (to draw native codes exactly as the renderer would have sent them).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, cast

import qrcode
from barcode.codex import Code128
from PIL import Image, ImageDraw, ImageOps

# Inverts every bit: PIL's mode "1" stores white as 1, ESC/POS wants black as 1.
_INVERT = bytes(255 - i for i in range(256))

BARCODE_MODULE_DOTS = 2
BARCODE_HEIGHT_DOTS = 80
QR_MODULE_DOTS = 6


def code128_modules(data: str) -> str:
    """The bar pattern ('1' = bar) python-barcode builds for ``data`` (code set chosen by it)."""
    built = cast(list[str], Code128(data).build())
    return built[0]


@lru_cache(maxsize=64)
def code128_image(data: str, module: int = BARCODE_MODULE_DOTS,
                  height: int = BARCODE_HEIGHT_DOTS) -> Image.Image:
    modules = code128_modules(data)
    quiet = 10  # modules of white on each side, as the symbology asks
    img = Image.new("1", ((len(modules) + 2 * quiet) * module, height), 1)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(modules):
        if bit == "1":
            x0 = (i + quiet) * module
            draw.rectangle((x0, 0, x0 + module - 1, height - 1), fill=0)
    return img


@lru_cache(maxsize=64)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(row) for row in cast(list[list[bool]], code.get_matrix()))


def qr_image(data: str, module: int = QR_MODULE_DOTS) -> Image.Image:
    matrix = qr_matrix(data)
    size = len(matrix)
    small = Image.new("1", (size, size), 1)
    small.putdata([0 if cell else 1 for row in matrix for cell in row])
    return small.resize((size * module, size * module), Image.Resampling.NEAREST)


def fit_width(img: Image.Image, max_width: int) -> Image.Image:
    if img.width <= max_width:
        return img
    height = max(1, round(img.height * max_width / img.width))
    return img.resize((max_width, height), Image.Resampling.LANCZOS)


def center_on(img: Image.Image, width: int) -> Image.Image:
    """Pad to the full paper width: clones ignore ESC a for images, so we centre by pixels."""
    if img.width >= width:
        return img
    canvas = Image.new("1", (width, img.height), 1)
    canvas.paste(img, ((width - img.width) // 2, 0))
    return canvas


def to_monochrome(img: Image.Image) -> Image.Image:
    """Any picture -> 1-bit, transparent parts white, dithered like a thermal head prints."""
    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert("L").convert("1")


def raster_bytes(img: Image.Image) -> bytes:
    """``GS v 0`` command for a 1-bit image (normal density)."""
    if img.mode != "1":
        img = img.convert("1")
    if img.width % 8:
        padded = Image.new("1", (img.width + 8 - img.width % 8, img.height), 1)
        padded.paste(img, (0, 0))
        img = padded
    width_bytes = img.width // 8
    data = img.tobytes().translate(_INVERT)
    header = b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + img.height.to_bytes(2, "little")
    return header + data


def raster_to_image(width_bytes: int, height: int, data: bytes) -> Image.Image:
    """Inverse of ``raster_bytes``: the bitmap a ``GS v 0`` command draws (black = 0)."""
    return Image.frombytes("1", (width_bytes * 8, height), data.translate(_INVERT))


@lru_cache(maxsize=8)
def _logo(path: str, mtime: float, max_width: int) -> Image.Image:
    with Image.open(path) as src:
        src.load()
        gray = to_monochrome(fit_width(cast(Any, ImageOps.exif_transpose(src)) or src,
                                       max_width))
    return gray


def load_logo(path: str, max_width: int) -> Image.Image | None:
    """The shop's logo scaled to the paper; None if the file is missing or unreadable.

    A bad logo must not stop a receipt from printing, so errors are swallowed here and the
    receipt prints without it.
    """
    try:
        return _logo(path, os.path.getmtime(path), max_width)
    except (OSError, ValueError):
        return None
