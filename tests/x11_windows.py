"""An X server for tests that need real windows (Xvfb), what it shows, and a window manager's
close button: the top-level windows with their titles and geometry (`xwininfo`), the whole screen
as a PNG (Qt's own grab, in a process of its own on the xcb platform), and WM_DELETE_WINDOW sent
to a window the way a window manager sends it when its close button is pressed.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Window:
    id: int
    title: str
    x: int
    y: int
    width: int
    height: int

    def overlaps(self, other: "Window") -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


def missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xwininfo") if shutil.which(tool) is None] + (
        [] if _xlib() is not None else ["libX11"])


class Xvfb:
    """An X server of its own (the first free display number, chosen by the server itself)."""

    def __init__(self, width: int, height: int):
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        return {**env, "DISPLAY": self.display}

    def windows(self) -> list[Window]:
        """The mapped top-level windows that have a title (Qt's helper windows are 1×1 or 3×3)."""
        out = subprocess.run(["xwininfo", "-root", "-children"], env=self.env(), capture_output=True,
                             text=True, timeout=10, check=True).stdout
        found = []
        for match in re.finditer(r'^\s+(0x[0-9a-f]+) "([^"]*)":.*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s',
                                 out, re.MULTILINE):
            wid, title, width, height, x, y = match.groups()
            if int(width) > 3 and int(height) > 3 and self._mapped(wid):
                found.append(Window(int(wid, 16), title, int(x), int(y), int(width), int(height)))
        return found

    def _mapped(self, wid: str) -> bool:
        out = subprocess.run(["xwininfo", "-id", wid], env=self.env(), capture_output=True, text=True,
                             timeout=10).stdout
        return "IsViewable" in out

    def screenshot(self, path: Path) -> None:
        script = ("import sys\nfrom PySide6.QtGui import QGuiApplication\n"
                  "app = QGuiApplication(['grab', '-platform', 'xcb'])\n"
                  "assert app.primaryScreen().grabWindow(0).save(sys.argv[1])\n")
        subprocess.run([sys.executable, "-c", script, str(path)], env=self.env(), check=True, timeout=30)

    def close(self, window: Window) -> None:
        """What a window manager does when the window's close button is pressed."""
        send_delete_window(self.display, window.id)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]


class _Event(ctypes.Union):
    _fields_ = [("client", _ClientMessage), ("pad", ctypes.c_long * 24)]


def _xlib():
    try:
        return ctypes.CDLL("libX11.so.6")
    except OSError:
        return None


def send_delete_window(display: str, window: int) -> None:
    x = _xlib()
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                             ctypes.POINTER(_Event)]
    x.XFlush.argtypes = x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    conn = x.XOpenDisplay(display.encode())
    if not conn:
        raise RuntimeError(f"cannot open display {display}")
    try:
        event = _Event()
        event.client.type = 33  # ClientMessage
        event.client.send_event = 1
        event.client.window = window
        event.client.message_type = x.XInternAtom(conn, b"WM_PROTOCOLS", 0)
        event.client.format = 32
        event.client.data[0] = x.XInternAtom(conn, b"WM_DELETE_WINDOW", 0)
        event.client.data[1] = 0  # CurrentTime
        if not x.XSendEvent(conn, window, 0, 0, ctypes.byref(event)):
            raise RuntimeError("XSendEvent failed")
        x.XFlush(conn)
    finally:
        x.XCloseDisplay(conn)
