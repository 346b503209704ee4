"""The garbage collector kept from stopping the room server for a tenth of a second at a time.

Python's cyclic collector walks every object it tracks in a full collection. On a room server with
2,000 kiosks connected that took 83-190 ms, several times a minute while everyone logged in, and
every save that arrived meanwhile waited (bench/findings.md). Here, every `FREEZE_EVERY_S` the
young generations are collected (milliseconds) and what survives is frozen (`gc.freeze`: moved
where no collection walks it), so a full collection walks only what is newer. Frozen objects are
still freed when their last reference goes; only a reference cycle among them that later becomes
garbage would stay, so every `RELEASE_EVERY_S` everything is unfrozen and collected once (one long
pause in ten minutes instead of several a minute).

Only `proctor-console serve` runs this, a process that is the room's server and nothing else: it
changes the collector of the whole process, and the desk's process (which embeds the server for a
room of thirty) holds Qt objects whose freeing must not wait ten minutes or move threads.
"""

from __future__ import annotations

import asyncio
import gc

FREEZE_EVERY_S = 1.0
RELEASE_EVERY_S = 600.0


def settle() -> None:
    """Collect once and freeze what is left: what the server holds from its start on (the
    package, the memory, the modules)."""
    gc.collect()
    gc.freeze()


async def keep_collections_short() -> None:
    """Run for the server's life, on its event loop."""
    since_release = 0.0
    while True:
        await asyncio.sleep(FREEZE_EVERY_S)
        since_release += FREEZE_EVERY_S
        if since_release >= RELEASE_EVERY_S:
            since_release = 0.0
            gc.unfreeze()
            gc.collect()  # everything once: cycles among what was frozen are freed here
        else:
            gc.collect(1)  # the young generations only: what survives is not garbage now
        gc.freeze()
