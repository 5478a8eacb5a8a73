"""A product's category and characteristics before it is checked: the category asked for, or the
writer's suggestion among WB's categories offered; the characteristics filled by the writer from
the card text. Each is made once per product and kept in publish.json. The writer calls of all
products run at once on one event loop (the writer bounds its own concurrency)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any, TypeVar

from app.cardtext.card import Card
from app.errors import VitrinaError
from app.events import EventSink, Notice
from app.i18n import _
from app.publish.wb import state as st
from app.publish.wb.api import WBClient
from app.publish.wb.charcs import DICTIONARIES, Characteristic, CharcCache
from app.publish.wb.listing import Listing

T = TypeVar("T")
SubjectChooser = Callable[[Listing, dict[str, Any] | None], dict[str, Any] | None]


class Completer:
    """``client`` None: a dry run without a token, the characteristics from the cache only."""

    def __init__(self, state: st.PublishState, client: WBClient | None, cache: CharcCache, writer: Any,
                 choose_subject: SubjectChooser | None, events: EventSink) -> None:
        self.state, self.client, self.cache = state, client, cache
        self.writer, self.choose_subject, self.events = writer, choose_subject, events
        self._loop: asyncio.AbstractEventLoop | None = None
        self._searched: dict[str, list[dict[str, Any]]] = {}

    def complete(self, listings: list[Listing]) -> list[Listing]:
        """The category (asked, or the writer's suggestion offered) and the characteristics the
        writer fills from the card text — each made once per product and kept in publish.json.
        The writer calls of all products run at once (the writer bounds its own concurrency)."""
        if self.writer is not None:
            self._suggest_all([lst for lst in listings if lst.subject_id is None
                               and not self.state.chosen.get(lst.bundle, {}).get("suggested")])
        out = []
        for listing in listings:
            chosen = self.state.chosen.setdefault(listing.bundle, {})
            suggestion = chosen.get("suggested")
            if listing.subject_id is None:
                picked = self.choose_subject(listing, suggestion) if self.choose_subject else None
                if picked:
                    subject_id, name = int(picked["subjectID"]), str(picked.get("subjectName") or "")
                    self.state.choose(listing.bundle, subject_id=subject_id, subject_name=name)
                    listing = replace(listing, subject_id=subject_id, subject_name=name)
            out.append(listing)
        if self.writer is None:
            return out
        unfilled = [lst for lst in out if lst.subject_id is not None
                    and self.state.chosen[lst.bundle].get("filled_for") != lst.subject_id]
        filled = self._fill_all(unfilled)
        return [filled.get(lst.bundle, lst) for lst in out]

    def _subjects(self, word: str) -> list[dict[str, Any]]:
        # Products of one shoot share their words ("кружк"): one search each, at 100 requests a minute.
        assert self.client is not None
        if word not in self._searched:
            self._searched[word] = self.client.subjects(word, limit=30)
        return self._searched[word]

    def _suggest_all(self, listings: list[Listing]) -> None:
        if self.client is None or not listings:
            return
        from app.publish.wb.fill import search_words, suggest_subject

        asks = []
        for listing in listings:
            if not listing.title:
                continue
            candidates: dict[int, dict[str, Any]] = {}
            for word in search_words(_card(listing)):
                for subject in self._subjects(word):
                    if isinstance(subject.get("subjectID"), int):
                        candidates.setdefault(subject["subjectID"], subject)
            if candidates:
                asks.append((listing, candidates))
        answers = self._gather([suggest_subject(self.writer, _card(listing), list(candidates.values()))
                                for listing, candidates in asks])
        for (listing, candidates), answer in zip(asks, answers, strict=True):
            if isinstance(answer, int) and answer in candidates:
                self.state.choose(listing.bundle, suggested=candidates[answer])
            elif isinstance(answer, VitrinaError):
                self.events(Notice(_("no category suggested: {why}").format(why=answer), item=listing.bundle))
        self.state.save()

    def _fill_all(self, listings: list[Listing]) -> dict[str, Listing]:
        from app.publish.wb.fill import fill_characteristics

        asks = []
        for listing in listings:
            charcs = self.charcs(listing.subject_id)
            if charcs:
                asks.append((listing, fill_characteristics(self.writer, _card(listing),
                                                           listing.photo_description, charcs,
                                                           self.dictionaries(charcs))))
        answers = self._gather([coro for _listing, coro in asks])
        out = {}
        for (listing, _coro), result in zip(asks, answers, strict=True):
            if isinstance(result, BaseException):
                self.events(Notice(_("characteristics not filled: {why}").format(why=result),
                                   item=listing.bundle))
                continue
            values = {str(k): v for k, v in result.values.items()}
            self.state.choose(listing.bundle, characteristics=values, filled_for=listing.subject_id,
                              fill_problems=list(result.problems))
            values_now = {**result.values, **listing.own_characteristics}  # the user's own values win
            out[listing.bundle] = replace(listing, characteristics=values_now)
        self.state.save()
        return out

    def _gather(self, coros: list[Coroutine[Any, Any, T]]) -> list[T | BaseException]:
        """Every writer call at once; a product's failure (a VitrinaError) is its own answer."""
        if not coros:
            return []

        async def each(coro: Coroutine[Any, Any, T]) -> T | BaseException:
            try:
                return await coro
            except VitrinaError as exc:
                return exc

        async def all_of() -> list[T | BaseException]:
            return list(await asyncio.gather(*(each(c) for c in coros)))

        return self._await(all_of())

    def charcs(self, subject_id: int | None) -> list[Characteristic] | None:
        if subject_id is None:
            return None
        if self.client is None:
            return self.cache.cached_charcs(subject_id)
        return self.cache.get_charcs(subject_id, self.client.charcs)

    def dictionaries(self, charcs: list[Characteristic]) -> dict[str, list[str]]:
        out = {}
        for charc in charcs:
            kind = DICTIONARIES.get(charc.name)
            if kind is None:
                continue
            if self.client is None:
                values = self.cache.cached_dictionary(kind)
            else:
                values = self.cache.get_dictionary(kind, self.client.directory)
            if values is not None:
                out[kind] = values
        return out

    # --- the writer's event loop ---------------------------------------------------------------

    def _await(self, coro: Coroutine[Any, Any, T]) -> T:
        # One loop for the whole run: an async SDK client belongs to the loop it was first used on.
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(coro)

    def close(self) -> None:
        if self._loop is None:
            return
        if self.writer is not None and hasattr(self.writer, "aclose"):
            self._loop.run_until_complete(self.writer.aclose())
        self._loop.close()
        self._loop = None


def _card(listing: Listing) -> Card:
    return Card(title=listing.title, description=listing.description, attributes=listing.attributes,
                keywords=listing.keywords)
