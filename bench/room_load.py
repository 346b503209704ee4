"""The room benchmark's load generator: N kiosks as raw HTTP/1.1 over TLS on one event loop
(uvloop when present), pinned to its own core so that the server's core is the server's.

Not the kiosk's client classes and not httpx: a request is a few bytes written and a reply read
by its Content-Length, about 30-60 µs of the generator's CPU, so one core drives thousands of
kiosks. Run by bench_room.py as ``python bench/room_load.py --plan plan.json --out stats.json``;
the plan names the server, the credentials and the phases' times.

The generator's own pauses would be counted as the server's latency: its garbage collector is
off for the run (a pass over its record of every request took tens of milliseconds), and a probe
measures how late its event loop wakes (`loop_lag_p99`, `loop_lag_max` in the output).

Phases (seconds after the start; every request is recorded with the moment it was sent, and
bench_room.py cuts the record into phases):
- log-in storm: every kiosk connects and logs in at a random moment in the first `storm_s`
  seconds, then sends a heartbeat (``GET /attempt/state``) every 2 s and a save every 5 s. The
  storm lasts until 10 s after the last login was answered (the room lets one login work per
  core at a time, so 2,000 of them take longer than the 10 s in which they are sent);
- steady state: the next `steady_s` seconds;
- reconnect storm: then every kiosk loses its connection for `cut_s` seconds (the network cut:
  the student goes on answering, the answers wait in the kiosk's journal), and all reconnect on
  their next heartbeat, within one heartbeat period of each other (new TLS handshakes, timed
  apart from the requests), and send what waits; recorded for `reconnect_s` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import ssl
import time
from pathlib import Path
from typing import Any

API = "/api/v1"
HEARTBEAT_S = 2.0
SAVE_S = 5.0


class Link:
    """One kiosk's keep-alive HTTPS connection (reconnects when it was closed)."""

    def __init__(self, port: int, ctx: ssl.SSLContext):
        self.port, self.ctx = port, ctx
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: bytes = b"",
                      body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            await self.connect()
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                ).encode() + headers + b"\r\n"
        self.writer.write(head + body)
        status_line, _, rest = (await self.reader.readuntil(b"\r\n\r\n")).partition(b"\r\n")
        length = 0
        for line in rest.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        data = await self.reader.readexactly(length) if length else b""
        return int(status_line.split(b" ", 2)[1]), data

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            "127.0.0.1", self.port, ssl=self.ctx, server_hostname="127.0.0.1")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.transport.abort()  # the cable pulled: no goodbye
        self.reader = self.writer = None


class Stats:
    def __init__(self, plan: dict[str, Any]):
        self.plan = plan
        self.requests: list[tuple[float, str, float]] = []  # (sent at, kind, seconds)
        self.errors: dict[str, int] = {}
        self.acked: dict[str, int] = {}
        self.waiting = len(plan["credentials"])  # logins not answered yet
        self.cut_at = self.end_at = float("inf")  # set once every kiosk has logged in

    def logged_in(self, at: float) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            p = self.plan
            self.cut_at = at + 10.0 + p["steady_s"]
            self.end_at = self.cut_at + p["cut_s"] + p["reconnect_s"] + 1.0

    def add(self, at: float, kind: str, seconds: float) -> None:
        self.requests.append((round(at, 4), kind, round(seconds, 6)))

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def kiosk(cred: dict[str, str], plan: dict[str, Any], ctx: ssl.SSLContext, t0: float,
                stats: Stats, rng: random.Random) -> None:
    link = Link(plan["port"], ctx)
    await _sleep_until(t0 + rng.uniform(0, plan["storm_s"]))
    sent = time.monotonic() - t0
    start = time.perf_counter()
    try:
        enrolled = f"X-Workstation-Key: {cred['workstation_key']}\r\n"  # the PC at the student's seat
        status, data = await link.request("POST", f"{API}/session/login",
                                          f"Content-Type: application/json\r\n{enrolled}".encode(),
                                          json.dumps({"login": cred["login"],
                                                      "password": cred["password"]}).encode())
    except (OSError, asyncio.IncompleteReadError) as exc:
        stats.error(f"login: {type(exc).__name__}")
        stats.logged_in(time.monotonic() - t0)
        return
    stats.logged_in(time.monotonic() - t0)
    if status != 200:
        stats.error(f"login: HTTP {status}")
        return
    stats.add(sent, "login", time.perf_counter() - start)
    reply = json.loads(data)
    items = [i for section in reply["content"]["sections"] for i in section["items"]]
    attempt_id, acked = reply["attempt_id"], int(reply["acked_seq"])
    auth = (f"Authorization: Bearer {reply['token']}\r\nX-Workstation-Key: {cred['workstation_key']}\r\n"
            "Content-Type: application/json\r\n").encode()
    pending: list[dict[str, Any]] = []
    seq = acked
    now = time.monotonic() - t0
    next_beat = now + rng.uniform(0, HEARTBEAT_S)
    next_save = now + rng.uniform(0, SAVE_S)
    while True:
        at = min(next_beat, next_save)
        if at >= stats.cut_at and (at >= stats.end_at or at < stats.cut_at + plan["cut_s"]):
            await _sleep_until(t0 + min(at, stats.cut_at))  # the cut is known once all logged in
            if at >= stats.end_at:
                break
            back_at = stats.cut_at + plan["cut_s"]  # the network is cut: answers go to the journal only
            while next_save < back_at:
                seq += 1
                pending.append(_entry(seq, rng.choice(items)))
                next_save += SAVE_S
            link.close()
            # Back on its next heartbeat: all kiosks within one heartbeat period (2 s).
            next_beat = back_at + rng.uniform(0, HEARTBEAT_S)
            next_save = next_beat + 0.001  # then what waits in the journal
            continue
        await _sleep_until(t0 + at)
        if at == next_save:
            seq += 1
            pending.append(_entry(seq, rng.choice(items)))
            kind, next_save = "save", next_save + SAVE_S
            method, path, body = "POST", f"{API}/attempt/answers", json.dumps({"entries": pending}).encode()
        else:
            kind, next_beat = "heartbeat", next_beat + HEARTBEAT_S
            method, path, body = "GET", f"{API}/attempt/state", b""
        try:
            if link.writer is None:  # a new connection (after the cut): its handshake apart
                start = time.perf_counter()
                await link.connect()
                stats.add(at, "connect", time.perf_counter() - start)
            start = time.perf_counter()
            status, data = await link.request(method, path, auth, body)
        except (OSError, asyncio.IncompleteReadError) as exc:
            stats.error(f"{kind}: {type(exc).__name__}")
            link.close()
            continue
        elapsed = time.perf_counter() - start
        if status != 200:
            stats.error(f"{kind}: HTTP {status}")
            continue
        stats.add(at, kind, elapsed)
        if kind == "save":
            got = int(json.loads(data)["acked_seq"])
            if got == seq:
                pending = []
                stats.acked[attempt_id] = got
            else:
                stats.error("save: not acked")
    link.close()


def _entry(seq: int, item: dict[str, Any]) -> dict[str, Any]:
    return {"seq": seq, "item_id": item["id"], "answer": _answer(item), "client_ts": time.time()}


def _answer(item: dict[str, Any]) -> Any:
    """An answer the room accepts for the item (common/domain/answer_checks.py): an option id, a
    list of them, or a cleared answer for the typed and matched types."""
    options = [o["id"] for o in item.get("options") or ()]
    if item["type"] == "single_choice" and options:
        return options[-1]
    if item["type"] == "multiple_choice" and options:
        return options[:2]
    return None


async def _sleep_until(when: float) -> None:
    delay = when - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def flood(port: int, ctx: ssl.SSLContext, path: str, connections: int,
                seconds: float) -> int:
    """Closed loop: `connections` links asking `path` as fast as the server answers."""
    done = 0
    end = time.monotonic() + seconds

    async def one() -> None:
        nonlocal done
        link = Link(port, ctx)
        while time.monotonic() < end:
            status, _ = await link.request("GET", path)
            done += status == 200
        link.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return done


def _context(cert: str) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cert)
    ctx.check_hostname = False
    return ctx


async def _main(args: argparse.Namespace) -> None:
    plan = json.loads(Path(args.plan).read_text("utf-8"))
    ctx = _context(plan["cert"])
    if plan.get("flood"):
        n = await flood(plan["port"], ctx, plan["flood"], plan["connections"], plan["seconds"])
        Path(args.out).write_text(json.dumps({"requests": n}), "utf-8")
        return
    stats = Stats(plan)
    t0 = time.monotonic() + (plan["start_at"] - time.time())
    cpu0 = time.process_time()
    lags: list[float] = []
    probe = asyncio.create_task(_loop_lag(lags))
    gc.collect()
    gc.disable()  # a collection would pause every timer here and show as the server's latency
    try:
        await asyncio.gather(*(kiosk(c, plan, ctx, t0, stats,
                                     random.Random(f"{plan['seed']}:{c['login']}"))
                               for c in plan["credentials"]))
    finally:
        gc.enable()
        probe.cancel()
    lags.sort()
    Path(args.out).write_text(json.dumps({
        "requests": stats.requests, "errors": stats.errors, "acked": stats.acked,
        "cut_at": stats.cut_at, "end_at": stats.end_at, "start_at": plan["start_at"],
        "cpu_s": time.process_time() - cpu0,
        "loop_lag_p99": lags[int(0.99 * (len(lags) - 1))] if lags else 0.0,
        "loop_lag_max": lags[-1] if lags else 0.0}), "utf-8")


async def _loop_lag(lags: list[float], every: float = 0.01) -> None:
    """How late the generator's event loop wakes for a 10 ms timer, every 10 ms."""
    while True:
        before = time.monotonic()
        await asyncio.sleep(every)
        lags.append(time.monotonic() - before - every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cpu", type=int, default=None, help="pin this process to one core")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    try:
        import uvloop
        uvloop.run(_main(args))
    except ImportError:
        asyncio.run(_main(args))


if __name__ == "__main__":
    main()
