"""Test pictures: the corpus of good and hostile image files, and helpers to upload and
store them (used by the image, archive, feed, permission, leak and storage tests)."""

import io
import struct
import zlib
from pathlib import Path

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Pillow
from PIL import ImageDraw

from statements import images
from statements.models import Image


def encode(picture, fmt, **params) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **params)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(width, height) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    exif = Pillow.Exif()
    exif[0x010E] = "Delegations at the table"  # ImageDescription
    exif[0x013B] = "Office photographer"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (51.0, 25.0, 10.0)})
    return encode(Pillow.new("RGB", (400, 200), (10, 120, 200)), "JPEG", exif=exif)


def animated_gif() -> bytes:
    frames = [Pillow.new("P", (60, 40), colour) for colour in (1, 2, 3)]
    for frame, rgb in zip(frames, [(255, 0, 0), (0, 255, 0), (0, 0, 255)], strict=True):
        frame.putpalette([0, 0, 0, *rgb] + [0, 0, 0] * 254)
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def two_halves(width=2000, height=1000) -> bytes:
    """Left half red, right half blue: shows which side a crop kept."""
    picture = Pillow.new("RGB", (width, height), (220, 0, 0))
    ImageDraw.Draw(picture).rectangle((width // 2, 0, width, height), fill=(0, 0, 220))
    return encode(picture, "PNG")


GOOD = {
    "one-pixel.png": lambda: encode(Pillow.new("RGB", (1, 1), (0, 0, 0)), "PNG"),
    "gps.jpg": jpeg_with_gps,
    "cmyk.jpg": lambda: encode(Pillow.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG"),
    "sixteen-bit.png": lambda: encode(Pillow.new("I;16", (120, 80), 40000), "PNG"),
    "animated.gif": animated_gif,
    "alpha.png": lambda: encode(Pillow.new("RGBA", (200, 100), (0, 200, 0, 128)), "PNG"),
    "photo.webp": lambda: encode(Pillow.new("RGB", (1800, 1200), (90, 90, 40)), "WEBP"),
}

BAD = {
    "bomb.png": (lambda: png_declaring(100_000, 100_000), "too many pixels"),
    "truncated.jpg": (
        lambda: encode(Pillow.new("RGB", (800, 600), (1, 2, 3)), "JPEG")[:2000],
        "damaged or incomplete",
    ),
    "script.svg": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
        "not an image",
    ),
    "page.jpg": (lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not an image"),
    "empty.jpg": (lambda: b"", "empty"),
    "text.png": (lambda: b"just some text, not a picture at all", "not an image"),
    "bitmap.bmp": (lambda: encode(Pillow.new("RGB", (10, 10)), "BMP"), "not accepted"),
}


def jpeg_upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def stored_files() -> set[str]:
    found = set()
    for key in ("private", "default"):
        root = Path(storages[key].location)
        found |= {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    return found


def store(name: str, data: bytes, **fields) -> Image:
    file = jpeg_upload(name, data)
    inspected = images.inspect(file)
    image = Image(alt_text=fields.pop("alt_text", "A picture"), **fields)
    images.store_upload(image, file, inspected)
    images.save_with_renditions(image)
    return image
