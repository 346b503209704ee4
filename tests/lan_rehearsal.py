"""A lab's network for the rehearsal (tests/test_lan_rehearsal.py, `make rehearsal`): the room PC
and each kiosk in its own network namespace, joined by a bridge in a namespace of its own (the
host's network is never touched), with impaired kiosk links.

The impairment is `tc netem` (latency with jitter, and random loss) on both ends of each kiosk's
link. A kernel without sch_netem (some CI containers, this project's VM) gets the closest it has:
`tbf`, a slow link with a short queue, which delays packets and drops them when the queue is full,
and the same random loss as netem's from nftables (`numgen random`, each packet in or out of the
kiosk's link dropped with probability LOSS_PERCENT %). The rehearsal reports which ran and how many
packets were dropped.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOSS_PERCENT = 2
NETEM = ("netem", "delay", "25ms", "10ms", "loss", f"{LOSS_PERCENT}%")
TBF = ("tbf", "rate", "1mbit", "burst", "3kb", "limit", "4kb")
# Random loss without netem: a table in the kiosk's own namespace, counted.
NFT_LOSS = f"""table inet cbt_loss {{
  chain incoming {{ type filter hook input priority 0; policy accept;
    iifname "eth0" numgen random mod 100 < {LOSS_PERCENT} counter drop; }}
  chain outgoing {{ type filter hook output priority 0; policy accept;
    oifname "eth0" numgen random mod 100 < {LOSS_PERCENT} counter drop; }}
}}
"""


def missing() -> str | None:
    """Why the rehearsal cannot run here (None: it can)."""
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux's"
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            return f"`{tool}` (iproute2) is not installed"
    return None


def sh(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=True)


@dataclass
class Lab:
    kiosks: int
    tag: str = field(default_factory=lambda: secrets.token_hex(2))
    impairment: str = ""
    subnet: str = field(default_factory=lambda: f"10.{100 + secrets.randbelow(150)}.{secrets.randbelow(250)}")
    made: list[str] = field(default_factory=list)

    @property
    def switch(self) -> str:
        return f"cbt{self.tag}sw"

    @property
    def room(self) -> str:
        return f"cbt{self.tag}room"

    def kiosk(self, seat: int) -> str:
        return f"cbt{self.tag}k{seat:02d}"

    @property
    def room_address(self) -> str:
        return f"{self.subnet}.1"

    def __enter__(self) -> "Lab":
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _namespace(self, name: str) -> None:
        sh("ip", "netns", "add", name)
        self.made.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")

    def _link(self, ns: str, number: int, address: str) -> tuple[str, str]:
        outer, inner = f"c{self.tag}s{number:02d}", f"c{self.tag}n{number:02d}"
        sh("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
        sh("ip", "link", "set", outer, "netns", self.switch)
        sh("ip", "link", "set", inner, "netns", ns)
        sh("ip", "-n", self.switch, "link", "set", outer, "master", "br0", "up")
        sh("ip", "-n", ns, "link", "set", inner, "name", "eth0")
        sh("ip", "-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")
        return outer, "eth0"

    def _impair(self, ns: str, device: str) -> None:
        for kind in ((NETEM,) if not self.impairment.startswith("tbf") else ()) + (TBF,):
            done = subprocess.run(["ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", device,
                                   "root", *kind], capture_output=True, text=True)
            if done.returncode == 0:
                if kind is TBF and ns != self.switch:  # netem's loss, from nftables
                    self.impairment = "tbf + nftables loss" if self._random_loss(ns) else "tbf"
                elif kind is NETEM:
                    self.impairment = "netem"
                return
        raise RuntimeError(f"tc cannot shape {device}: {done.stderr.strip()}")

    def _random_loss(self, ns: str) -> bool:
        if shutil.which("nft") is None:
            return False
        done = subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=NFT_LOSS,
                              capture_output=True, text=True)
        return done.returncode == 0

    def _build(self) -> None:
        self._namespace(self.switch)
        sh("ip", "-n", self.switch, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.switch, "link", "set", "br0", "up")
        self._namespace(self.room)
        self._link(self.room, 0, self.room_address)
        for seat in range(1, self.kiosks + 1):
            ns = self.kiosk(seat)
            self._namespace(ns)
            outer, inner = self._link(ns, seat, f"{self.subnet}.{10 + seat}")
            self._impair(ns, inner)  # the kiosk's sending side
            self._impair(self.switch, outer)  # and what the switch sends to it

    def dropped(self) -> int:
        """Packets the impaired links dropped so far (both ends of every kiosk link)."""
        total = 0
        for ns in [self.switch, *(self.kiosk(s) for s in range(1, self.kiosks + 1))]:
            out = subprocess.run(["ip", "netns", "exec", ns, "tc", "-s", "qdisc", "show"],
                                 capture_output=True, text=True).stdout
            for line in out.splitlines():
                if "dropped" in line:
                    total += int(line.split("dropped")[1].split(",")[0].strip())
            if ns != self.switch and "nftables" in self.impairment:
                out = subprocess.run(["ip", "netns", "exec", ns, "nft", "list", "table", "inet",
                                      "cbt_loss"], capture_output=True, text=True).stdout
                total += sum(int(w.split()[0]) for w in out.split("counter packets ")[1:])
        return total

    def close(self) -> None:
        for ns in reversed(self.made):
            subprocess.run(["ip", "netns", "pids", ns], capture_output=True)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.made.clear()


def wrappers(lab: Lab, folder: Path) -> Path:
    """`exam-client` and `cbt-kiosk-setup check` as if typed on the kiosk PC of the seat their
    configuration names (kiosks/NN/kiosk.json): the same programs, run in that seat's namespace."""
    folder.mkdir(parents=True, exist_ok=True)
    real = Path(sys.executable).parent
    hop = '''seat=""; prev=""
for arg in "$@"; do [ "$prev" = "--config" ] && seat=$(basename "$(dirname "$arg")"); prev="$arg"; done
'''
    (folder / "exam-client").write_text(
        f'#!/usr/bin/env bash\n{hop}exec ip netns exec cbt{lab.tag}k$seat {real}/exam-client "$@"\n')
    (folder / "cbt-kiosk-setup").write_text(
        f'#!/usr/bin/env bash\n{hop}if [ "$1" = check ]; then\n'
        f'  exec ip netns exec cbt{lab.tag}k$seat {real}/cbt-kiosk-setup "$@"\nfi\n'
        f'exec {real}/cbt-kiosk-setup "$@"\n')
    for name in ("exam-client", "cbt-kiosk-setup"):
        (folder / name).chmod(0o755)
    return folder
