"""The Ray engine's rows: a product's photos and masks travel as flat columns beside its pickled job
and come back whole, whichever photos failed or have no mask yet (no Ray needed)."""

from __future__ import annotations

import numpy as np

from app.pipeline.ray_stages import ITEM, MASK, RGB, PhotoJob, ProductJob, from_row, jobs_of, to_batch, to_row


def _job(key: str, sizes: list[tuple[int, int] | None], masked: set[int]) -> ProductJob:
    rng = np.random.default_rng(len(key))
    photos = []
    for n, size in enumerate(sizes):
        photo = PhotoJob(rel=f"{key}/{n}.jpg", path="", content_hash=str(n), mask_file="")
        if size is None:
            photo.error = "cannot read this file"
        else:
            photo.rgb = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
            if n in masked:
                photo.mask = rng.integers(0, 256, size, dtype=np.uint8)
        photos.append(photo)
    return ProductJob(key, key, key, False, photos)


def _same(a: ProductJob, b: ProductJob) -> None:
    assert [p.rel for p in a.photos] == [p.rel for p in b.photos]
    for x, y in zip(a.photos, b.photos, strict=True):
        assert x.error == y.error
        for name in ("rgb", "mask"):
            one, other = getattr(x, name), getattr(y, name)
            assert (one is None) == (other is None), (x.rel, name)
            if one is not None:
                assert one.shape == other.shape and np.array_equal(one, other), (x.rel, name)


def test_photos_and_masks_come_back_whole_around_a_failed_photo() -> None:
    job = _job("mug", [(30, 40), None, (25, 20)], masked={2})
    row = to_row(job)
    assert len(row[ITEM]) < 4000  # the job itself carries no pixels
    assert row[RGB].size == 30 * 40 * 3 + 25 * 20 * 3 and row[MASK].size == 25 * 20
    back = from_row(row)
    _same(job, back)
    assert np.shares_memory(back.photos[2].rgb, row[RGB])  # a view on the row, not a copy


def test_a_single_photo_is_not_copied_before_the_object_store() -> None:
    job = _job("cup", [(16, 12)], masked=set())
    assert np.shares_memory(to_row(job)[RGB], job.photos[0].rgb)


def test_batches_of_equal_and_different_sizes_round_trip_and_pass_photos_on_untouched() -> None:
    for sizes in ([[(10, 10)], [(10, 10)]], [[(10, 10), (5, 7)], [(8, 3)]]):
        jobs = [_job(f"p{i}", s, masked={0}) for i, s in enumerate(sizes)]
        batch = to_batch(jobs)
        back = jobs_of(batch)
        for job, again in zip(jobs, back, strict=True):
            _same(job, again)
        for again in back:  # a stage that makes masks and leaves the photos alone
            for photo in again.photos:
                photo.mask = np.full(photo.rgb.shape[:2], 7, np.uint8)
        passed = to_batch(back, batch[RGB])
        assert passed[RGB] is batch[RGB]
        for job, again in zip(jobs, jobs_of(passed), strict=True):
            assert all(np.array_equal(p.rgb, q.rgb) for p, q in zip(job.photos, again.photos, strict=True))
            assert all((q.mask == 7).all() for q in again.photos)
