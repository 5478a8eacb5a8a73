"""What a user sees when Vitrina opens, saves and shrinks photos of every kind."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile, JpegImagePlugin

import app.imaging.files as imaging_files
from app.errors import BadPhotoError, ExportError, VitrinaError
from app.imaging import (
    HEIF_AVAILABLE,
    SUPPORTED_SUFFIXES,
    Photo,
    content_hash,
    is_photo_name,
    load_photo,
    read_size,
    save_image,
    thumbnail,
)
from tests import photo_corpus as pc

# Any warning (PIL's DecompressionBombWarning above all) reaching the caller is a failure.
pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return pc.build_corpus(tmp_path_factory.mktemp("corpus"))


def bad_photo_message(path: Path, **kwargs: object) -> str:
    with pytest.raises(BadPhotoError) as info:
        load_photo(path, **kwargs)
    return str(info.value)


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("IMG_0001.JPG", True),
        ("a.jpeg", True),
        ("scan.TIFF", True),
        ("x.webp", True),
        ("x.bmp", True),
        ("dir/sub/photo.png", True),
        ("._IMG_0001.jpg", False),  # macOS AppleDouble twin
        (".hidden.png", False),
        (".DS_Store", False),
        ("Thumbs.db", False),
        ("notes.txt", False),
        ("photo.jpg.part", False),
        ("noextension", False),
    ],
)
def test_is_photo_name(name: str, expected: bool) -> None:
    assert is_photo_name(name) is expected
    assert is_photo_name(Path(name)) is expected


def test_heic_is_supported_exactly_when_its_decoder_is_installed() -> None:
    assert ({".heic", ".heif"} <= SUPPORTED_SUFFIXES) is HEIF_AVAILABLE
    assert {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"} <= SUPPORTED_SUFFIXES


# --- ordinary photos ---------------------------------------------------------------------------

LOSSLESS = ["png", "webp", "tiff", "bmp", "png_named_jpg"]
LOSSY = ["jpeg", "heic", "avif"]


@pytest.mark.parametrize("kind", LOSSLESS + LOSSY)
def test_common_formats_load_as_8_bit_srgb(corpus: dict[str, Path], kind: str) -> None:
    if kind not in corpus:
        pytest.skip(f"no {kind} encoder in this environment")
    photo = load_photo(corpus[kind])
    assert photo.size == (64, 48)
    assert photo.rgb.shape == (48, 64, 3) and photo.rgb.dtype == np.uint8
    assert photo.alpha is None and photo.notes == ()
    diff = np.abs(photo.rgb.astype(int) - pc.gradient_rgb()).mean()
    assert diff == 0 if kind in LOSSLESS else diff < 4


def test_photo_arrays_are_read_only(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["png"])
    with pytest.raises(ValueError):
        photo.rgb[0, 0] = 0


def test_cmyk_jpeg_becomes_rgb(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["cmyk_jpeg"])  # Adobe-style inverted CMYK, as PIL and Photoshop write it
    assert np.abs(photo.rgb[12, 16].astype(int) - (255, 0, 0)).max() <= 3
    assert "converted from CMYK" in photo.notes


@pytest.mark.parametrize("kind", ["gray16_png", "gray16_tiff", "gray16be_tiff"])
def test_16_bit_gray_is_scaled_not_clipped(corpus: dict[str, Path], kind: str) -> None:
    photo = load_photo(corpus[kind])
    row = photo.rgb[0, :, 0]
    assert row.tolist() == list(range(256))  # sample x*257 -> x, exactly
    assert (photo.rgb[..., 0] == photo.rgb[..., 2]).all()
    assert "16-bit reduced to 8-bit" in photo.notes


def test_48_bit_rgb_png_is_scaled(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["rgb48_png"])
    assert photo.rgb[0, :, 0].tolist() == list(range(256))
    assert np.abs(photo.rgb[0, :, 2].astype(int) - np.arange(256) // 2).max() <= 1
    assert "16-bit reduced to 8-bit" in photo.notes


def test_float_tiff_is_scaled(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["float_tiff"])
    expected = np.rint(np.linspace(0, 1, 256) * 255)
    assert np.abs(photo.rgb[0, :, 1] - expected).max() <= 1
    assert "32-bit float reduced to 8-bit" in photo.notes


def test_palette_transparency_becomes_alpha(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["palette_transparent_png"])
    assert photo.alpha is not None and photo.alpha.shape == (10, 20)
    assert (photo.alpha[:, :10] == 0).all() and (photo.alpha[:, 10:] == 255).all()
    assert tuple(photo.rgb[5, 15]) == pc.PALETTE_OPAQUE


def test_gray_with_alpha_becomes_rgb_plus_alpha(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["la_png"])
    assert (photo.rgb == 90).all()
    assert photo.alpha is not None and (photo.alpha == 60).all()


def test_rgba_keeps_partial_alpha(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["rgba_png"])
    assert photo.alpha is not None
    assert (photo.alpha[:, :10] == 255).all() and (photo.alpha[:, 10:] == pc.HALF_ALPHA).all()
    assert tuple(photo.rgb[0, 0]) == (255, 0, 0) and tuple(photo.rgb[0, 15]) == (0, 0, 255)


def test_opaque_alpha_channel_is_dropped(corpus: dict[str, Path]) -> None:
    assert load_photo(corpus["opaque_rgba_png"]).alpha is None


def test_one_bit_image(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["bilevel_png"])
    expected = np.where(np.indices((8, 8)).sum(0) % 2 == 0, 255, 0)
    assert (photo.rgb[..., 1] == expected).all()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(corpus: dict[str, Path], orientation: int) -> None:
    path = corpus[f"orient_{orientation}"]
    photo = load_photo(path)
    w, h = pc.UPRIGHT_SIZE
    assert photo.size == (w, h) == read_size(path)
    corners = {
        pc.TOP_LEFT: photo.rgb[4, 4],
        pc.TOP_RIGHT: photo.rgb[4, w - 5],
        pc.BOTTOM_LEFT: photo.rgb[h - 5, 4],
        pc.BOTTOM_RIGHT: photo.rgb[h - 5, w - 5],
    }
    for expected, got in corners.items():
        assert np.abs(got.astype(int) - expected).max() <= 12, (expected, got.tolist())


def test_read_size_swaps_sides_without_decoding(corpus: dict[str, Path], monkeypatch) -> None:
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_decode)
    assert read_size(corpus["orient_6"]) == pc.UPRIGHT_SIZE  # stored 32×48
    assert read_size(corpus["bomb_png"]) == pc.BOMB_SIZE


def test_icc_tagged_photo_is_converted_to_srgb(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["icc_linear_jpeg"])
    assert np.abs(photo.rgb.astype(int) - pc.LINEAR_GRAY_AS_SRGB).max() <= 3
    assert any(note.startswith("ICC profile converted to sRGB") for note in photo.notes)


def test_srgb_tagged_photo_is_left_alone(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["icc_srgb_png"])
    assert (photo.rgb == pc.LINEAR_GRAY_IN).all() and photo.notes == ()


def test_broken_icc_profile_falls_back_with_a_note(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["icc_broken_jpeg"])
    assert np.abs(photo.rgb.astype(int) - pc.LINEAR_GRAY_IN).max() <= 2
    assert "ICC profile unreadable: colours used as-is" in photo.notes


@pytest.mark.parametrize("kind", ["animated_gif", "animated_webp"])
def test_animation_gives_its_first_frame(corpus: dict[str, Path], kind: str) -> None:
    photo = load_photo(corpus[kind])
    assert tuple(photo.rgb[6, 8]) == (255, 0, 0)
    assert "animated: first frame used" in photo.notes


def test_extreme_shapes(corpus: dict[str, Path]) -> None:
    one = load_photo(corpus["one_pixel_png"])
    assert one.size == (1, 1) and tuple(one.rgb[0, 0]) == (1, 2, 3)
    wide = load_photo(corpus["wide_png"])
    assert wide.size == (20_000, 10)
    assert thumbnail(wide, 256).shape == (1, 256, 3)


# --- refusals, each with its own message --------------------------------------------------------


def _must_not_decode(self: object) -> None:
    raise AssertionError("decoded pixels")


def test_decompression_bomb_is_refused_from_the_header(corpus: dict[str, Path], monkeypatch) -> None:
    monkeypatch.delenv("VITRINA_MAX_MEGAPIXELS", raising=False)
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_decode)
    assert bad_photo_message(corpus["bomb_png"]) == (
        "image is 100.0\u00a0MP (10000×10000); the limit is 80\u00a0MP "
        "(set VITRINA_MAX_MEGAPIXELS to change it)"
    )


def test_pil_own_bomb_error_never_shows(corpus: dict[str, Path]) -> None:
    # 200 MP is past PIL's hard limit (179 MP): the user still gets our message.
    assert bad_photo_message(corpus["huge_bomb_png"]).startswith("image is 200.0\u00a0MP (20000×10000)")


def test_pixel_limit_follows_the_environment_and_the_argument(corpus: dict[str, Path], monkeypatch) -> None:
    monkeypatch.setenv("VITRINA_MAX_MEGAPIXELS", "0.001")
    assert "the limit is 0.001\u00a0MP (set VITRINA_MAX_MEGAPIXELS" in bad_photo_message(corpus["png"])
    assert load_photo(corpus["png"], max_pixels=64 * 48).size == (64, 48)
    assert bad_photo_message(corpus["png"], max_pixels=100).endswith("the limit is 0.0001\u00a0MP")
    monkeypatch.setenv("VITRINA_MAX_MEGAPIXELS", "lots")
    with pytest.raises(VitrinaError, match="VITRINA_MAX_MEGAPIXELS must be a positive number"):
        load_photo(corpus["png"])


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("empty_jpg", "file is empty (0 bytes)"),
        ("truncated_jpeg", "truncated JPEG (the file ends early; copy or export it again)"),
        ("truncated_png", "truncated PNG (the file ends early; copy or export it again)"),
        ("text_as_jpg", "not an image (looks like a text file)"),
        ("html_as_png", "not an image (looks like an HTML page)"),
        ("transparent_png", "image is fully transparent (nothing visible)"),
    ],
)
def test_unusable_files_say_why(corpus: dict[str, Path], kind: str, message: str) -> None:
    assert bad_photo_message(corpus[kind]) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not an image (looks like a PDF document)"),
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
            "SVG drawings are not supported",
        ),
        (bytes(range(256)) * 4, "not an image Vitrina can read (unknown format)"),
    ],
)
def test_other_non_images_are_named(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    assert bad_photo_message(path).startswith(message)


def test_truncated_png_header(tmp_path: Path) -> None:
    path = pc.write_truncated(tmp_path / "cut.png", "PNG", keep=0.0002)  # cut inside the header
    assert bad_photo_message(path) == "damaged or truncated PNG file (cannot be decoded)"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert bad_photo_message(tmp_path / "gone.jpg") == "file not found (moved or deleted?)"
    assert bad_photo_message(tmp_path) == "this is a folder, not a file"
    with pytest.raises(BadPhotoError, match="file not found"):
        read_size(tmp_path / "gone.jpg")


def test_unreadable_file(corpus: dict[str, Path], monkeypatch) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(imaging_files, "open", denied, raising=False)
    assert bad_photo_message(corpus["jpeg"]) == "cannot read the file: permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file_for_real(tmp_path: Path) -> None:
    path = pc.write_image(tmp_path / "locked.png", pc.gradient_rgb())
    path.chmod(0)
    assert bad_photo_message(path) == "cannot read the file: permission denied"


def test_loading_never_modifies_originals(corpus: dict[str, Path]) -> None:
    before = {k: (p.stat().st_mtime_ns, content_hash(p)) for k, p in corpus.items()}
    for path in corpus.values():
        try:
            load_photo(path)
            read_size(path)
        except BadPhotoError:
            pass
    assert {k: (p.stat().st_mtime_ns, content_hash(p)) for k, p in corpus.items()} == before


# --- saving -------------------------------------------------------------------------------------


def test_jpeg_is_srgb_tagged_444_and_faithful(tmp_path: Path) -> None:
    rgb = pc.gradient_rgb(200, 150)
    path = tmp_path / "card.jpg"
    save_image(path, rgb)
    with Image.open(path) as im:
        assert im.format == "JPEG"
        profile = ImageCms.ImageCmsProfile(io.BytesIO(im.info["icc_profile"]))
        assert "sRGB" in ImageCms.getProfileDescription(profile)
        assert JpegImagePlugin.get_sampling(im) == 0  # 4:4:4
    back = load_photo(path)
    assert back.notes == () and np.abs(back.rgb.astype(int) - rgb).mean() < 1.5


def test_lower_jpeg_quality_uses_420(tmp_path: Path) -> None:
    save_image(tmp_path / "small.jpg", pc.gradient_rgb(), quality=80)
    with Image.open(tmp_path / "small.jpg") as im:
        assert JpegImagePlugin.get_sampling(im) == 2


def test_png_keeps_alpha(tmp_path: Path) -> None:
    rgba = np.dstack([pc.gradient_rgb(), np.tile(np.arange(64, dtype=np.uint8) * 4, (48, 1))])
    save_image(tmp_path / "cut.png", rgba)
    back = load_photo(tmp_path / "cut.png")
    assert back.alpha is not None and (back.alpha == rgba[..., 3]).all()
    assert (back.rgb == rgba[..., :3]).all()


def test_webp_lossless_and_lossy(tmp_path: Path) -> None:
    rgb = pc.gradient_rgb()
    save_image(tmp_path / "a.webp", rgb, lossless=True)
    assert (load_photo(tmp_path / "a.webp").rgb == rgb).all()
    save_image(tmp_path / "b.webp", rgb, quality=90)
    assert np.abs(load_photo(tmp_path / "b.webp").rgb.astype(int) - rgb).mean() < 4


def test_gray_mask_round_trips_as_png(tmp_path: Path) -> None:
    mask = np.tile(np.arange(256, dtype=np.uint8), (8, 1))
    save_image(tmp_path / "mask.png", mask)
    with Image.open(tmp_path / "mask.png") as im:
        assert im.mode == "L" and (np.asarray(im) == mask).all()


def test_format_argument_overrides_suffix(tmp_path: Path) -> None:
    save_image(tmp_path / "preview.bin", pc.gradient_rgb(), fmt="png")
    with Image.open(tmp_path / "preview.bin") as im:
        assert im.format == "PNG"


def test_rgba_to_jpeg_and_bad_arguments_are_refused(tmp_path: Path) -> None:
    rgba = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(ValueError, match="flatten"):
        save_image(tmp_path / "x.jpg", rgba)
    with pytest.raises(ValueError, match="format"):
        save_image(tmp_path / "x.gif", rgba)
    with pytest.raises(ValueError, match="uint8"):
        save_image(tmp_path / "x.png", rgba.astype(np.float32))
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_the_old_file_intact(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "card.jpg"
    save_image(path, pc.gradient_rgb())
    old = path.read_bytes()

    def dies_halfway(self: Image.Image, fp, *args: object, **kwargs: object) -> None:
        fp.write(b"\xff\xd8\xff partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", dies_halfway)
    with pytest.raises(ExportError, match="cannot save card.jpg: No space left on device"):
        save_image(path, pc.noise_rgb(64, 48))
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["card.jpg"]  # no temp file left behind


# --- thumbnails and hashes ----------------------------------------------------------------------


def test_thumbnail_fits_the_box_and_keeps_alpha(corpus: dict[str, Path]) -> None:
    photo = load_photo(corpus["rgba_png"])  # 20×10
    small = thumbnail(photo, 8)
    assert small.shape == (4, 8, 4)
    assert thumbnail(photo, 100).shape == (10, 20, 4)  # never enlarged
    assert thumbnail(load_photo(corpus["png"]), 32).shape == (24, 32, 3)
    assert thumbnail(np.zeros((300, 100), np.uint8), 30).shape == (30, 10)  # masks stay 2-D


def test_a_thumbnail_decode_of_a_big_jpeg_is_small_upright_and_looks_the_same(tmp_path: Path) -> None:
    """Thumbnails decode a JPEG at a fraction of its size (much faster for 24 MP photos); the
    result must not differ visibly from one made from the full decode, EXIF turn included."""
    rng = np.random.default_rng(3)
    h, w = 1200, 1600
    yy, xx = np.mgrid[0:h, 0:w]
    big = np.dstack([(xx * 255 // w), (yy * 255 // h), np.full((h, w), 90)]).astype(np.uint8)
    big[300:900, 500:1100] = (200, 30, 40)  # a product
    big = np.clip(big.astype(np.int16) + rng.integers(-6, 7, big.shape), 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: displayed portrait
    path = tmp_path / "big.jpg"
    Image.fromarray(big).save(path, quality=92, exif=exif)

    quick = load_photo(path, at_least=160)
    full = load_photo(path)
    assert full.rgb.shape == (w, h, 3)  # upright: portrait
    # 1/4 scale, upright: 1/8 would leave the short side at 150 < 160.
    assert quick.rgb.shape == (w // 4, h // 4, 3)
    a, b = thumbnail(quick.rgb, 160), thumbnail(full.rgb, 160)
    assert a.shape == b.shape == (160, 120, 3)
    assert np.abs(a.astype(np.int16) - b).mean() < 2.0
    # Not a JPEG: decoded in full, nothing changes.
    png = tmp_path / "big.png"
    Image.fromarray(big).save(png)
    assert load_photo(png, at_least=160).rgb.shape == (h, w, 3)


def test_thumbnail_is_antialiased_without_dark_fringes() -> None:
    checker = np.where(np.indices((200, 200)).sum(0) % 2 == 0, 255, 0).astype(np.uint8)
    assert np.abs(thumbnail(checker, 20).astype(int) - 128).max() < 20  # no moiré / aliasing

    # Red cut-out next to transparent black: shrinking must not blend the black in.
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[:, :50] = (255, 0, 0, 255)
    small = thumbnail(Photo(rgb=rgba[..., :3], alpha=rgba[..., 3]), 10)
    visible = small[..., 3] > 0
    assert visible.any() and (small[..., 0][visible] >= 250).all()


def test_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"first")
    first = content_hash(path)
    assert first == hashlib.sha256(b"first").hexdigest()
    path.write_bytes(b"second")
    assert content_hash(path) != first
    with pytest.raises(BadPhotoError, match="file not found"):
        content_hash(tmp_path / "missing.png")


def test_very_noisy_photo_still_saves_as_high_quality_jpeg(tmp_path) -> None:
    # Pillow's optimizer buffer overflows on noise at q95; the save must still succeed.
    noise = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    target = tmp_path / "noisy.jpg"
    save_image(target, noise, quality=95)
    with Image.open(target) as im:
        assert im.size == (400, 300) and im.format == "JPEG"
