"""Every deadline of a sitting comes from here, on the room server's clock: when it is, and
whether it is over.

A sitting's time is the variant's time (the specification's) times the student's extra-time
factor (set before the day on the roster); the representative's extension for a technical
failure and a room pause then move it (each move written to the attempt's `deadline_at`, with
an incident and an audit entry). While the room is paused no clock runs: nothing is over. A
kiosk's clock never counts: it is told the deadline and the server's time
(sittings.attempt_state), and what it says about when it journalled an answer is never trusted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.storage.base import utcnow

# Answers sent just before the deadline may arrive a little later over a slow network.
LATE_ANSWER_GRACE = dt.timedelta(seconds=30)


def deadline_of(current: Any) -> dt.datetime:
    """When the sitting (an `Attempt` or its `Sitting` in memory) ends by the server's clock: its
    deadline as the factor, the extensions and the pauses have made it."""
    return current.deadline_at


def is_over(current: Any, now: dt.datetime | None = None,
            paused_at: dt.datetime | None = None) -> bool:
    """Whether the sitting's time, and the network's grace after it, is over (server's clock);
    while the room is paused (since `paused_at`) the clock stands at the pause."""
    at = now or utcnow()
    if paused_at is not None:
        at = min(at, paused_at)
    return at > deadline_of(current) + LATE_ANSWER_GRACE


def time_allowed(duration_minutes: int, extra_time_factor: float = 1.0) -> dt.timedelta:
    """The specification's time times the factor, in whole seconds."""
    return dt.timedelta(seconds=round(duration_minutes * 60 * max(1.0, extra_time_factor)))


def first_deadline(started_at: dt.datetime, duration_minutes: int,
                   extra_time_factor: float = 1.0) -> dt.datetime:
    return started_at + time_allowed(duration_minutes, extra_time_factor)


def extended(deadline: dt.datetime, minutes: int) -> dt.datetime:
    """The representative's extension for a technical failure."""
    return deadline + dt.timedelta(minutes=minutes)


def after_pause(deadline: dt.datetime, started_at: dt.datetime, paused_at: dt.datetime,
                resumed_at: dt.datetime) -> dt.datetime:
    """A room pause stops every clock: the deadline moves by the part of the pause the sitting
    lived through (all of it, or since it started during the pause)."""
    stopped = resumed_at - max(paused_at, started_at)
    return deadline + max(stopped, dt.timedelta(0))


def time_left(deadline: dt.datetime, now: dt.datetime,
              paused_at: dt.datetime | None = None) -> dt.timedelta:
    """What is left; while the room is paused the clock stands at the pause."""
    at = min(now, paused_at) if paused_at is not None else now
    return max(deadline - at, dt.timedelta(0))
