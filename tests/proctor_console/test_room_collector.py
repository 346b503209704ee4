"""The room server's collector (room/collector.py): what survives a young collection is frozen,
so a full collection does not walk it; a cycle frozen that later becomes garbage is freed at the
next release, not kept for ever."""

from __future__ import annotations

import asyncio
import gc
import weakref

from proctor_console.room import collector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_a_frozen_cycle_that_becomes_garbage_is_freed_at_the_release(monkeypatch):
    monkeypatch.setattr(collector, "FREEZE_EVERY_S", 0.02)
    monkeypatch.setattr(collector, "RELEASE_EVERY_S", 0.5)

    async def scenario() -> tuple[bool, bool, bool]:
        keeper = asyncio.create_task(collector.keep_collections_short())
        try:
            node = Node()
            ref = weakref.ref(node)
            await asyncio.sleep(0.1)  # frozen by now
            frozen = gc.get_freeze_count() > 0
            del node
            gc.collect()  # a full collection does not walk what is frozen
            kept = ref() is not None
            await asyncio.sleep(0.7)  # past a release
            return frozen, kept, ref() is None
        finally:
            keeper.cancel()

    try:
        frozen, kept_while_frozen, freed_after_release = asyncio.run(scenario())
    finally:
        gc.unfreeze()  # the rest of the test session keeps Python's own collector
    assert frozen and kept_while_frozen and freed_after_release
