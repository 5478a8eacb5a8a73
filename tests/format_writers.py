"""Files of every format, written here with Pillow or by hand (PSD, QOI, CUR, odd BMPs), so
nothing binary is committed: a left half and a right half of known colours, or a known oddity."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image

from tests import photo_corpus as pc

W, H = 32, 24
LEFT, RIGHT = (200, 30, 30), (30, 30, 200)


def halves(left: tuple[int, int, int] = LEFT, right: tuple[int, int, int] = RIGHT,
           size: tuple[int, int] = (W, H)) -> np.ndarray:
    w, h = size
    a = np.empty((h, w, 3), np.uint8)
    a[:, : w // 2] = left
    a[:, w // 2 :] = right
    return a


# --- writers for what Pillow cannot save -----------------------------------------------------------


def write_bmp_32(path: Path, rgb: np.ndarray, alpha: int,
                 masks: tuple[int, int, int, int] = (0xFF0000, 0xFF00, 0xFF, 0xFF000000)) -> Path:
    """32-bit BMP with a BITMAPV4HEADER and BI_BITFIELDS masks; the default masks store B, G, R, A."""
    h, w = rgb.shape[:2]
    bgra = np.dstack([rgb[..., 2], rgb[..., 1], rgb[..., 0], np.full((h, w), alpha, np.uint8)])
    data = bgra[::-1].tobytes()  # bottom row first
    info = struct.pack("<IiiHHIIiiII", 108, w, h, 1, 32, 3, len(data), 2835, 2835, 0, 0)
    info += struct.pack("<4I", *masks) + b"BGRs" + bytes(36 + 12)  # colour space, endpoints, gamma
    offset = 14 + len(info)
    path.write_bytes(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + data)
    return path


def write_bmp_2bit(path: Path) -> Path:
    """A 2-bit palette BMP: valid by the spec (Windows CE), a depth Pillow does not implement."""
    w, h = 8, 2
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 2, 0, 0, 2835, 2835, 4, 0)
    palette = bytes([0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 0, 255, 0, 0, 0])
    rows = bytes([0b00011011, 0b00011011, 0, 0]) * h  # 8 pixels of 2 bits, padded to 4 bytes
    offset = 14 + len(info) + len(palette)
    path.write_bytes(b"BM" + struct.pack("<IHHI", offset + len(rows), 0, 0, offset) + info + palette + rows)
    return path


def write_psd(path: Path, composite: np.ndarray, layers: tuple[np.ndarray, ...] = ()) -> Path:
    """An 8-bit RGB PSD: header, empty colour-mode data and resources, ``layers`` (raw channels) and
    the flattened composite that Photoshop stores for readers that do not merge layers."""
    h, w = composite.shape[:2]
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, h, w, 8, 3)
    records, channels = b"", b""
    for layer in layers:
        lh, lw = layer.shape[:2]
        records += struct.pack(">iiiiH", 0, 0, lh, lw, 3)
        records += b"".join(struct.pack(">hI", ch, 2 + lh * lw) for ch in range(3))
        records += b"8BIMnorm" + bytes([255, 0, 0, 0]) + struct.pack(">I", 0)  # blend, opacity, no extra
        channels += b"".join(struct.pack(">H", 0) + layer[..., ch].tobytes() for ch in range(3))
    if layers:
        info = struct.pack(">h", len(layers)) + records + channels
        info += b"\0" * (len(info) % 2)
        body = struct.pack(">I", len(info)) + info + struct.pack(">I", 0)  # no global layer mask
        layer_section = struct.pack(">I", len(body)) + body
    else:
        layer_section = struct.pack(">I", 0)
    image = struct.pack(">H", 0) + b"".join(composite[..., ch].tobytes() for ch in range(3))
    path.write_bytes(header + struct.pack(">II", 0, 0) + layer_section + image)
    return path


def write_qoi_by_hand(path: Path, rgb: np.ndarray) -> Path:
    """QOI with one QOI_OP_RGB per pixel: the simplest stream a decoder must accept."""
    h, w = rgb.shape[:2]
    body = b"".join(b"\xfe" + bytes(px) for px in rgb.reshape(-1, 3).tolist())
    path.write_bytes(b"qoif" + struct.pack(">IIBB", w, h, 3, 0) + body + b"\0" * 7 + b"\x01")
    return path


def icon_sizes() -> list[Image.Image]:
    """48 px blue (the largest, which must be used), then 16 px red and 32 px green."""
    return [Image.new("RGB", (s, s), c) for s, c in ((48, (0, 0, 255)), (16, (255, 0, 0)), (32, (0, 255, 0)))]


def write_ico(path: Path, bitmap_format: str = "png") -> Path:
    big, *others = icon_sizes()
    sizes = [(16, 16), (32, 32), (48, 48)]
    big.save(path, "ICO", sizes=sizes, append_images=others, bitmap_format=bitmap_format)
    return path


def write_cur(path: Path) -> Path:
    """A cursor is an icon directory of type 2 (Pillow writes only icons)."""
    data = bytearray(write_ico(path, bitmap_format="bmp").read_bytes())
    data[2] = 2
    path.write_bytes(bytes(data))
    return path


def write_plain_ppm(path: Path, rgb: np.ndarray) -> Path:
    h, w = rgb.shape[:2]
    samples = " ".join(map(str, rgb.reshape(-1).tolist()))
    path.write_text(f"P3\n# made by hand\n{w} {h}\n255\n{samples}\n")
    return path


def write_frames(path: Path, fmt: str, **extra: object) -> Path:
    """Two frames, the first one the halves picture."""
    first, second = Image.fromarray(halves()), Image.new("RGB", (W, H), (0, 200, 0))
    first.save(path, fmt, save_all=True, append_images=[second], **extra)
    return path


def write_corrupt_exif_jpeg(path: Path) -> Path:
    # The EXIF directory promises three entries and holds none: Pillow warns when it reads them.
    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + struct.pack("<H", 3)
    return pc.write_image(path, halves(), quality=95, exif=exif)


def write_malformed_mpo(path: Path) -> Path:
    # An MP ("MPF") segment whose index is no TIFF header: Pillow warns and reads the base JPEG.
    buf = io.BytesIO()
    Image.fromarray(halves()).save(buf, "JPEG", quality=95)
    segment = b"MPF\x00" + b"XXXXXXXX"
    data = buf.getvalue()
    path.write_bytes(data[:2] + b"\xff\xe2" + struct.pack(">H", len(segment) + 2) + segment + data[2:])
    return path
