"""Publishing a folder of bundles to Wildberries, in the order the reference prescribes:

1. read and validate every bundle — a product that breaks a rule is blocked with its list of
   problems and nothing of it is sent;
2. queue the new cards (``cards/upload``, up to 100 a request and under its 10 MB) and send the
   changed ones (``cards/update``);
3. poll the card list until each queued card has its nmID, reading the error list for those WB
   refused;
4. upload each card's photos in order (``media/file``, ``X-Nm-Id`` + ``X-Photo-Number``).

Every step that changes the marketplace is recorded in ``publish.json`` before the next one, and a
card is looked up by its vendor code before it is created, so a run stopped anywhere resumes and
never makes a duplicate. Publishing again sends only what is new or changed.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app.errors import Cancelled, VitrinaError
from app.events import EventSink, ItemFailed, Notice, Progress, ignore
from app.i18n import _
from app.publish.wb import state as st
from app.publish.wb.api import WBAuthError, WBClient, WBError
from app.publish.wb.charcs import CharcCache, to_api
from app.publish.wb.complete import Completer, SubjectChooser
from app.publish.wb.listing import BundleUnreadable, Listing, bundle_folders, read_bundle
from app.publish.wb.validate import Checked, check_listing, duplicate_vendor_codes

STAGE = "publish"
ONE_BY_ONE = 30  # up to this many cards are looked up by vendor code; more, by reading the card list
POLL_INTERVAL = 5.0  # seconds between looks at the card list while WB creates the cards
# A card still neither created nor in the error list this long after it was sent was dropped by WB
# (it creates cards within minutes): the next run sends it again, after looking its vendor code up
# like any unsent card's, so a card that was only slow is found rather than made twice.
DROPPED_AFTER = 3 * 3600.0

# What the run did with each bundle, as the summary and the studio show it.
BLOCKED, SKIPPED, UNREADABLE, PLANNED = "blocked", "skipped", "unreadable", "planned"
PUBLISHED, UNCHANGED, WAITING, REJECTED, FAILED = "published", "unchanged", "waiting", "rejected", "failed"


@dataclass(frozen=True)
class PublishOptions:
    only_approved: bool = False
    dry_run: bool = False
    only: frozenset[str] | None = None  # bundle names (the studio's selection); None = every bundle
    poll_interval: float | None = None  # None: POLL_INTERVAL
    poll_timeout: float = 600.0  # then the run ends; the cards are found by the next one
    batch_cards: int = 100  # cards/upload: at most 100 cards a request ...
    batch_bytes: int = 9 * 1024 * 1024  # ... and a request under 10 MB


@dataclass
class Outcome:
    bundle: str
    status: str
    problems: list[str] = field(default_factory=list)
    nm_id: int | None = None
    photos_sent: int = 0
    payload: dict[str, Any] | None = None  # what a dry run would send


@dataclass
class PublishResult:
    outcomes: list[Outcome]
    cancelled: bool = False
    requests: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


class Publisher:
    """One run over ``out_dir``. ``client`` is None only for a dry run without a token: then the
    categories' characteristics are checked from the cache, if it has them."""

    def __init__(self, out_dir: Path, state: st.PublishState, client: WBClient | None, *,
                 cache: CharcCache, writer: Any = None, choose_subject: SubjectChooser | None = None,
                 options: PublishOptions = PublishOptions(), events: EventSink = ignore) -> None:
        self.out_dir, self.state, self.client = out_dir, state, client
        self.cache, self.writer, self.choose_subject = cache, writer, choose_subject
        self.options, self.events = options, events
        self.completer = Completer(state, client, cache, writer, choose_subject, events)
        self._outcomes: dict[str, Outcome] = {}

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> PublishResult:
        cancelled = False
        try:
            checked = self._prepare()
            if not self.options.dry_run and checked:
                assert self.client is not None
                self._send(checked)
        except Cancelled:
            cancelled = True
        finally:
            self.state.save()
            self.completer.close()
        outcomes = sorted(self._outcomes.values(), key=lambda o: o.bundle)
        sent = self.client.requests_sent if self.client is not None else 0
        return PublishResult(outcomes, cancelled=cancelled, requests=sent)

    def _outcome(self, bundle: str, status: str, problems: list[str] | None = None, **kw: Any) -> Outcome:
        out = Outcome(bundle, status, list(problems or []), **kw)
        self._outcomes[bundle] = out
        # Blocked and unreadable bundles are found before anything is sent and listed in the result;
        # a refusal while sending is said as it happens.
        if status in (REJECTED, FAILED):
            self.events(ItemFailed(bundle, STAGE, "; ".join(out.problems)))
        return out

    def _prepare(self) -> list[Checked]:
        """Read, complete (category, characteristics) and validate every bundle of the run."""
        listings: list[Listing] = []
        for folder in bundle_folders(self.out_dir):
            if self.options.only is not None and folder.name not in self.options.only:
                continue
            try:
                listing = read_bundle(folder, self.state.chosen.get(folder.name, {}), self.state.defaults)
            except BundleUnreadable as exc:
                self._outcome(folder.name, UNREADABLE, [str(exc)])
                continue
            if self.options.only_approved and not listing.approved:
                self._outcome(folder.name, SKIPPED, [_("not approved in the studio")])
                continue
            listings.append(listing)
        # A vendor code sent once stays this product's for life: renaming the bundle must not make a new card.
        for listing in listings:
            sent_as = self.state.remote_of(listing.bundle).vendor_code
            if sent_as:
                listing.vendor_code = sent_as
        duplicates = duplicate_vendor_codes(listings, self.state.vendor_codes_in_use())
        listings = self.completer.complete(listings)
        checked = []
        for n, listing in enumerate(listings, start=1):
            self.events(Progress("check", n - 1, len(listings), listing.bundle))
            try:
                charcs = self.completer.charcs(listing.subject_id)
                result = check_listing(listing, charcs, self.completer.dictionaries(charcs or []))
            except (Cancelled, WBAuthError):
                raise
            except VitrinaError as exc:
                self._outcome(listing.bundle, FAILED, [str(exc)])
                continue
            if listing.bundle in duplicates:
                result.problems.append(duplicates[listing.bundle])
            if charcs is None and listing.subject_id is not None:
                result.problems.append(_("the category's characteristics could not be checked "
                                         "(no token, and none cached)"))
            if not result.ok:
                self._outcome(listing.bundle, BLOCKED, result.problems)
            elif self.options.dry_run:
                payload = listing.to_api(to_api(charcs or [], result.characteristics))
                self._outcome(listing.bundle, PLANNED, payload=payload)
            else:
                checked.append(result)
        self.events(Progress("check", len(listings), len(listings)))
        return checked

    # --- sending ------------------------------------------------------------------------------

    def _send(self, checked: list[Checked]) -> None:
        client = self.client
        assert client is not None
        create, update, ready = [], [], []
        now = time.time()

        def unsent(remote: st.Remote) -> bool:
            """No card on WB yet, and none on its way: never sent, or sent so long ago that WB
            (which creates cards within minutes) dropped it without a word in its error list."""
            queued = remote.status == st.QUEUED and now - remote.queued_at < DROPPED_AFTER
            return remote.nm_id is None and not queued

        # Never create a card WB already has: cards an earlier run made (its record lost) or the
        # seller made by hand are found by vendor code first.
        unknown = [i.listing.vendor_code for i in checked if unsent(self.state.remote_of(i.listing.bundle))]
        existing = self._lookup(unknown, since=None)
        for item in checked:
            listing, remote = item.listing, self.state.remote_of(item.listing.bundle)
            charcs = self.completer.charcs(listing.subject_id) or []
            payload = listing.to_api(to_api(charcs, item.characteristics))
            fingerprint = _fingerprint(payload)
            if unsent(remote):
                found = existing.get(listing.vendor_code.lower())
                if found is not None:  # made by an earlier run whose record was lost, or by hand
                    remote.vendor_code, remote.nm_id = listing.vendor_code, found["nmID"]
                    remote.status = st.CREATED
                    remote.card = fingerprint if _same_text(found, payload) else "unknown"
                    self.state.save()
            if unsent(remote):
                create.append((item, payload, fingerprint))
            elif remote.nm_id is not None and remote.card != fingerprint:
                update.append((item, payload, fingerprint))
            else:
                ready.append(item)
        total = len(checked)
        self.events(Progress(STAGE, 0, total))
        self._create(create)
        self._update(update)
        self._wait_for_cards([item for item, _payload, _fp in create] + ready)
        done = 0
        for item in checked:
            bundle = item.listing.bundle
            remote = self.state.remote_of(bundle)
            if bundle in self._outcomes:  # refused on the way
                pass
            elif remote.nm_id is None:
                self._outcome(bundle, WAITING, [_("Wildberries is still creating the card; publish again "
                                                  "later to send its photos")])
            else:
                self._photos(item.listing, remote)
            done += 1
            self.events(Progress(STAGE, done, total, bundle))

    def _find(self, vendor_code: str) -> dict[str, Any] | None:
        assert self.client is not None
        for card in self.client.find_cards(vendor_code):
            same = str(card.get("vendorCode", "")).lower() == vendor_code.lower()
            if same and isinstance(card.get("nmID"), int):
                return card
        return None

    def _lookup(self, codes: list[str], *, since: float | None) -> dict[str, dict[str, Any]]:
        """vendor code (lower case) → card, for those of ``codes`` WB has. A few are searched one
        by one; many by reading the card list a page of 100 at a time, newest first — until every
        code is found, or (``since``, a time) the pages are older than the cards being waited for."""
        assert self.client is not None
        if len(codes) <= ONE_BY_ONE:
            return {code.lower(): card for code in codes if (card := self._find(code)) is not None}
        wanted, found = {code.lower() for code in codes}, {}
        after: dict[str, Any] | None = None
        while wanted - found.keys():
            cards, after = self.client.list_cards(after=after)
            for card in cards:
                code = str(card.get("vendorCode", "")).lower()
                if code in wanted and isinstance(card.get("nmID"), int):
                    found[code] = card
            if after is None or (since is not None and cards and _all_older(cards, since)):
                break
        return found

    def _batches(self, items: list[tuple[Checked, dict[str, Any], str]]) -> list[list[Any]]:
        batches: list[list[Any]] = [[]]
        size = 0
        for entry in items:
            weight = len(json.dumps(entry[1], ensure_ascii=False).encode())
            if batches[-1] and (len(batches[-1]) >= self.options.batch_cards or
                                size + weight > self.options.batch_bytes):
                batches.append([])
                size = 0
            batches[-1].append(entry)
            size += weight
        return [b for b in batches if b]

    def _create(self, items: list[tuple[Checked, dict[str, Any], str]]) -> None:
        for batch in self._batches(items):
            self._create_batch(batch)

    def _create_batch(self, batch: list[tuple[Checked, dict[str, Any], str]]) -> None:
        assert self.client is not None
        try:
            self.client.upload_cards([payload for _i, payload, _f in batch])
        except WBAuthError:
            raise
        except WBError as exc:
            if len(batch) > 1:  # one bad card refuses the whole request: halve to find it
                half = len(batch) // 2
                self._create_batch(batch[:half])
                self._create_batch(batch[half:])
                return
            item = batch[0][0]
            self.state.remote_of(item.listing.bundle).errors = [str(exc)]
            self._outcome(item.listing.bundle, REJECTED, [str(exc)])
            self.state.save()
            return
        now = time.time()
        for item, _payload, fingerprint in batch:
            remote = self.state.remote_of(item.listing.bundle)
            remote.vendor_code, remote.card, remote.queued_at = item.listing.vendor_code, fingerprint, now
            remote.status, remote.errors = st.QUEUED, []
        self.state.save()

    def _update(self, items: list[tuple[Checked, dict[str, Any], str]]) -> None:
        assert self.client is not None
        current = self._lookup([self.state.remote_of(i.listing.bundle).vendor_code or i.listing.vendor_code
                                for i, _payload, _fp in items], since=None) if items else {}
        for item, payload, fingerprint in items:
            listing, remote = item.listing, self.state.remote_of(item.listing.bundle)
            found = current.get((remote.vendor_code or listing.vendor_code).lower())
            if found is None:
                gone = _("card {nm} is no longer on Wildberries (deleted or in the bin); restore it, or "
                         "remove the product from publish.json to create it anew").format(nm=remote.nm_id)
                self._outcome(listing.bundle, FAILED, [gone])
                continue
            variant = dict(payload["variants"][0])
            variant.pop("sizes", None)
            sizes = [{k: s[k] for k in ("chrtID", "techSize", "wbSize", "skus") if k in s}
                     for s in found.get("sizes") or [] if isinstance(s, dict)]
            try:
                self.client.update_cards([{**variant, "nmID": remote.nm_id, "sizes": sizes}])
            except WBAuthError:
                raise
            except WBError as exc:
                remote.errors = [str(exc)]
                self._outcome(listing.bundle, REJECTED, [str(exc)])
                self.state.save()
                continue
            remote.card, remote.errors = fingerprint, []
            self.state.save()

    def _wait_for_cards(self, items: list[Checked]) -> None:
        assert self.client is not None
        waiting = {i.listing.bundle: i.listing for i in items if i.listing.bundle not in self._outcomes
                   and self.state.remote_of(i.listing.bundle).nm_id is None}
        deadline = time.monotonic() + self.options.poll_timeout
        # WB's clock and ours differ: look an hour further back than the first card was sent.
        since = min((self.state.remote_of(b).queued_at for b in waiting), default=0.0) - 3600
        while waiting:
            found = self._lookup([listing.vendor_code for listing in waiting.values()], since=since)
            for bundle, listing in list(waiting.items()):
                card = found.get(listing.vendor_code.lower())
                if card is not None:
                    remote = self.state.remote_of(bundle)
                    remote.nm_id, remote.status = int(card["nmID"]), st.CREATED
                    del waiting[bundle]
            self.state.save()
            if waiting:
                self._read_errors(waiting)
            if not waiting or time.monotonic() >= deadline:
                return
            interval = self.options.poll_interval
            self.client.wait(POLL_INTERVAL if interval is None else interval)

    def _read_errors(self, waiting: dict[str, Listing]) -> None:
        assert self.client is not None
        by_code = {listing.vendor_code.lower(): bundle for bundle, listing in waiting.items()}
        for batch in self.client.error_list():
            errors = batch.get("errors") if isinstance(batch.get("errors"), dict) else {}
            for code, messages in errors.items():
                bundle = by_code.get(str(code).lower())
                if bundle is None or bundle not in waiting:
                    continue
                texts = [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
                remote = self.state.remote_of(bundle)
                remote.errors, remote.status = texts, st.REJECTED
                self._outcome(bundle, REJECTED, texts)
                del waiting[bundle]
                self.state.save()

    def _photos(self, listing: Listing, remote: st.Remote) -> None:
        assert self.client is not None and remote.nm_id is not None
        sent = 0
        for number, path in enumerate(listing.photos, start=1):
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if number <= len(remote.photos) and remote.photos[number - 1] == digest:
                continue
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            try:
                self.client.upload_photo(remote.nm_id, number, data, path.name, mime)
            except WBAuthError:
                raise
            except WBError as exc:
                remote.errors = [str(exc)]
                self._outcome(listing.bundle, FAILED, [str(exc)], nm_id=remote.nm_id, photos_sent=sent)
                self.state.save()
                return
            if number <= len(remote.photos):
                remote.photos[number - 1] = digest
            else:
                remote.photos.append(digest)
            sent += 1
            self.state.save()
        if len(remote.photos) > len(listing.photos):
            extra = len(remote.photos) - len(listing.photos)
            self.events(Notice(_("card {nm} keeps {n} older photo(s) after this bundle's; remove them in the "
                                 "seller portal").format(nm=remote.nm_id, n=extra), item=listing.bundle))
        changed = sent > 0 or remote.status != st.DONE
        remote.status, remote.errors = st.DONE, []
        self.state.save()
        self._outcome(listing.bundle, PUBLISHED if changed else UNCHANGED, nm_id=remote.nm_id,
                      photos_sent=sent)

def _all_older(cards: list[dict[str, Any]], since: float) -> bool:
    """Whether every card of a page was last changed before ``since`` (an unreadable date: no)."""
    for card in cards:
        try:
            changed = datetime.fromisoformat(str(card.get("updatedAt") or "").replace("Z", "+00:00"))
        except ValueError:
            return False
        if changed.tzinfo is None:
            changed = changed.replace(tzinfo=timezone.utc)
        if changed.timestamp() >= since:
            return False
    return True


def _fingerprint(payload: dict[str, Any]) -> str:
    variant = dict(payload["variants"][0])
    variant.pop("sizes", None)  # a price is set once at creation; later it lives in the prices API
    text = json.dumps({"subjectID": payload["subjectID"], **variant}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _same_text(found: dict[str, Any], payload: dict[str, Any]) -> bool:
    variant = payload["variants"][0]
    keys = ("title", "description", "brand")
    return all(str(found.get(k) or "") == str(variant.get(k) or "") for k in keys)
