"""Generates real image files of every kind the loader must handle (nothing binary is committed).

``build_corpus(directory)`` writes them all and returns ``{kind: path}``; the ``write_*`` helpers
make single files for other tests. The constants say what a correct loader must produce.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, features

try:
    import pillow_heif
except ImportError:  # pragma: no cover - optional
    pillow_heif = None

# The orientation pattern as it must appear after EXIF orientation: 48×32, four coloured quadrants.
# Corner colours identify every one of the 8 orientations (and the size tells landscape apart).
UPRIGHT_SIZE = (48, 32)
TOP_LEFT, TOP_RIGHT = (220, 30, 30), (30, 200, 30)
BOTTOM_LEFT, BOTTOM_RIGHT = (30, 30, 220), (240, 240, 240)

# A gray level stored with a linear-gamma RGB profile; in sRGB it must come out near this value.
LINEAR_GRAY_IN, LINEAR_GRAY_AS_SRGB = 128, 188

# Palette PNG: index 0 is transparent; RGBA PNG: left half opaque red, right half 50 % blue.
PALETTE_OPAQUE = (10, 120, 250)
HALF_ALPHA = 128

BOMB_SIZE = (10_000, 10_000)
HUGE_BOMB_SIZE = (20_000, 10_000)


def orientation_pattern() -> np.ndarray:
    w, h = UPRIGHT_SIZE
    a = np.empty((h, w, 3), np.uint8)
    a[: h // 2, : w // 2] = TOP_LEFT
    a[: h // 2, w // 2 :] = TOP_RIGHT
    a[h // 2 :, : w // 2] = BOTTOM_LEFT
    a[h // 2 :, w // 2 :] = BOTTOM_RIGHT
    return a


def stored_for_orientation(upright: np.ndarray, orientation: int) -> np.ndarray:
    """Pixels a camera stores so that EXIF ``orientation`` displays ``upright`` (from the EXIF spec:
    where the stored 0th row and 0th column lie on the displayed picture)."""
    stored = {
        1: lambda a: a,
        2: np.fliplr,  # row 0 top, column 0 right
        3: lambda a: np.rot90(a, 2),  # bottom, right
        4: np.flipud,  # bottom, left
        5: lambda a: a.transpose(1, 0, 2),  # left, top
        6: lambda a: np.rot90(a, 1),  # right, top
        7: lambda a: np.rot90(a, 2).transpose(1, 0, 2),  # right, bottom
        8: lambda a: np.rot90(a, -1),  # left, bottom
    }[orientation](upright)
    return np.ascontiguousarray(stored)


def gradient_rgb(w: int = 64, h: int = 48) -> np.ndarray:
    x = np.linspace(0, 255, w, dtype=np.float64)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.float64)[:, None].repeat(w, 1)
    return np.dstack([x, y, 255 - x]).astype(np.uint8)


def noise_rgb(w: int, h: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def write_image(path: Path, pixels: np.ndarray | Image.Image, **save_args: object) -> Path:
    im = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
    im.save(path, **save_args)
    return path


def write_oriented_jpeg(path: Path, orientation: int) -> Path:
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored = stored_for_orientation(orientation_pattern(), orientation)
    return write_image(path, stored, quality=95, subsampling=0, exif=exif.tobytes())


def write_png_raw(path: Path, width: int, height: int, bit_depth: int, colour_type: int, rows: bytes) -> Path:
    """A PNG written by hand, for layouts PIL cannot save (48-bit RGB) or sizes it should not hold."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return path


def write_bomb_png(path: Path, size: tuple[int, int]) -> Path:
    """A valid all-black 1-bit PNG of ``size``: tens of KB on disk, hundreds of MB once decoded."""
    w, h = size
    row = b"\x00" * (1 + (w + 7) // 8)  # filter byte + packed bits
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    return write_png_raw(path, w, h, 1, 0, data)


def write_png48(path: Path) -> Path:
    """16-bit-per-channel RGB PNG: red rises 0→65535 along x (sample x*257), blue is half of it."""
    w, h = 256, 4
    a = np.zeros((h, w, 3), ">u2")
    a[..., 0] = np.arange(w) * 257
    a[..., 2] = np.arange(w) * 257 // 2
    rows = b"".join(b"\x00" + a[y].tobytes() for y in range(h))
    return write_png_raw(path, w, h, 16, 2, zlib.compress(rows))


def gray16_gradient() -> np.ndarray:
    """Samples x*257 for x in 0..255: correctly reduced to 8 bits they read back exactly as x."""
    return (np.arange(256, dtype=np.uint16) * 257)[None, :].repeat(4, 0)


def linear_rgb_icc() -> bytes:
    """A minimal ICC v2 display profile: sRGB primaries with a linear (gamma 1.0) tone curve.

    Pillow can only *create* sRGB/Lab/XYZ profiles, so a non-sRGB RGB profile is written by hand.
    """

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))

    desc_text = b"Linear RGB (test)\0"
    desc = (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(desc_text))
        + desc_text
        + struct.pack(">II", 0, 0)
        + struct.pack(">HB", 0, 0)
        + b"\0" * 67
    )
    gamma_one = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0100)
    tags = [
        (b"desc", desc),
        (b"cprt", b"text\0\0\0\0public domain\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", gamma_one),
        (b"gTRC", gamma_one),
        (b"bTRC", gamma_one),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntr"
        + b"RGB "
        + b"XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + struct.pack(">3i", *(round(v * 65536) for v in (0.9642, 1.0, 0.8249)))
    )
    header += b"\0" * (128 - len(header))
    profile = header + struct.pack(">I", len(tags)) + table + body
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # fail here, not in the test, if it is malformed
    return profile


def write_truncated(path: Path, fmt: str, keep: float = 0.6) -> Path:
    buf = io.BytesIO()
    Image.fromarray(noise_rgb(160, 120, seed=1)).save(buf, fmt)
    data = buf.getvalue()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def write_animation(path: Path, fmt: str) -> Path:
    frames = [Image.new("RGB", (16, 12), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    extra = {"lossless": True} if fmt == "WEBP" else {}
    frames[0].save(path, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, **extra)
    return path


def _palette_with_transparency() -> Image.Image:
    im = Image.new("P", (20, 10), 1)
    im.putpalette([0, 0, 0, *PALETTE_OPAQUE] + [0] * (3 * 254))
    im.paste(0, (0, 0, 10, 10))  # left half: the transparent index
    im.info["transparency"] = 0
    return im


def _half_transparent_rgba() -> np.ndarray:
    a = np.zeros((10, 20, 4), np.uint8)
    a[:, :10] = (255, 0, 0, 255)
    a[:, 10:] = (0, 0, 255, HALF_ALPHA)
    return a


def build_corpus(directory: Path) -> dict[str, Path]:
    """Write every kind of test photo into ``directory``; returns {kind: path}."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    grad = gradient_rgb()
    icc = linear_rgb_icc()
    gray = np.full((24, 32, 3), LINEAR_GRAY_IN, np.uint8)
    makers: dict[str, Callable[[], Path]] = {
        "jpeg": lambda: write_image(d / "photo.jpg", grad, quality=95),
        "png": lambda: write_image(d / "photo.png", grad),
        "webp": lambda: write_image(d / "photo.webp", grad, lossless=True),
        "tiff": lambda: write_image(d / "photo.tif", grad),
        "bmp": lambda: write_image(d / "photo.bmp", grad),
        "png_named_jpg": lambda: write_image(d / "really_png.jpg", grad, format="PNG"),
        "cmyk_jpeg": lambda: write_image(d / "cmyk.jpg", Image.new("CMYK", (32, 24), (0, 255, 255, 0))),
        "gray16_png": lambda: write_image(d / "gray16.png", Image.fromarray(gray16_gradient())),
        "rgb48_png": lambda: write_png48(d / "rgb48.png"),
        "gray16_tiff": lambda: write_image(d / "gray16.tif", Image.fromarray(gray16_gradient())),
        "gray16be_tiff": lambda: write_image(
            d / "gray16be.tif", Image.fromarray(gray16_gradient().astype(">u2"))
        ),
        "float_tiff": lambda: write_image(
            d / "float.tif", Image.fromarray(np.linspace(0, 1, 256, dtype=np.float32)[None, :].repeat(4, 0))
        ),
        "palette_transparent_png": lambda: write_image(d / "palette.png", _palette_with_transparency()),
        "la_png": lambda: write_image(
            d / "la.png", Image.merge("LA", [Image.new("L", (20, 10), 90), Image.new("L", (20, 10), 60)])
        ),
        "rgba_png": lambda: write_image(d / "rgba.png", _half_transparent_rgba()),
        "opaque_rgba_png": lambda: write_image(
            d / "opaque_rgba.png", np.dstack([grad, np.full(grad.shape[:2], 255, np.uint8)])
        ),
        "bilevel_png": lambda: write_image(
            d / "bilevel.png", Image.fromarray(np.indices((8, 8)).sum(0) % 2 == 0)
        ),
        "icc_linear_jpeg": lambda: write_image(d / "linear_icc.jpg", gray, quality=100, icc_profile=icc),
        "icc_broken_jpeg": lambda: write_image(
            d / "broken_icc.jpg", gray, quality=100, icc_profile=b"junk" * 40
        ),
        "icc_srgb_png": lambda: write_image(
            d / "srgb_icc.png",
            gray,
            icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        ),
        "bomb_png": lambda: write_bomb_png(d / "bomb.png", BOMB_SIZE),
        "huge_bomb_png": lambda: write_bomb_png(d / "huge_bomb.png", HUGE_BOMB_SIZE),
        "animated_gif": lambda: write_animation(d / "animated.gif", "GIF"),
        "animated_webp": lambda: write_animation(d / "animated.webp", "WEBP"),
        "one_pixel_png": lambda: write_image(d / "one.png", np.array([[[1, 2, 3]]], np.uint8)),
        "wide_png": lambda: write_image(d / "wide.png", np.full((10, 20_000, 3), 77, np.uint8)),
        "transparent_png": lambda: write_image(d / "transparent.png", np.zeros((10, 10, 4), np.uint8)),
        "empty_jpg": lambda: _write_bytes(d / "empty.jpg", b""),
        "truncated_jpeg": lambda: write_truncated(d / "truncated.jpg", "JPEG"),
        "truncated_png": lambda: write_truncated(d / "truncated.png", "PNG"),
        "text_as_jpg": lambda: _write_bytes(d / "notes.jpg", "Артикул 123, цена 990 ₽\nsize M\n".encode()),
        "html_as_png": lambda: _write_bytes(
            d / "page.png", b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head></html>\n"
        ),
    }
    for n in range(1, 9):
        makers[f"orient_{n}"] = lambda n=n: write_oriented_jpeg(d / f"orient_{n}.jpg", n)
    if pillow_heif is not None:
        makers["heic"] = lambda: _write_heic(d / "photo.heic", grad)
    if features.check("avif"):
        makers["avif"] = lambda: write_image(d / "photo.avif", grad, quality=90)
    return {kind: make() for kind, make in makers.items()}


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _write_heic(path: Path, pixels: np.ndarray) -> Path:
    pillow_heif.register_heif_opener()
    return write_image(path, pixels, format="HEIF", quality=90)
