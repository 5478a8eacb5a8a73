"""Every format: each file of a folder is either read as a photo with the right pixels or named in
the report with a specific reason; nothing vanishes, nothing is blamed on damage it does not have.

The files are made here, with Pillow or by hand (PSD, QOI, CUR, odd BMPs), so nothing binary is
committed; formats this installation cannot write or read are skipped, saying so.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, features

from app.errors import BadPhotoError
from app.imaging import formats, load_photo, read_size
from app.imaging.files import describe_unreadable
from app.project.scan import scan_folder
from tests import photo_corpus as pc
from tests.format_writers import (
    LEFT,
    RIGHT,
    H,
    W,
    halves,
    write_bmp_2bit,
    write_bmp_32,
    write_corrupt_exif_jpeg,
    write_cur,
    write_frames,
    write_ico,
    write_malformed_mpo,
    write_plain_ppm,
    write_psd,
    write_qoi_by_hand,
)
from tests.reliability.conftest import images_only, read_report

BLACK, WHITE = (0, 0, 0), (255, 255, 255)
SAVE_AGAIN = "; save it again as JPEG or PNG"
EMPTY_ALPHA_NOTE = "alpha channel empty: ignored"
EXIF_WARNING = "warning from the decoder: Corrupt EXIF data. Expecting to read 12 bytes but only got 0."
MPO_WARNING = ("warning from the decoder: Image appears to be a malformed MPO file, it will be interpreted "
               "as a base JPEG file")


# --- the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    write: Callable[[Path], Path]
    size: tuple[int, int] = (W, H)
    left: tuple[int, int, int] = LEFT  # colour expected at the middle of the left half
    right: tuple[int, int, int] = RIGHT
    tolerance: int = 0  # lossy formats come back close, not equal
    notes: tuple[str, ...] = ()
    needs: bool = True  # False: this installation cannot write or read the format


def _gray(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    level = int(np.asarray(Image.fromarray(np.array([[colour]], np.uint8)).convert("L"))[0, 0])
    return level, level, level


def _save(fmt: str | None = None, pixels: Callable[[], np.ndarray | Image.Image] = halves,
          **args: object) -> Callable[[Path], Path]:
    def write(path: Path) -> Path:
        image = pixels()
        return pc.write_image(path, image, **({"format": fmt} if fmt else {}), **args)

    return write


def _copy_of(write: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """The same bytes under another suffix (.jpx and .jpf hold a JP2 container as well)."""

    def make(path: Path) -> Path:
        source = write(path.with_name(path.name + ".tmp.jp2"))
        path.write_bytes(source.read_bytes())
        source.unlink()
        return path

    return make


JP2 = bool(features.check_codec("jpg_2000"))
AVIF = formats.is_decodable("AVIF")
HEIC = formats.is_decodable("HEIC")


def bilevel() -> Image.Image:
    return Image.fromarray(halves(BLACK, WHITE)).convert("1")


def gray() -> Image.Image:
    return Image.fromarray(halves()).convert("L")


CASES = [
    Case("camera.mpo", lambda p: write_frames(p, "MPO", quality=95), tolerance=12),
    Case("scan.jp2", _save(), tolerance=3, needs=JP2),
    Case("scan.j2k", _save(), tolerance=3, needs=JP2),
    Case("scan.jpx", _copy_of(_save()), tolerance=3, needs=JP2),
    Case("scan.jpf", _copy_of(_save()), tolerance=3, needs=JP2),
    Case("texture.tga", _save()),
    Case("packed.tga", _save(compression="tga_rle")),
    Case("colour.ppm", _save()),
    Case("plain.ppm", lambda p: write_plain_ppm(p, halves())),
    Case("colour.pnm", _save("PPM")),
    Case("gray.pgm", _save(pixels=gray), left=_gray(LEFT), right=_gray(RIGHT)),
    Case("bilevel.pbm", _save(pixels=bilevel), left=BLACK, right=WHITE),
    Case("icon.ico", write_ico, size=(48, 48), left=(0, 0, 255), right=(0, 0, 255)),
    Case("pointer.cur", write_cur, size=(48, 48), left=(0, 0, 255), right=(0, 0, 255)),
    Case("header-less.dib", _save("DIB")),
    Case("pillow.qoi", _save(), needs="QOI" in Image.SAVE),
    Case("by-hand.qoi", lambda p: write_qoi_by_hand(p, halves())),
    Case("moving.apng", lambda p: write_frames(p, "PNG"), notes=("animated: first frame used",)),
    Case("photo.avif", _save(quality=95), tolerance=12, needs=AVIF),
    Case("photo.heic", _save("HEIF", quality=95), tolerance=12, needs=HEIC),
    Case("flat.psd", lambda p: write_psd(p, halves())),
    # Two layers of other colours: the composite is the picture, not the first layer.
    Case("layered.psd", lambda p: write_psd(p, halves(), (halves(WHITE, BLACK), halves(BLACK, BLACK)))),
    Case("paint.pcx", _save()),
    Case("no-alpha.bmp", lambda p: write_bmp_32(p, halves(), alpha=0), notes=(EMPTY_ALPHA_NOTE,)),
]
AVAILABLE = [case for case in CASES if case.needs]
RAW_FILES = {
    "DSC_0001.NEF": "camera RAW file (.NEF): export it as JPEG or TIFF from your raw converter",
    "IMG_0002.dng": "camera RAW file (.DNG): export it as JPEG or TIFF from your raw converter",
    "IMG_0003.CR3": "camera RAW file (.CR3): export it as JPEG or TIFF from your raw converter",
}
OTHER_FILES = ("DSC_0001.xmp", "shot list.txt", "clip.mov", "photo.jpg.part", "README")


def _write_folder(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {case.name: case.write(folder / case.name) for case in AVAILABLE}
    for name in RAW_FILES:
        # DNG and NEF are TIFF inside: Pillow would open the small preview as if it were the photo.
        pc.write_image(folder / name, halves(), format="TIFF")
    for name in OTHER_FILES:
        (folder / name).write_text("not a picture\n")
    (folder / ".hidden.jpg").write_bytes(b"\x00")
    (folder / "Thumbs.db").write_bytes(b"\x00")
    return made


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("every-format")
    _write_folder(path)
    return path


def _colour_at(photo_rgb: np.ndarray, x: int) -> np.ndarray:
    return photo_rgb[photo_rgb.shape[0] // 2, x].astype(int)


# --- every file is accounted for ---------------------------------------------------------------


def test_every_file_of_the_folder_is_a_photo_or_skipped_with_a_specific_reason(folder: Path) -> None:
    result = scan_folder(folder)
    photos = [rel for product in result.products for rel in product.photos]
    skipped = dict(result.skipped)
    assert sorted(photos) == sorted(case.name for case in AVAILABLE)
    expected_skips = {**RAW_FILES, **dict.fromkeys(OTHER_FILES, "not a photo format")}
    assert skipped == expected_skips
    # Nothing else: every visible file has exactly one entry, hidden and system files none.
    visible = {p.name for p in folder.iterdir()} - {".hidden.jpg", "Thumbs.db"}
    assert sorted(photos + list(skipped)) == sorted(visible)


def test_only_formats_this_installation_decodes_are_listed_as_photos() -> None:
    independent = {"JPEG 2000": JP2, "HEIC": "HEIF" in Image.OPEN, "AVIF": bool(features.check("avif")),
                   "QOI": "QOI" in Image.OPEN, "PSD": "PSD" in Image.OPEN}
    for kind, available in independent.items():
        suffixes = set(next(k.suffixes for k in formats.KINDS if k.name == kind))
        assert (suffixes <= formats.SUPPORTED_SUFFIXES) is available, kind
        assert not (suffixes & formats.SUPPORTED_SUFFIXES) or available, kind
    assert not formats.RAW_SUFFIXES & formats.SUPPORTED_SUFFIXES


def test_a_format_without_its_decoder_is_named_not_called_unknown(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(formats._AVAILABLE, "JPEG 2000", False)
    monkeypatch.setattr(formats, "SUPPORTED_SUFFIXES", formats.SUPPORTED_SUFFIXES - {".jp2"})
    (tmp_path / "scan.jp2").write_bytes(b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(40))
    message = "JPEG 2000 image, but this installation cannot decode it"
    assert dict(scan_folder(tmp_path).skipped) == {"scan.jp2": message}
    assert describe_unreadable((tmp_path / "scan.jp2").read_bytes()) == message  # named .jpg, say


# --- and read with the right pixels ------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_format_loads_with_its_size_and_colours(folder: Path, case: Case) -> None:
    if not case.needs:
        pytest.skip(f"this installation cannot write or read {case.name}")
    photo = load_photo(folder / case.name)
    assert photo.size == case.size == read_size(folder / case.name)
    assert photo.alpha is None
    w = case.size[0]
    assert np.abs(_colour_at(photo.rgb, w // 4) - case.left).max() <= case.tolerance
    assert np.abs(_colour_at(photo.rgb, 3 * w // 4) - case.right).max() <= case.tolerance
    assert photo.notes == case.notes


def test_the_largest_icon_is_used_whatever_the_directory_order(tmp_path: Path) -> None:
    with Image.open(write_ico(tmp_path / "icon.ico")) as im:
        assert im.info["sizes"] == {(16, 16), (32, 32), (48, 48)}  # all three really are in the file
    assert load_photo(tmp_path / "icon.ico").size == (48, 48)


def test_a_layered_psd_gives_its_composite_not_a_layer(folder: Path) -> None:
    with Image.open(folder / "layered.psd") as im:
        assert im.is_animated  # Pillow counts the layers as frames; seeking would pick a layer
    rgb = load_photo(folder / "layered.psd").rgb
    assert tuple(rgb[H // 2, 4]) == LEFT and tuple(rgb[H // 2, W - 4]) == RIGHT


def test_a_raw_file_is_refused_even_though_pillow_could_open_its_preview(folder: Path) -> None:
    with Image.open(folder / "IMG_0002.dng") as im:
        assert im.format == "TIFF"
    with pytest.raises(BadPhotoError) as err:
        load_photo(folder / "IMG_0002.dng")
    assert str(err.value) == RAW_FILES["IMG_0002.dng"]


# --- empty alpha -------------------------------------------------------------------------------


def test_a_32_bit_bmp_whose_alpha_bytes_are_all_zero_is_visible(tmp_path: Path) -> None:
    path = write_bmp_32(tmp_path / "rgb32bf-abgr.bmp", halves(), alpha=0)
    with Image.open(path) as im:
        assert im.mode == "RGBA"  # the file does declare an alpha mask
    photo = load_photo(path)
    assert photo.alpha is None and EMPTY_ALPHA_NOTE in photo.notes
    assert tuple(photo.rgb[0, 0]) == LEFT and tuple(photo.rgb[0, W - 1]) == RIGHT


@pytest.mark.parametrize("colour", [BLACK, WHITE])
def test_a_transparent_image_over_a_blank_colour_still_fails(tmp_path: Path, colour) -> None:
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., :3] = colour
    for path in (pc.write_image(tmp_path / "blank.png", rgba),
                 write_bmp_32(tmp_path / "blank.bmp", rgba[..., :3], alpha=0)):
        with pytest.raises(BadPhotoError, match=r"^image is fully transparent \(nothing visible\)$"):
            load_photo(path)


def test_half_transparent_pixels_keep_their_alpha(tmp_path: Path) -> None:
    photo = load_photo(write_bmp_32(tmp_path / "half.bmp", halves(), alpha=128))
    assert photo.alpha is not None and (photo.alpha == 128).all() and photo.notes == ()


# --- the real reason, not "damaged" ------------------------------------------------------------


def _message(path: Path) -> str:
    with pytest.raises(BadPhotoError) as err:
        load_photo(path)
    return str(err.value)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _tga_of_type(path: Path, image_type: int) -> Path:
    data = bytearray(pc.write_image(path, halves(), format="TGA").read_bytes())
    data[2] = image_type  # 32: Huffman-compressed colour-mapped, which Pillow does not implement
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("name", "write", "message"),
    [
        ("pal2.bmp", write_bmp_2bit,
         "this kind of BMP file is not supported (Unsupported BMP pixel depth (2))" + SAVE_AGAIN),
        ("rgb32bf.bmp", lambda p: write_bmp_32(p, halves(), 255, masks=(0xFF00, 0xFF0000, 0xFF000000, 0)),
         "this kind of BMP file is not supported (Unsupported BMP bitfields layout)" + SAVE_AGAIN),
        # Image.open says only "cannot identify image file": the reason comes from the TGA opener itself.
        ("huffman.tga", lambda p: _tga_of_type(p, 32),
         "this kind of TGA file is not supported (unknown TGA mode)" + SAVE_AGAIN),
        # A BigTIFF whose first directory lies far past the end of the file.
        ("seek_too_large.tif", lambda p: _write(p, b"II+\x00\x08\x00\x00\x00" + b"\xff" * 7 + b"\x80"),
         "damaged or truncated TIFF file (cannot be decoded: Unable to seek to frame)"),
    ],
    ids=["2-bit BMP", "BMP bitfields", "Huffman TGA", "BigTIFF"],
)
def test_an_unsupported_variant_gets_the_decoders_reason(tmp_path: Path, name, write, message) -> None:
    assert _message(write(tmp_path / name)) == message


def test_real_damage_is_still_called_damage(tmp_path: Path) -> None:
    data = write_psd(tmp_path / "cut.psd", halves()).read_bytes()
    (tmp_path / "cut.psd").write_bytes(data[:40])  # the header survives, the pixels do not
    message = _message(tmp_path / "cut.psd")
    assert message.startswith(("damaged", "truncated")) and "PSD" in message


# --- decoder warnings --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warning_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("warnings")
    return {EXIF_WARNING: write_corrupt_exif_jpeg(folder / "bad_exif.jpg"),
            MPO_WARNING: write_malformed_mpo(folder / "bad_mpo.jpg")}


def test_decoder_warnings_become_notes_of_every_photo_that_raises_them(warning_files, capfd) -> None:
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("default")  # Python's own: once per code location, then silent
        for note, path in warning_files.items():
            for _ in range(3):  # the third file with corrupt EXIF is noted like the first
                photo = load_photo(path)
                assert photo.notes == (note,)
                assert tuple(photo.rgb[0, 0]) != (0, 0, 0)  # still loaded, not refused
    assert [str(w.message) for w in escaped] == []
    err = capfd.readouterr().err
    assert "EXIF" not in err and "MPO" not in err


def test_warnings_from_loads_on_two_threads_stay_with_their_own_photo(warning_files) -> None:
    (exif_note, exif_path), (mpo_note, mpo_path) = warning_files.items()
    start = threading.Barrier(3)
    notes: dict[str, set[tuple[str, ...]]] = {exif_note: set(), mpo_note: set()}

    def load_many(note: str, path: Path) -> None:
        start.wait()
        for _ in range(40):
            notes[note].add(load_photo(path).notes)

    threads = [threading.Thread(target=load_many, args=item) for item in warning_files.items()]
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        for thread in threads:
            thread.start()
        start.wait()
        for _ in range(40):  # this thread loads nothing: its warnings are shown as ever
            warnings.warn("unrelated", UserWarning, stacklevel=1)
        for thread in threads:
            thread.join()
    assert notes == {exif_note: {(exif_note,)}, mpo_note: {(mpo_note,)}}
    assert {str(w.message) for w in escaped} == {"unrelated"} and len(escaped) == 40
    assert {w.filename for w in escaped} == {__file__}  # attributed to the caller, as without us


# --- through the command line --------------------------------------------------------------------


def test_the_report_has_a_row_for_every_file(tmp_path: Path, tiny_seg_model, vitrina) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    src.mkdir()
    pc.write_image(src / "mug.png", pc.gradient_rgb())
    write_frames(src / "camera.mpo", "MPO", quality=95)
    pc.write_image(src / "DSC_0001.NEF", halves(), format="TIFF")
    (src / "DSC_0001.xmp").write_text("<x:xmpmeta/>")
    (src / ".DS_Store").write_bytes(b"\x00")

    run = vitrina(*images_only(src, out, tiny_seg_model))

    report = read_report(out)
    assert set(report) == {"mug.png", "camera.mpo", "DSC_0001.NEF", "DSC_0001.xmp"}
    assert report["camera.mpo"]["status"] == "done"
    assert (report["DSC_0001.NEF"]["status"], report["DSC_0001.NEF"]["message"]) == (
        "skipped", RAW_FILES["DSC_0001.NEF"])
    assert (report["DSC_0001.xmp"]["status"], report["DSC_0001.xmp"]["message"]) == (
        "skipped", "not a photo format")
    assert f"! DSC_0001.NEF: skipped: {RAW_FILES['DSC_0001.NEF']}" in run.err.splitlines()
    assert "2 skipped" in run.err
